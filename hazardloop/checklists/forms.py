from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.checklists.models import ChecklistItem


class ItemForm(forms.ModelForm):
    rule_refs = forms.CharField(
        label=_("major-hazard rules fed"),
        required=False,
        max_length=200,
        help_text=_("Comma-separated, e.g. gb35181:7.3.10, city_gas:9.1"),
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "section_zh",
            "section_en",
            "text_zh",
            "text_en",
            "guidance_zh",
            "guidance_en",
            "legal_basis",
            "basis_status",
            "category",
            "default_grade",
            "rule_refs",
            "answer_type",
            "number_min",
            "number_max",
            "number_unit",
            "photo_on_fail",
        ]
        widgets = {
            "guidance_zh": forms.Textarea(attrs={"rows": 3}),
            "guidance_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["rule_refs"] = ", ".join(self.instance.rule_refs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"
