from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.checklists.models import ChecklistItem
from hazardloop.checklists.services import ITEM_FIELDS


class ItemForm(forms.ModelForm):
    rule_refs = forms.CharField(
        label=_("major-hazard rules fed"),
        required=False,
        max_length=200,
        help_text=_(
            "Comma-separated, each with its edition, e.g. gb35181-2017:7.3.10, city_gas-2023:9.1"
        ),
    )

    class Meta:
        model = ChecklistItem
        fields = [f for f in ITEM_FIELDS if f != "code"]  # the code is fixed per version
        widgets = {
            "guidance_zh": forms.Textarea(attrs={"rows": 3}),
            "guidance_en": forms.Textarea(attrs={"rows": 3}),
            "violation_zh": forms.Textarea(attrs={"rows": 2}),
            "violation_en": forms.Textarea(attrs={"rows": 2}),
            "element_limits": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "violation_zh": _(
                "What a notice says when the item fails: the violation found, e.g. "
                "“门窗上设置了影响逃生和灭火救援的铁栅栏、广告牌”, never the requirement."
            ),
            "legal_basis": _(
                "Citations separated by “；”. Only verified citations of national or Jilin rules "
                "are printed on official documents."
            ),
            "basis_source": _(
                "Where each citation was checked against the rules reference (its section) and "
                "with what result, or why it could not be."
            ),
            "element_limits": _(
                "For a measured rate: the element is fed only above the limit for the unit's "
                'building, e.g. [{"ref": "gb35181-2017:7.3.6", "over": '
                '{"high_rise_or_underground": 30, "other": 50}, "status": '
                '"verified"}]. An unverified limit feeds nothing.'
            ),
            "other_duty_zh": _(
                "A duty of someone else the same facts raise (e.g. the gas supplier's): "
                "recorded with the finding, never graded at the unit."
            ),
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
