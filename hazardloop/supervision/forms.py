"""The "issue a document" form: the fields of every kind; the service checks the combination."""

import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.deadlines import end_of_local_day
from hazardloop.supervision import authority, penalties
from hazardloop.supervision.choices import ISSUABLE_KINDS, DocumentKind, SealSituation
from hazardloop.supervision.clocks import SEAL_MAX_DAYS

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class IssueForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"),
        choices=[(k.value, k.label) for k in ISSUABLE_KINDS],
        widget=forms.Select(attrs={"class": "form-select", "x-model": "kind"}),
    )
    department = forms.TypedChoiceField(
        label=_("Issued by"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Left empty: your most local department."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    checked_on = forms.DateField(
        label=_("Date of the inspection or determination"),
        help_text=_("The legal clocks (3 working days to serve) start here."),
        widget=DATE,
    )
    rectify_due = forms.DateField(label=_("Rectify by"), required=False, widget=DATE)
    seal_from = forms.DateField(label=_("Sealed from"), required=False, widget=DATE)
    seal_days = forms.IntegerField(
        label=_("Days sealed"),
        required=False,
        min_value=1,
        max_value=SEAL_MAX_DAYS,
        help_text=_("At most 30 days (公安部令第120号 Art. 22)."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    seal_place = forms.CharField(
        label=_("Part or place sealed"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    situations = forms.MultipleChoiceField(
        label=_("Situations (Art. 22)"),
        choices=SealSituation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    penalties = forms.MultipleChoiceField(
        label=_("Penalty guidance printed on the document"),
        choices=[(r.code, r.citation) for r in penalties.RULES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, departments, hazard, guidance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, d.name) for d in departments]
        self.departments = {d.pk: d for d in departments}
        self.default_department = departments[0]
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
            self.initial.setdefault("checked_on", timezone.localtime(hazard.found_at).date())
            if hazard.due_at:
                self.initial.setdefault("rectify_due", timezone.localtime(hazard.due_at).date())
            self.initial.setdefault("seal_from", timezone.localdate())
            self.initial.setdefault("seal_days", SEAL_MAX_DAYS)
            own = authority.authority_of(self.default_department.kind)
            laws = own.penalty_laws if own else ()
            self.initial.setdefault("penalties", [r.code for r in guidance if r.law in laws])
            kind = (
                DocumentKind.MAJOR_HAZARD_NOTICE
                if hazard.grade == "major"
                else DocumentKind.DEADLINE_ORDER
            )
            issuable = authority.issuable_kinds(self.default_department, ISSUABLE_KINDS)
            if kind not in issuable and issuable:
                kind = DocumentKind(issuable[0])
            self.initial.setdefault("kind", kind.value)

    def service_options(self) -> dict:
        """The cleaned data as keywords for services.issue_document."""
        d = self.cleaned_data
        checked = dt.datetime.combine(d["checked_on"], dt.time(12, 0))
        return {
            "kind": d["kind"],
            "department": self.departments.get(d.get("department"), self.default_department),
            "checked_at": timezone.make_aware(checked),
            "rectify_due_at": end_of_local_day(d["rectify_due"]) if d.get("rectify_due") else None,
            "seal_from": d.get("seal_from"),
            "seal_days": d.get("seal_days"),
            "seal_place": d.get("seal_place") or "",
            "situations": d.get("situations") or [],
            "penalty_codes": d.get("penalties") or [],
            "note": d.get("note") or "",
            "idempotency_key": f"form:{d['key']}",
        }


class ServeForm(forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DATE)
    note = forms.CharField(
        label=_("How it was served"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def served_at(self):
        day = self.cleaned_data["served_on"]
        now = timezone.localtime()
        if day == now.date():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
