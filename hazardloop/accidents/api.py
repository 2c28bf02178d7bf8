"""/api/v1/accidents: quick reports (快报), follow-ups (续报/补报), the reporting chain and the
figures. Scoped like the pages: out of scope is 404, in scope but not allowed 403."""

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hazardloop.accidents import services, stats
from hazardloop.accidents.access import get_accident_or_404, require_report, visible_accidents
from hazardloop.accidents.choices import AccidentGrade, AccidentStatus, AccidentType
from hazardloop.accidents.grading import grade_reason
from hazardloop.accidents.models import Accident
from hazardloop.accounts.access import scope_for
from hazardloop.core.api import (
    ApiError,
    Code,
    Count,
    Day,
    Id,
    ObjectIn,
    Pagination,
    RegionCode,
    Text,
    When,
)
from hazardloop.regions import codes
from hazardloop.regions.models import Region
from hazardloop.units.models import Unit

router = Router(tags=["accidents"])

People = Count
Yuan = Field(0, ge=0, le=services.MAX_LOSS)


class StepOut(Schema):
    seq: int = Field(description="The step's number in `/chain/{step}/…`, 1 = the county.")
    level: str = Field(description="county, prefecture, province or state_council.")
    region_code: str = Field(description="The receiving level's region.")
    due_at: dt.datetime = Field(description="When the report must have been sent to it.")
    sent_at: dt.datetime | None
    received_at: dt.datetime | None
    received_by: str | None
    forwarded_at: dt.datetime | None
    late: bool = Field(description="Sent after its deadline, or unsent and past it.")

    @staticmethod
    def resolve_received_by(obj):
        return obj.received_by.username if obj.received_by_id else None

    @staticmethod
    def resolve_late(obj):
        return obj.is_late(timezone.now())


class UpdateOut(Schema):
    kind: str = Field(description="follow_up, supplementary or final.")
    at: dt.datetime
    note: str
    deaths: int
    missing: int
    serious_injuries: int
    direct_loss_cny: int
    counted: bool = Field(description="False: a casualty change after the Art. 13 window.")
    grade_before: str
    grade_after: str

    @staticmethod
    def resolve_counted(obj):
        return obj.applied


class AccidentOut(Schema):
    id: int
    region_code: str
    unit_id: int | None
    accident_type: str
    summary: str
    occurred_at: dt.datetime
    unit_overview: str
    place_and_scene: str
    course: str
    measures_taken: str
    other: str
    deaths: int
    missing: int
    serious_injuries: int
    direct_loss_cny: int
    grade: str = Field(description="general, larger, major or especially_major (493号令 Art. 3).")
    grade_reason: str
    status: str = Field(description="open or closed.")
    reported_at: dt.datetime
    follow_up_due_at: dt.datetime | None
    missed_follow_ups: int
    chain: list[StepOut]

    @staticmethod
    def resolve_grade_reason(obj):
        return grade_reason(obj.grade_basis)

    @staticmethod
    def resolve_chain(obj):
        return list(obj.steps.select_related("received_by").order_by("seq"))


class AccidentDetailOut(AccidentOut):
    updates: list[UpdateOut]

    @staticmethod
    def resolve_updates(obj):
        return list(obj.updates.all())


class AccidentIn(Schema):
    occurred_at: When
    region_code: RegionCode
    accident_type: Code = Field(description=", ".join(AccidentType.values))
    summary: Text(200)
    unit_id: Id | None = None
    deaths: People = 0
    missing: People = 0
    serious_injuries: People = 0
    direct_loss_cny: int = Yuan
    unit_overview: Text() = ""
    place_and_scene: Text() = ""
    course: Text() = ""
    measures_taken: Text() = ""
    other: Text() = ""


class UpdateIn(ObjectIn):
    note: Text()
    deaths: People | None = None
    missing: People | None = None
    serious_injuries: People | None = None
    direct_loss_cny: int | None = Field(None, ge=0, le=services.MAX_LOSS)
    final: bool = Field(False, description="The final report: closes the accident's reporting.")


@router.get("", response=list[AccidentOut])
@paginate(Pagination)
def list_accidents(
    request,
    status: Code | None = None,
    grade: Code | None = None,
    awaiting_me: bool = False,
):
    """Accidents in your scope, newest first; `awaiting_me`: those with a step your level has
    to receive or forward."""
    qs = visible_accidents(request.user).order_by("-occurred_at", "-id")
    if status:
        if status not in AccidentStatus.values:
            raise ApiError(422, "invalid", _("Unknown status."))
        qs = qs.filter(status=status)
    if grade:
        if grade not in AccidentGrade.values:
            raise ApiError(422, "invalid", _("Unknown grade."))
        qs = qs.filter(grade=grade)
    if awaiting_me:
        from hazardloop.accidents.desk import awaiting

        qs = qs.filter(pk__in=awaiting(request.user).values("accident_id"))
    return qs


@router.post("", response={201: AccidentOut})
def report(request, payload: AccidentIn):
    """File a quick report (快报, 493号令 Art. 12). A unit's people file for their own unit;
    department roles for their regions. Returns the grade with its reasoning and the chain's
    deadlines."""
    scope = scope_for(request.user, "accident.report")
    if scope.is_empty:
        raise ApiError(403, "forbidden", _("Your role does not allow this action here."))
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None or not scope_for(request.user, "unit.view").covers(unit.region_id, unit.pk):
            raise ApiError(422, "bad_unit", _("Unknown unit."))
    data = payload.dict()
    data.pop("unit_id")
    with transaction.atomic():
        accident = services.report_accident(actor=request.user, unit=unit, **data)
    return 201, accident


@router.get("/stats")
def accident_stats(
    request,
    start: Day | None = None,
    end: Day | None = None,
    group_by: Code = "region",
    region_code: RegionCode | None = None,
):
    """Accidents, deaths and serious injuries for the period (local dates, `end` inclusive;
    this year to date by default) by region, type, grade or sector, with the same period last
    year (同比) and whether both accidents and deaths fell (双下降)."""
    scope = stats.department_scope(request.user)
    if scope.is_empty:
        raise ApiError(403, "forbidden", _("Your role does not allow this action here."))
    default_start, default_end = stats.this_year_to_date()
    start, end = start or default_start, end or default_end
    if end < start or (end - start).days > 3660 or not 1901 <= start.year <= end.year <= 2999:
        raise ApiError(422, "invalid", _("Choose a period of at most ten years, start first."))
    if group_by not in stats.GROUPS:
        raise ApiError(422, "invalid", _("Unknown grouping."))
    if region_code and not (
        codes.is_code(region_code) and Region.objects.filter(code=region_code).exists()
    ):
        raise ApiError(422, "invalid", _("Unknown region."))
    if region_code and not scope.covers_region(region_code):
        raise ApiError(404, "not_found", _("Not found."))
    figures = stats.accident_figures(request.user, start, end, group_by, region_code or None)

    def row(r):
        return {
            "key": r.key,
            "label": r.label,
            "accidents": r.accidents,
            "deaths": r.deaths,
            "serious_injuries": r.serious_injuries,
            "last_year": {
                "accidents": r.last_accidents,
                "deaths": r.last_deaths,
                "serious_injuries": r.last_serious_injuries,
            },
            "both_down": r.both_down,
        }

    return {
        "start": figures.start,
        "end": figures.end,
        "group_by": figures.group_by,
        "region_code": figures.region_code,
        "total": row(figures.total),
        "rows": [row(r) for r in figures.rows],
        "late_steps": stats.late_steps(request.user, start, end),
    }


@router.get("/{accident_id}", response=AccidentDetailOut)
def get_accident(request, accident_id: Id):
    return get_accident_or_404(request.user, accident_id)


@router.post("/{accident_id}/updates", response={201: AccidentDetailOut})
def post_update(request, accident_id: Id, payload: UpdateIn):
    """A follow-up (续报); changed figures make it a supplementary report (补报) that regrades
    the accident (casualties count within 30 days, 7 for road traffic and fire) and may send it
    to higher levels; `final` closes the reporting."""
    accident = get_accident_or_404(request.user, accident_id)
    require_report(request.user, accident)
    data = payload.dict()
    services.add_update(accident, actor=request.user, **data)
    return 201, Accident.objects.get(pk=accident.pk)


def _step_action(request, accident_id, step, action):
    accident = get_accident_or_404(request.user, accident_id)
    if not accident.steps.filter(seq=step).exists():
        raise Http404(_("Not found."))
    action(accident, step, actor=request.user)
    return Accident.objects.get(pk=accident.pk)


@router.post("/{accident_id}/chain/{step}/receive", response=AccidentOut)
def receive(request, accident_id: Id, step: Count):
    """The person on duty at the step's level acknowledges the report (timestamped)."""
    return _step_action(request, accident_id, step, services.receive_step)


@router.post("/{accident_id}/chain/{step}/forward", response=AccidentOut)
def forward(request, accident_id: Id, step: Count):
    """The step's level reports up to the next one on the route (timestamped; late past the
    deadline). The province records the State Council department step itself."""
    return _step_action(request, accident_id, step, services.forward_step)
