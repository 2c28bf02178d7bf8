"""GET/POST /api/v1/campaigns, GET /api/v1/campaigns/{id}/progress and
POST /api/v1/campaigns/tasks/assign."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from hazardloop.accounts.access import require, scope_for
from hazardloop.campaigns import assigning, services
from hazardloop.campaigns import progress as campaign_progress
from hazardloop.campaigns.access import access_campaign
from hazardloop.campaigns.models import Campaign, InspectionTask
from hazardloop.campaigns.picking import unusable_checklists
from hazardloop.core.api import (
    ApiError,
    Code,
    Codes,
    Day,
    Id,
    Pagination,
    Percent,
    RegionCode,
    Text,
)
from hazardloop.regions.models import Department, Region

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    parent: int | None
    region: str
    level: str
    title: str
    document_number: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    scope_regions: list[str]
    sectors: list[str]
    unit_filters: list[str]
    checklists: list[str]
    focus_items: list[str]
    target_coverage_pct: int
    target_major_recheck_pct: int
    target_training_pct: int

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_region(obj):
        return obj.region_code

    @staticmethod
    def resolve_level(obj):
        return obj.region.level


class CampaignIn(Schema):
    region: RegionCode
    title: Text(200)
    starts_on: Day
    ends_on: Day
    document_number: Text(80) = ""
    department: Id | None = None
    scope_regions: Codes = []
    sectors: Codes = []
    unit_filters: Codes = []
    checklists: Codes = []
    focus_items: Codes = []
    target_coverage_pct: Percent = 100
    target_major_recheck_pct: Percent = 100
    target_training_pct: Percent = 0
    launch: bool = True
    idempotency_key: Text(120) | None = None


@router.get("", response=list[CampaignOut])
@paginate(Pagination)
def list_campaigns(request, status: Code | None = None):
    """Campaigns of your regions and below, and the upper levels' campaigns that reach you."""
    qs = Campaign.objects.visible_to(request.user).select_related("region")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_on", "-id")


@router.post("", response={201: CampaignOut})
def create_campaign(request, payload: CampaignIn):
    """Launch a campaign at the level of `region` (needs campaign.manage there)."""
    if scope_for(request.user, "campaign.manage").is_empty:
        raise ApiError(403, "forbidden", _("Your role does not allow this action here."))
    region = Region.objects.filter(code=payload.region).first()
    if region is None or not scope_for(request.user, "campaign.view").covers_region(region.code):
        raise ApiError(404, "not_found", _("Not found."))
    require(request.user, "campaign.manage", region_code=region.code, obj=region)
    department = None
    if payload.department is not None:
        department = Department.objects.filter(pk=payload.department, region=region).first()
        if department is None:
            raise ApiError(422, "bad_department", _("The department must be of that region."))
    if unusable_checklists(request.user, payload.checklists):
        raise ApiError(422, "bad_checklist", _("Choose checklists you may use (by id or code)."))
    data = payload.dict()
    for key in ("region", "department"):
        data.pop(key)
    with transaction.atomic():
        campaign = services.create_campaign(
            actor=request.user, region=region, department=department, **data
        )
    return 201, campaign


@router.get("/{campaign_id}/progress")
def get_progress(request, campaign_id: Id):
    """The campaign's progress per child region of its level, inside your scope."""
    campaign = access_campaign(request.user, campaign_id)
    return campaign_progress.progress(request.user, campaign)


class TaskAssignIn(Schema):
    task_ids: Annotated[list[Id], Field(min_length=1, max_length=assigning.MAX_TASKS)]
    inspector_ids: Annotated[list[Id], Field(min_length=1, max_length=assigning.MAX_PEOPLE)]


class TaskOut(Schema):
    id: int
    campaign_id: int | None
    unit_id: int
    unit_name: str
    region_code: str
    due_on: dt.date
    status: str
    inspector_ids: list[int]

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_inspector_ids(obj) -> list[int]:
        return sorted(p.pk for p in obj.inspectors.all())


class TaskRefusal(Schema):
    id: int
    code: str
    reason: str


class TaskAssignOut(Schema):
    assigned: list[TaskOut]
    refused: list[TaskRefusal]


@router.post("/tasks/assign", response=TaskAssignOut)
def assign_tasks(request, payload: TaskAssignIn):
    """Give several inspection tasks the same inspectors (they replace the tasks' earlier ones).

    The same service as the task list's ticks. The inspectors must be people the caller may
    choose (an office role that may inspect, inside the caller's scope), otherwise nothing is
    written (422). Each task is then handled on its own: the tasks that fit are assigned and
    `refused` names each task that does not with its `code` (`not_found`, `permission_denied`,
    `not_allowed_now`: not open, or drawn, which keeps the draw's inspectors; `invalid`: a chosen
    inspector may not inspect its unit) and translated `reason`; a refusal never undoes the
    others. When none was assigned: 404 if none is in the caller's scope, 403 if the caller's
    role may assign none of them, otherwise 409 `nothing_assigned` with the reasons in `errors`.
    """
    if scope_for(request.user, "campaign.manage").is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))
    result = assigning.assign_tasks(
        actor=request.user, task_ids=payload.task_ids, inspector_ids=payload.inspector_ids
    )
    assigned = (
        InspectionTask.objects.filter(pk__in=[t.pk for t in result.assigned])
        .select_related("unit")
        .prefetch_related("inspectors")
        .order_by("pk")
    )
    return {
        "assigned": list(assigned),
        "refused": [{"id": r.task_id, "code": r.code, "reason": r.reason} for r in result.refused],
    }
