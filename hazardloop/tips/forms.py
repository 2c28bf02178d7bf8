from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import Category
from hazardloop.regions.models import Region
from hazardloop.tips.choices import Outcome, TipCategory
from hazardloop.tips.models import DESCRIPTION_MAX, REASON_MAX


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class TipForm(forms.Form):
    """The tip form behind a unit's door QR code (the photos are read from request.FILES)."""

    category = forms.ChoiceField(
        label=_("What is wrong"), choices=TipCategory.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What did you see"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where exactly, and since when, if you know."),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        required=False,
        max_length=32,
        help_text=_("Only the authorities see it, to ask you more if needed."),
    )


def county_choices():
    rows = Region.objects.filter(level__in=("prefecture", "county", "zone")).order_by("code")
    groups: list = []
    for region in rows:
        if region.level == "prefecture":
            groups.append([region.name, []])
        elif groups:
            groups[-1][1].append((region.code, region.name))
    return [("", "—")] + [(name, tuple(items)) for name, items in groups if items]


class ProvinceTipForm(TipForm):
    """A tip about a place without a door QR code: its county, address and (optionally) its
    coordinates."""

    region = forms.ChoiceField(label=_("County or district"))
    address = forms.CharField(label=_("Address of the place"), max_length=200)
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=10,
        decimal_places=6,
    )

    field_order = ["region", "address", "latitude", "longitude", "category", "description", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = county_choices()


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=32)


class TriageForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Answer"), choices=Outcome.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    title = forms.CharField(label=_("Title of the hazard"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description of the hazard"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(
        label=_("Category of the hazard"), required=False, choices=Category.choices
    )
    unit_id = forms.IntegerField(label=_("Unit"), required=False, min_value=1)
    due_on = forms.DateField(
        label=_("Inspect by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason (shown to the tipster)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
