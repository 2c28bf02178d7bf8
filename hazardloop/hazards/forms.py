"""Forms for the hazard page's actions. Each one cleans into the parameters of a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import Grade
from hazardloop.hazards.deadlines import end_of_local_day
from hazardloop.hazards.models import RectificationPlan


def _date_field(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class ActionForm(forms.Form):
    """The fields every action may use; which ones an action needs is up to its service."""

    reason = forms.CharField(label=_("Reason or note"), required=False, widget=forms.Textarea)
    due_date = _date_field(_("Deadline"), required=False)
    measures = forms.CharField(label=_("Measures"), required=False, widget=forms.Textarea)
    responsible_person = forms.CharField(
        label=_("Responsible person"), required=False, max_length=50
    )
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=Grade.choices)
    team = forms.CharField(
        label=_("Team (one person per line: name, role)"), required=False, widget=forms.Textarea
    )
    on_site = forms.BooleanField(label=_("Checked on site"), required=False, initial=True)
    close = forms.BooleanField(label=_("Close at once (销号)"), required=False, initial=True)
    expert_id = forms.IntegerField(label=_("Expert"), required=False)

    def params(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("due_date"):
            data["due_at"] = end_of_local_day(data["due_date"])
        team = []
        for line in (data.get("team") or "").splitlines():
            name, _sep, role = line.partition(",")
            if name.strip():
                team.append({"name": name.strip(), "role": role.strip()})
        data["team"] = team
        data["note"] = data.get("reason")
        return data


class PlanForm(forms.ModelForm):
    class Meta:
        model = RectificationPlan
        fields = list(RectificationPlan.PARTS)
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in RectificationPlan.PARTS}
