"""Forms for the hazard page's actions. Each one cleans into the parameters of a service."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import Category, Grade
from hazardloop.hazards.deadlines import LOCAL, end_of_local_day
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
    # Offered only to those who may close; never ticked unless the person ticks it.
    close = forms.BooleanField(label=_("Close at once (销号)"), required=False, initial=False)
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


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class RecordForm(forms.Form):
    """A hazard recorded by hand at one unit; the grade is computed, never chosen here."""

    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    rule_refs = forms.CharField(
        label=_("Rule elements"),
        required=False,
        max_length=400,
        help_text=_("Separated by spaces or commas, e.g. gb35181:7.3.3 city_gas:9.1"),
    )
    default_grade = forms.ChoiceField(
        label=_("Grade when no rule element decides"),
        choices=Grade.choices,
        initial=Grade.GENERAL,
    )
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=400)
    found_at = forms.DateTimeField(
        label=_("Found at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def clean_rule_refs(self) -> list[str]:
        text = (self.cleaned_data.get("rule_refs") or "").replace("，", ",")
        refs = [r.strip() for r in text.replace(",", " ").split() if r.strip()]
        bad = [r for r in refs if ":" not in r or not r.partition(":")[2]]
        if bad:
            raise forms.ValidationError(
                _("Write each element as family:element, e.g. gb35181:7.3.3 (not %(bad)s).")
                % {"bad": ", ".join(bad)}
            )
        return refs

    def clean_found_at(self):
        value = self.cleaned_data.get("found_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, LOCAL)
        return value
