from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.campaigns import picking
from hazardloop.campaigns.choices import UnitFilter
from hazardloop.core.picking import MAX_PICKED


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


class PickedField(forms.Field):
    """The values a search picker (core/picking.py) posts: a list of ids or codes, each checked
    by the form against what the user may pick."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        values = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
        if len(values) > MAX_PICKED or any(len(v) > 64 for v in values):
            raise forms.ValidationError(_("Choose fewer at once."))
        return values


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
    scope_regions = PickedField(label=_("Only these regions"), required=False)
    checklists = PickedField(label=_("Checklists"), required=False)
    focus_items = forms.CharField(
        label=_("Focus items (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_coverage_pct = forms.IntegerField(
        label=_("Coverage target (%)"), min_value=0, max_value=100, initial=100
    )

    # Rendered by the search picker, not as plain inputs.
    PICKERS = ("scope_regions", "checklists")

    def __init__(self, *args, user, regions=(), sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].choices = [(r.code, str(r)) for r in regions]
        self.fields["sectors"].choices = [(s.code, str(s)) for s in sectors]

    def _submitted(self, name) -> list[str]:
        try:
            return self.fields[name].to_python(self.data.getlist(name) if self.data else [])
        except forms.ValidationError:
            return []

    def clean_scope_regions(self):
        codes = self.cleaned_data["scope_regions"]
        found = set(
            picking.region_choices(self.user).filter(code__in=codes).values_list("code", flat=True)
        )
        if set(codes) - found:
            raise forms.ValidationError(
                _("Choose the regions from the search: a region chosen is outside your scope.")
            )
        return codes

    def clean_checklists(self):
        ids = self.cleaned_data["checklists"]
        chosen, _matches = picking.search_checklists(self.user, "", ids)
        if len(chosen) != len(ids):
            raise forms.ValidationError(
                _("Choose the checklists from the search: one chosen is not yours to use.")
            )
        return ids

    def picked_regions(self):
        """The regions chosen (after a refused submit: those the user may choose)."""
        return picking.search_regions(self.user, "", self._submitted("scope_regions"))[0]

    def picked_checklists(self):
        return picking.search_checklists(self.user, "", self._submitted("checklists"))[0]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "document_number": d["document_number"],
            "starts_on": d["starts_on"],
            "ends_on": d["ends_on"],
            "sectors": d["sectors"],
            "unit_filters": d["unit_filters"],
            "scope_regions": d["scope_regions"],
            "checklists": d["checklists"],
            "focus_items": _lines(d["focus_items"]),
            "target_coverage_pct": d["target_coverage_pct"],
        }
