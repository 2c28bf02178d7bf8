"""Forms for the hazard page's actions. Each one cleans into the parameters of a service."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import Category, Grade
from hazardloop.hazards.deadlines import LOCAL, end_of_local_day
from hazardloop.hazards.grading import parse_ref
from hazardloop.hazards.models import RectificationPlan


def _date_field(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


# How the page asks for each input of an action schema (hazards/schemas.py), by field name.
FIELD_LABELS = {
    "due_at": _("Deadline"),
    "proposed_due_at": _("Proposed deadline"),
    "measures": _("Measures"),
    "responsible_person": _("Responsible person"),
    "grade": _("Grade"),
    "team": _("Team (one person per line: name, role)"),
    "on_site": _("Checked on site"),
    "close": _("Close at once (销号)"),
    "photo_ids": _("Photos after rectification"),
    "expert_id": _("Expert"),
    "note": _("What was done"),
    "text": _("Advice"),
    "reason": _("Reason or note"),
}


def field_kind(name: str, field) -> str:
    """The widget an input of an action schema gets on the page."""
    annotation = str(field.annotation)
    if name == "grade":
        return "grade"
    if name == "expert_id":
        return "expert"
    if name == "photo_ids":
        return "photos"
    if name == "team":
        return "team"
    if name == "parts":
        return "plan"
    if field.annotation is bool:
        return "bool"
    if "datetime" in annotation.lower():
        return "date"
    if name in ("measures", "reason", "note", "text"):
        return "textarea"
    return "text"


def form_fields(spec) -> list[dict]:
    """The inputs of an action's page form, from its schema (name, kind, label, required)."""
    out = []
    for name in spec.fields:
        field = spec.schema.model_fields[name]
        out.append(
            {
                "name": name,
                "kind": field_kind(name, field),
                "label": FIELD_LABELS.get(name, name),
                "required": field.is_required(),
                "initial": field.default if field.annotation is bool else None,
            }
        )
    return out


def _team(text: str) -> list[dict]:
    team = []
    for line in (text or "").splitlines():
        name, _sep, role = line.replace("，", ",").partition(",")
        if name.strip():
            team.append({"name": name.strip(), "role": role.strip()})
    return team


def action_payload(spec, data, *, photo_ids=()):
    """The action's input schema filled from its page form (`data`: request.POST).

    Raises pydantic's ValidationError (a stale or tampered form) or Django's ValidationError
    (an invalid plan); `core.errors.page_errors` shows either.
    """
    values = {"action": spec.name}
    if data.get("version"):
        values["version"] = data["version"]
    for name in spec.fields:
        kind = field_kind(name, spec.schema.model_fields[name])
        raw = data.get(name)
        if kind == "bool":
            values[name] = name in data
        elif kind == "photos":
            values[name] = list(photo_ids)
        elif kind == "team":
            values[name] = _team(raw)
        elif kind == "plan":
            plan = PlanForm(data)
            if not plan.is_valid():
                raise ValidationError(_("Check the plan."))
            values[name] = plan.cleaned_data
        elif kind == "date":
            if raw:
                day = forms.DateField().clean(raw)
                values[name] = end_of_local_day(day)
        elif raw is not None and raw != "":
            values[name] = raw
    return spec.schema.model_validate(values)


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
        help_text=_(
            "Separated by spaces or commas, each with its edition, e.g. gb35181-2017:7.3.3 "
            "city_gas-2023:9.1"
        ),
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
        bad = [r for r in refs if parse_ref(r) is None]
        if bad:
            raise forms.ValidationError(
                _(
                    "Write each element as family-edition:element, e.g. gb35181-2017:7.3.3 "
                    "(not %(bad)s)."
                )
                % {"bad": ", ".join(bad)}
            )
        return refs

    def clean_found_at(self):
        value = self.cleaned_data.get("found_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, LOCAL)
        return value
