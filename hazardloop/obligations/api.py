"""`GET /api/v1/units/{id}/duties` (the duty calendar), `POST /api/v1/units/{id}/duties` (a
province's override of a duty rule for a region containing the unit), `POST /api/v1/patrols`
(a unit's own fire patrol)."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from hazardloop.core.api import ApiError, Code, Day, Error, Id, RegionCode, Text, When
from hazardloop.obligations import hours as hours_mod
from hazardloop.obligations.access import require_province_rules, unit_for_duties
from hazardloop.obligations.choices import DutyKind, DutyState
from hazardloop.obligations.patrols import patrol_unit, record_patrol
from hazardloop.obligations.rules import RuleBook
from hazardloop.obligations.schedule import calendar, day_bounds
from hazardloop.obligations.services import set_region_rule
from hazardloop.regions import codes

router = Router(tags=["duties"])
MAX_DAYS = 92


class DutyOut(Schema):
    kind: DutyKind
    kind_label: str
    start: dt.datetime
    end: dt.datetime
    state: DutyState
    state_label: str
    done_at: dt.datetime | None
    article: str
    verified: bool


class RuleOut(Schema):
    kind: DutyKind
    applies_to: str
    every: int
    every_unit: str
    while_open: bool
    article: str
    verified: bool
    region_prefix: str


class CalendarOut(Schema):
    unit_id: int
    start: dt.datetime
    end: dt.datetime
    hours: str
    hours_source: str = Field(description="set, text (read from business hours) or default")
    rules: list[RuleOut]
    duties: list[DutyOut]


class CalendarQuery(Schema):
    start: Day | None = Field(None, description="First day (default today).")
    end: Day | None = Field(None, description="Last day, inclusive (default = start).")


def _calendar(unit, start_day, end_day):
    start, _e = day_bounds(start_day)
    _s, end = day_bounds(end_day)
    wins = calendar([unit], start, end)[unit.pk]
    h = hours_mod.hours_of(unit)
    rules = RuleBook().for_unit(unit)
    return {
        "unit_id": unit.pk, "start": start, "end": end,
        "hours": hours_mod.describe(h), "hours_source": h.source,
        "rules": [r.__dict__ for r in rules.values()],
        "duties": [
            {"kind": w.kind, "kind_label": str(DutyKind(w.kind).label), "start": w.start,
             "end": w.end, "state": w.state, "state_label": str(DutyState(w.state).label),
             "done_at": w.done_at,
             "article": w.rule.article, "verified": w.rule.verified}
            for w in wins
        ],
    }  # fmt: skip


@router.get("/units/{unit_id}/duties", response=CalendarOut, summary="A unit's duty calendar")
def unit_duties(request, unit_id: Id, period: Query[CalendarQuery]):
    """The unit's duties (61号令: patrol, inspection, training, drill) due in the period, each
    with its window and state: done, late (done after the window), lapsed, due or upcoming.
    At most 92 days."""
    unit = unit_for_duties(request.auth, unit_id)
    today = timezone.localdate()
    start = period.start or today
    end = period.end or start
    if end < start or (end - start).days >= MAX_DAYS:
        raise ApiError(422, "invalid", _("Choose a period of at most 92 days."))
    return _calendar(unit, start, end)


class RuleIn(Schema):
    kind: Code
    applies_to: Code
    region: RegionCode = Field(description="A region containing the unit, in your province.")
    every: Annotated[int, Field(ge=1, le=366)]
    every_unit: Code = Field(description="hour, day or month")
    while_open: bool = False
    active: bool = True
    note: Text(300) = ""


@router.post(
    "/units/{unit_id}/duties",
    response={200: CalendarOut, 403: Error},
    summary="Override a duty rule for a region",
)
def override_rule(request, unit_id: Id, payload: RuleIn):
    """Province only: set the rule of a duty for units of a kind (`applies_to`) in `region`
    (which must contain the unit). Such a value is configuration (verified false) unless it
    repeats the shipped 61号令 value. Returns the unit's calendar for today under the new rule."""
    user = request.auth
    unit = unit_for_duties(user, unit_id)
    require_province_rules(user, unit)
    if not codes.is_code(payload.region) or not codes.contains(payload.region, unit.region_id):
        raise ApiError(422, "invalid", _("Choose a region that contains the unit."))
    set_region_rule(
        actor=user, kind=payload.kind, applies_to=payload.applies_to, region_code=payload.region,
        every=payload.every, every_unit=payload.every_unit, while_open=payload.while_open,
        active=payload.active, note=payload.note,
    )  # fmt: skip
    today = timezone.localdate()
    return _calendar(unit, today, today)


class FailedIn(Schema):
    code: Text(20)
    note: Text(500) = ""
    photo_ids: Annotated[list[Id], Field(min_length=1, max_length=10)]


class PatrolIn(Schema):
    unit_id: Id
    client_id: Annotated[str, Field(max_length=36)] | None = None
    started_at: When | None = None
    failed: Annotated[list[FailedIn], Field(max_length=20)] = []
    other: Text(500) = ""


class PatrolOut(Schema):
    inspection_id: int
    created: bool
    hazard_ids: list[int]


@router.post("/patrols", response={200: PatrolOut, 201: PatrolOut}, summary="Record a patrol")
def patrol(request, payload: PatrolIn):
    """A fire patrol by the unit's own staff (61号令 Art. 25). Every item of the patrol
    checklist passes except those in `failed` (each with a note and at least one photo uploaded
    first with `POST /api/v1/evidence/photos`); each failed item becomes a self-found hazard.
    Retrying with the same `client_id` returns the first patrol (200)."""
    user = request.auth
    unit = patrol_unit(user, payload.unit_id)
    failed = {f.code: {"note": f.note, "photo_ids": list(f.photo_ids)} for f in payload.failed}
    inspection, created = record_patrol(
        unit, actor=user, failed=failed, other=payload.other, client_id=payload.client_id,
        started_at=payload.started_at,
    )  # fmt: skip
    ids = list(inspection.answers.filter(hazard__isnull=False).values_list("hazard_id", flat=True))
    return (201 if created else 200), {
        "inspection_id": inspection.pk, "created": created, "hazard_ids": ids,
    }  # fmt: skip
