"""The ledger's filters, shared by the ledger page, its export and the API list."""

import datetime as dt

from django import forms
from django.db.models import BooleanField, F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.hazards.choices import (
    OPEN_STATUSES,
    ClockKind,
    DeterminationState,
    Grade,
    Source,
    Status,
)
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.regions.models import Region, Sector, subtree_filter
from hazardloop.units import search as unit_search
from hazardloop.units.models import Unit

PAGE_SIZE = 50


class HazardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.CharField(label=_("Region"), required=False, max_length=12)
    unit = forms.IntegerField(label=_("Unit"), required=False, min_value=1)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=[("", _("Any grade")), *Grade.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("open", pgettext_lazy("hazard status", "Open")),
            *Status.choices,
        ],
    )
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[("", _("Overdue or not")), ("yes", _("Overdue")), ("no", _("Not overdue"))],
    )
    lapsed = forms.ChoiceField(
        label=_("Regulator's time limit"),
        required=False,
        choices=[
            ("", _("Any")),
            ("any", _("Time limit missed")),
            (ClockKind.ORDER.value, _("Not ordered in time")),
            (ClockKind.VERIFY.value, _("Not re-checked in time")),
        ],
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *Source.choices]
    )
    determination = forms.ChoiceField(
        label=_("Major-hazard determination"),
        required=False,
        choices=[("", _("Any")), *DeterminationState.choices],
    )
    campaign = forms.IntegerField(label=_("Campaign"), required=False, min_value=1)
    found_from = forms.DateField(
        label=_("Found from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    found_to = forms.DateField(
        label=_("Found until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when a sector is given or the form is drawn, not on every ledger request.
        self.fields["sector"].choices = _sector_choices

    def clean_region(self):
        code = (self.cleaned_data.get("region") or "").strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("Unknown region."))
        return region


def _sector_choices():
    return [("", _("Any sector"))] + [(s.code, s.name) for s in Sector.objects.all()]


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


class AtUnits(Func):
    """A filter: the hazard's unit is one of the units `units` (an uncorrelated queryset).

    On PostgreSQL `unit_id = ANY(ARRAY(<units>))`: the units are found once (an InitPlan, on
    their own indexes) and the hazards through the `unit_id` index, a condition the
    planner can OR with the trigram indexes of title and description (a `unit_id IN (…)`
    sub-select cannot take part in a bitmap OR, so the whole table would be read). Elsewhere
    `unit_id IN (<units>)`."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, units):
        super().__init__(F("unit_id"))
        self.units = units

    def _parts(self, compiler, connection):
        column, params = compiler.compile(self.source_expressions[0])
        sub, sub_params = self.units.query.get_compiler(connection=connection).as_sql()
        return column, sub, [*params, *sub_params]

    def as_sql(self, compiler, connection, **extra):
        column, sub, params = self._parts(compiler, connection)
        return f"{column} IN ({sub})", params

    def as_postgresql(self, compiler, connection, **extra):
        column, sub, params = self._parts(compiler, connection)
        return f"{column} = ANY(ARRAY({sub}))", params


def text_match(q: str):
    """The ledger's free-text condition: the title or description holds `q` (case folded), or
    the unit's name, credit code or address does (the unit search's own normalised match,
    units/search.py). On PostgreSQL each part has its index: a pg_trgm GIN index over
    `UPPER(title)` and `UPPER(description)` (the expressions Django's `icontains` compiles
    to; migration 0012) and the units' search indexes; terms under three characters cannot
    use a trigram index and scan the rows the other filters leave."""
    condition = Q(title__icontains=q) | Q(description__icontains=q)
    term = unit_search.normalise(q)
    if term:
        units = Unit.objects.filter(unit_search.match(term)).order_by().values("pk")
        condition |= Q(AtUnits(units))
    return condition


def apply_filters(qs, data: dict, now=None):
    """Narrow a hazard queryset by the cleaned filter values."""
    now = now or timezone.now()
    q = (data.get("q") or "").strip()
    if q:
        qs = qs.filter(text_match(q))
    if data.get("region"):
        qs = qs.filter(subtree_filter("region_code", data["region"].prefix))
    if data.get("unit"):
        qs = qs.filter(unit_id=data["unit"])
    if data.get("sector"):
        qs = qs.filter(sector_code=data["sector"])
    if data.get("grade"):
        qs = qs.filter(grade=data["grade"])
    status = data.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if data.get("overdue") == "yes":
        qs = qs.overdue(now)
    elif data.get("overdue") == "no":
        qs = qs.not_overdue(now)
    lapsed = data.get("lapsed")
    if lapsed:
        qs = qs.clock_lapsed(now, None if lapsed == "any" else [lapsed])
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("determination"):
        qs = qs.filter(determination=data["determination"])
    if data.get("campaign"):
        qs = qs.filter(campaign_id=data["campaign"])
    if data.get("found_from"):
        qs = qs.filter(found_at__gte=_day_start(data["found_from"]))
    if data.get("found_to"):
        qs = qs.filter(found_at__lt=_day_start(data["found_to"] + dt.timedelta(days=1)))
    if data.get("due_from"):
        qs = qs.filter(due_at__gte=_day_start(data["due_from"]))
    if data.get("due_to"):
        qs = qs.filter(due_at__lt=_day_start(data["due_to"] + dt.timedelta(days=1)))
    return qs


# --- keyset pagination: newest first, by (found_at, id) --------------------------------------


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICRO = dt.timedelta(microseconds=1)


def encode_cursor(hazard) -> str:
    """The cursor after a hazard (a model instance, or a values() row with `found_at`, `id`)."""
    if isinstance(hazard, dict):
        return f"{(hazard['found_at'] - EPOCH) // MICRO}.{hazard['id']}"
    return f"{(hazard.found_at - EPOCH) // MICRO}.{hazard.pk}"


def decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        micros, pk = cursor.split(".", 1)
        moment = EPOCH + int(micros) * MICRO
        return moment, int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def page(qs, cursor: str | None, size: int = PAGE_SIZE, on_or_before: dt.date | None = None):
    """One page after the cursor and the cursor of the next page (None on the last page).

    `on_or_before` jumps by date: the page starts at the newest hazard found on or before that
    day (local time), one index range like the cursor's, so any point is one request away."""
    qs = qs.order_by("-found_at", "-id")
    if on_or_before is not None and on_or_before < dt.date.max:
        qs = qs.filter(found_at__lt=_day_start(on_or_before + dt.timedelta(days=1)))
    after = decode_cursor(cursor)
    if after:
        moment, pk = after
        # found_at <= moment first: an index range condition (the OR alone is not one).
        qs = qs.filter(found_at__lte=moment).filter(Q(found_at__lt=moment) | Q(id__lt=pk))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)
