"""The case forms: raise a case by hand, and the transitions (confirm, dismiss, decide, close)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.accountability.choices import Measure, SubjectKind


class CaseForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    title = forms.CharField(label=_("Title"), max_length=200)
    subject_kind = forms.ChoiceField(label=_("Held to account"), choices=SubjectKind.choices)
    subject_name = forms.CharField(
        label=_("Name of the person, department or government"),
        max_length=200,
        required=False,
        help_text=_("For a unit, choose it below; its name is taken from the register."),
    )
    department = forms.TypedChoiceField(
        label=_("Department (when a department is held to account)"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    description = forms.CharField(
        label=_("Facts"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["department"].choices = [("", "—")] + [
            (d.pk, f"{d.region.name} · {d.name}") for d in departments
        ]
        for name, field in self.fields.items():
            if name == "unit":
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("confirm", "dismiss", "decide", "close")])
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    note = forms.CharField(max_length=5000, required=False)
    measure = forms.ChoiceField(choices=[("", ""), *Measure.choices], required=False)
