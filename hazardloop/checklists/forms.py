from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.checklists.models import ChecklistItem
from hazardloop.checklists.services import ITEM_FIELDS


class ItemForm(forms.ModelForm):
    rule_refs = forms.CharField(
        label=_("major-hazard rules fed"),
        required=False,
        max_length=200,
        help_text=_("Comma-separated, e.g. gb35181:7.3.10, city_gas:9.1"),
    )

    class Meta:
        model = ChecklistItem
        fields = [f for f in ITEM_FIELDS if f != "code"]  # the code is fixed per version
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
