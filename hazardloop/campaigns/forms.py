from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.campaigns.choices import UnitFilter


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


class CampaignForm(forms.Form):
    region = forms.ChoiceField(label=_("Level (region)"))
    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    sectors = forms.MultipleChoiceField(label=_("Sectors"), required=False)
    unit_filters = forms.MultipleChoiceField(
        label=_("Unit filters"),
        choices=UnitFilter.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_regions = forms.CharField(
        label=_("Only these regions (codes, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    checklists = forms.CharField(
        label=_("Checklists (id or code, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    focus_items = forms.CharField(
        label=_("Focus items (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_coverage_pct = forms.IntegerField(
        label=_("Coverage target (%)"), min_value=0, max_value=100, initial=100
    )

    def __init__(self, *args, regions=(), sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, str(r)) for r in regions]
        self.fields["sectors"].choices = [(s.code, str(s)) for s in sectors]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "document_number": d["document_number"],
            "starts_on": d["starts_on"],
            "ends_on": d["ends_on"],
            "sectors": d["sectors"],
            "unit_filters": d["unit_filters"],
            "scope_regions": _lines(d["scope_regions"]),
            "checklists": _lines(d["checklists"]),
            "focus_items": _lines(d["focus_items"]),
            "target_coverage_pct": d["target_coverage_pct"],
        }
