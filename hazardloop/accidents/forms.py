from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.accidents.choices import AccidentType
from hazardloop.accidents.services import MAX_LOSS, MAX_PEOPLE
from hazardloop.hazards.deadlines import LOCAL


def _people(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_PEOPLE,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class QuickReportForm(forms.Form):
    """The quick report (快报): the six items of 493号令 Art. 12, the type and the place."""

    summary = forms.CharField(label=_("What happened (one line)"), max_length=200)
    accident_type = forms.ChoiceField(label=_("Accident type"), choices=AccidentType.choices)
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    region = forms.ChoiceField(label=_("Region (county, township or village)"))
    unit_uscc = forms.CharField(
        label=_("The unit's unified social credit code (if registered)"),
        max_length=18,
        required=False,
    )
    unit_overview = forms.CharField(
        label=_("1. The unit: an overview"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    place_and_scene = forms.CharField(
        label=_("2. Time, place and the scene"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    course = forms.CharField(
        label=_("3. Brief course of events"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deaths = _people(_("4. Deaths"))
    missing = _people(_("Missing"))
    serious_injuries = _people(_("Serious injuries (incl. acute industrial poisoning)"))
    direct_loss_cny = forms.IntegerField(
        label=_("Estimated direct economic loss (yuan)"),
        min_value=0,
        max_value=MAX_LOSS,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    measures_taken = forms.CharField(
        label=_("5. Measures taken"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    other = forms.CharField(
        label=_("6. Other matters to report"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, regions=(), unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.option_label) for r in regions]
        self.unit = unit
        if unit is not None:
            # A unit reports for itself: its own record is the unit.
            del self.fields["unit_uscc"]
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime(timezone.now(), LOCAL).strftime("%Y-%m-%dT%H:%M")
            )
            if unit is not None:
                self.initial.setdefault("region", unit.region_id)

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value, LOCAL)
        return value


class UpdateForm(forms.Form):
    note = forms.CharField(
        label=_("What is new"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, max_value=MAX_PEOPLE)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, max_value=MAX_PEOPLE)
    serious_injuries = forms.IntegerField(
        label=_("Serious injuries (incl. acute industrial poisoning)"),
        min_value=0,
        max_value=MAX_PEOPLE,
    )
    direct_loss_cny = forms.IntegerField(
        label=_("Estimated direct economic loss (yuan)"), min_value=0, max_value=MAX_LOSS
    )
    final = forms.BooleanField(label=_("Final report: close the reporting"), required=False)


class StatsForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    group_by = forms.ChoiceField(
        label=_("By"),
        choices=[
            ("region", _("Region")),
            ("type", _("Accident type")),
            ("grade", _("Grade")),
            ("sector", _("Sector")),
        ],
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + [(r.code, r.option_label) for r in regions]
