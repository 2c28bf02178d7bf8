"""Hot-work permits: `GET/POST /api/v1/hot-work-permits`, `GET /api/v1/hot-work-permits/{id}`
and `POST /api/v1/hot-work-permits/{id}/transitions` (docs/permits.md)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import Strict

from hazardloop.accounts.access import get_in_scope_or_404
from hazardloop.core.api import Code, Codes, Id, ObjectIn, Pagination, Text, Version, When
from hazardloop.permits import services
from hazardloop.permits.access import permit_or_404, visible_permits
from hazardloop.permits.choices import LIVE_STATUSES, PermitGrade, PermitStatus
from hazardloop.permits.models import NOTE_MAX, PLACE_MAX, REASON_MAX
from hazardloop.permits.workflow import available_actions
from hazardloop.units.models import Unit

router = Router(tags=["hot-work permits"])
StrictId = Annotated[Id, Strict()]
Lel = Annotated[float, Field(ge=0, le=100)]


class GasReadingIn(Schema):
    taken_at: When
    lel_percent: Lel = Field(description="Share of the lower explosive limit, in %.")
    point: Text(100) = ""
    taken_by: Text(50) = ""


class GasReadingOut(Schema):
    taken_at: dt.datetime
    lel_percent: float
    point: str
    taken_by: str


class PermitIn(ObjectIn):
    unit_id: StrictId
    place: Text(PLACE_MAX)
    reason: Text(REASON_MAX)
    answers: Codes = Field(
        [], description="The grading questions answered yes (settings.PERMIT_GRADING_QUESTIONS)."
    )
    planned_start: When
    planned_end: When
    worker_id: StrictId
    fire_watch_id: StrictId
    measures: Codes = Field([], description="Confirmed measures (settings.PERMIT_MEASURES).")
    gas_readings: Annotated[list[GasReadingIn], Field(max_length=20)] = []
    submit: bool = Field(False, description="Submit for approval at once (else a draft).")


class PermitEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    at: dt.datetime
    note: str
    data: dict


class PermitOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    region: str
    place: str
    reason: str
    grade: PermitGrade
    answers: list[str]
    planned_start: dt.datetime
    planned_end: dt.datetime
    valid_until: dt.datetime
    worker_id: int
    worker_name: str
    fire_watch_id: int
    fire_watch_name: str
    measures: list[str]
    status: PermitStatus
    status_label: str
    approvals: list[dict]
    refusal_reasons: list[str]
    started_at: dt.datetime | None
    interrupted_at: dt.datetime | None
    ended_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_code

    @staticmethod
    def resolve_worker_name(obj) -> str:
        return obj.worker.name

    @staticmethod
    def resolve_fire_watch_name(obj) -> str:
        return obj.fire_watch.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_approvals(obj) -> list[dict]:
        return [{"role": a["role"], "at": a["at"]} for a in obj.approvals]


class PermitDetailOut(PermitOut):
    gas_readings: list[GasReadingOut]
    events: list[PermitEventOut]
    actions: list[str]

    @staticmethod
    def resolve_gas_readings(obj) -> list:
        return list(obj.gas_readings.all())

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_actions(obj, context) -> list[str]:
        return [a.name for a in available_actions(context["request"].user, obj)]


class TransitionIn(ObjectIn):
    action: Code = Field(
        description="submit, approve, refuse, gas_test, start, interrupt, close, cancel, site_check"
    )
    version: Annotated[Version, Strict()] | None = None
    note: Text(NOTE_MAX) = ""
    reading: GasReadingIn | None = Field(None, description="gas_test: the reading.")
    matches: bool | None = Field(None, description="site_check: the site matches the permit.")
    no_smouldering: bool = Field(False, description="close: the after-check found no smouldering.")
    photo_ids: Annotated[list[StrictId], Field(max_length=20)] = Field(
        [], description="close: photos of the place after the work (POST /evidence/photos)."
    )


def _list_qs(user):
    return visible_permits(user).select_related("unit", "worker", "fire_watch")


@router.get("", response=list[PermitOut])
@paginate(Pagination)
def list_permits(
    request,
    status: Code | None = None,
    grade: Code | None = None,
    unit_id: Id | None = None,
    live: bool | None = None,
):
    """Permits in your scope, latest window first; `live=true`: those that may still lead to
    work (draft, submitted, approved, active), `live=false`: the ended ones."""
    qs = _list_qs(request.user)
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if live is True:
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif live is False:
        qs = qs.exclude(status__in=LIVE_STATUSES)
    return qs.order_by("-planned_start", "-id")


def _detail(request, pk):
    return permit_or_404(request.user, pk)


@router.post("", response={201: PermitDetailOut})
def create_permit(request, payload: PermitIn):
    """Apply for a permit at your unit (its manager or safety officer): the grade follows from
    the `answers`, the window must fit the grade's validity. A draft unless `submit`."""
    unit = get_in_scope_or_404(
        request.user, Unit.objects.all(), perm="permit.view", unit_field="pk", pk=payload.unit_id
    )
    permit = services.create_permit(
        unit,
        actor=request.user,
        place=payload.place,
        reason=payload.reason,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        worker_id=payload.worker_id,
        fire_watch_id=payload.fire_watch_id,
        answers=payload.answers,
        measures=payload.measures,
        gas_readings=[r.model_dump() for r in payload.gas_readings],
        submit=payload.submit,
    )
    return 201, _detail(request, permit.pk)


@router.get("/{permit_id}", response=PermitDetailOut)
def get_permit(request, permit_id: Id):
    return _detail(request, permit_id)


@router.post("/{permit_id}/transitions", response=PermitDetailOut)
def transition(request, permit_id: Id, payload: TransitionIn):
    """Move the permit: `approve` runs every check (certificate, fire watch's training, gas
    test, open major fire hazards) and refuses the permit with each reason when one fails.
    `version` is the permit's (409 `changed` if it moved meanwhile)."""
    permit = permit_or_404(request.user, permit_id)
    services.perform(
        permit,
        payload.action,
        actor=request.user,
        version=payload.version,
        note=payload.note,
        reading=payload.reading.model_dump() if payload.reading else None,
        matches=payload.matches,
        no_smouldering=payload.no_smouldering,
        photo_ids=payload.photo_ids,
    )
    return _detail(request, permit.pk)
