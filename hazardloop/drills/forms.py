from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.drills.choices import Rating
from hazardloop.drills.models import SCENARIO_MAX, TEXT_MAX
from hazardloop.hazards.choices import Category

PROBLEM_ROWS = 3
NEW_PLAN = "new"


class DrillForm(forms.Form):
    """A drill as a unit's manager records it on a phone. Problems (problem_N, hazard_N,
    category_N) and the photos and plan file are read from the request by the view."""

    held_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    scenario = forms.CharField(
        label=_("Scenario"),
        max_length=SCENARIO_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. a fire in the kitchen at lunchtime; guests evacuated by the back exit"),
    )
    plan = forms.ChoiceField(label=_("Emergency plan followed"), required=False)
    participants = forms.MultipleChoiceField(
        label=_("Staff who took part"), required=False, widget=forms.CheckboxSelectMultiple
    )
    others_count = forms.IntegerField(
        label=_("Other people who took part"), min_value=0, max_value=100000, initial=0,
        required=False, help_text=_("Guests, neighbours, staff not on the list."),
    )  # fmt: skip
    evac_min = forms.IntegerField(label=_("minutes"), min_value=0, max_value=1440, required=False)
    evac_sec = forms.IntegerField(label=_("seconds"), min_value=0, max_value=59, required=False)
    rating = forms.ChoiceField(
        label=_("How did it go?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    evaluation = forms.CharField(
        label=_("Evaluation (optional)"), max_length=TEXT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, staff=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(str(s.pk), s.name) for s in staff]
        self.fields["plan"].choices = [
            ("", _("No plan attached")),
            *[(str(p.pk), p.title) for p in plans],
            (NEW_PLAN, _("Attach a new plan (PDF or photo)")),
        ]

    def evacuation_seconds(self) -> int | None:
        m = self.cleaned_data.get("evac_min")
        s = self.cleaned_data.get("evac_sec")
        if m is None and s is None:
            return None
        return (m or 0) * 60 + (s or 0) or None


def problem_rows(data) -> list[dict]:
    """The problem rows of the form as posted (empty rows kept, for showing the form again)."""
    rows = []
    for n in range(1, PROBLEM_ROWS + 1):
        rows.append(
            {
                "n": n,
                "description": (data.get(f"problem_{n}") or "")[:500],
                "hazard": data.get(f"hazard_{n}") == "on",
                "category": data.get(f"category_{n}") or Category.OTHER,
            }
        )
    return rows
