"""`GET /api/v1/drills` (drills in scope), `POST /api/v1/drills` (a unit records a drill),
`POST /api/v1/drills/plans` (a unit's emergency plan document, to reference as `plan_id`)."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from hazardloop.accounts.access import has_perm_anywhere
from hazardloop.core.api import Code, Day, Error, Id, ObjectIn, Pagination, RegionCode, Text, When
from hazardloop.drills import services
from hazardloop.drills.access import unit_for_drills, unit_to_record, visible_drills
from hazardloop.drills.choices import Rating
from hazardloop.drills.models import MAX_SECONDS, SCENARIO_MAX, TEXT_MAX
from hazardloop.obligations.schedule import day_bounds
from hazardloop.regions import codes

router = Router(tags=["drills"])


class DrillProblemOut(Schema):
    description: str
    hazard_id: int | None


class DrillOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    region: str
    held_at: dt.datetime
    scenario: str
    plan_id: int | None
    participant_ids: list[int]
    others_count: int
    evacuation_seconds: int | None
    rating: Rating
    rating_label: str
    evaluation: str
    photo_ids: list[int]
    problems: list[DrillProblemOut]
    recorded_at: dt.datetime

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_code

    @staticmethod
    def resolve_participant_ids(obj) -> list[int]:
        return [p.pk for p in obj.participants.all()]

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]

    @staticmethod
    def resolve_rating_label(obj) -> str:
        return obj.get_rating_display()

    @staticmethod
    def resolve_problems(obj) -> list[dict]:
        return [
            {"description": p.description, "hazard_id": p.hazard_id} for p in obj.problems.all()
        ]


def _with_related(qs):
    return qs.select_related("unit").prefetch_related("participants", "photos", "problems")


@router.get("", response=list[DrillOut], summary="Drills in your scope")
@paginate(Pagination)
def list_drills(
    request,
    unit_id: Id | None = None,
    region: RegionCode | None = None,
    since: Day | None = None,
    until: Day | None = None,
):
    """Drills of the units you may see, latest first; filter by `unit_id`, `region` (a region
    code: that region and below) and the days `since` / `until` (inclusive)."""
    if not has_perm_anywhere(request.auth, "drill.view"):
        raise Http404(_("Not found."))
    qs = visible_drills(request.auth)
    if unit_id is not None:
        qs = qs.filter(unit=unit_for_drills(request.auth, unit_id))
    if region:
        if not codes.is_code(region):
            return qs.none()
        qs = qs.filter(codes.code_subtree_filter("region_code", region))
    if since:
        qs = qs.filter(held_at__gte=day_bounds(since)[0])
    if until:
        qs = qs.filter(held_at__lt=day_bounds(until)[1])
    return _with_related(qs).order_by("-held_at", "-id")


class DrillProblemIn(Schema):
    description: Text(services.PROBLEM_MAX)
    hazard: bool = Field(False, description="Record the problem as a hazard of the unit.")
    category: Code | None = None


class DrillIn(ObjectIn):
    unit_id: Id
    held_at: When
    scenario: Text(SCENARIO_MAX)
    plan_id: Id | None = Field(None, description="From POST /api/v1/drills/plans.")
    participant_ids: Annotated[list[Id], Field(max_length=500)] = Field(
        [], description="Staff members of the unit (its staff list)."
    )
    others_count: Annotated[int, Field(ge=0, le=100000)] = 0
    evacuation_seconds: Annotated[int, Field(ge=1, le=MAX_SECONDS)] | None = None
    rating: Rating
    evaluation: Text(TEXT_MAX) = ""
    problems: Annotated[list[DrillProblemIn], Field(max_length=services.MAX_PROBLEMS)] = []
    photo_ids: Annotated[list[Id], Field(max_length=services.MAX_PHOTOS)] = Field(
        [], description="Photos uploaded first with POST /api/v1/evidence/photos."
    )


@router.post("", response={201: DrillOut, 403: Error}, summary="Record a drill")
def record_drill(request, payload: DrillIn):
    """A fire and evacuation drill of your own unit (unit manager or safety officer). Each
    problem with `hazard` true becomes a self-found hazard of the unit (source
    self_inspection: a general one the unit rectifies and closes itself)."""
    unit = unit_to_record(request.auth, payload.unit_id)
    drill = services.record_drill(
        unit, actor=request.auth, held_at=payload.held_at, scenario=payload.scenario,
        participant_ids=payload.participant_ids, others_count=payload.others_count,
        evacuation_seconds=payload.evacuation_seconds, rating=payload.rating,
        evaluation=payload.evaluation, plan_id=payload.plan_id,
        problems=[p.dict() for p in payload.problems], photo_ids=payload.photo_ids,
    )  # fmt: skip
    return 201, _with_related(visible_drills(request.auth)).get(pk=drill.pk)


class DrillPlanOut(Schema):
    id: int
    unit_id: int
    title: str
    content_type: str
    bytes: int
    uploaded_at: dt.datetime


@router.post("/plans", response={201: DrillPlanOut, 403: Error}, summary="Upload an emergency plan")
def upload_plan(
    request, unit_id: Form[Id], file: File[UploadedFile], title: Form[Text(200) | None] = None
):
    """Keep your unit's 灭火和应急疏散预案 (a PDF, or a photo: JPEG, PNG, WebP or HEIC); a drill
    names it by `plan_id`."""
    unit = unit_to_record(request.auth, unit_id)
    plan = services.store_plan(unit, file, actor=request.auth, title=title or "")
    return 201, plan
