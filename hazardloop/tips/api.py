"""Public tips: `POST /api/v1/public/tips` and `GET /api/v1/public/tips/{tracking_code}` (no
sign-in, rate limited), `GET /api/v1/tips` and `POST /api/v1/tips/{id}/triage` (regulators)."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field, Strict

from hazardloop.accounts.access import has_perm_anywhere
from hazardloop.accounts.models import User
from hazardloop.core.api import Code, Day, Error, Id, Pagination, RegionCode, Text, Version
from hazardloop.core.request_context import client_ip
from hazardloop.tips import public, services
from hazardloop.tips.access import tip_or_404, visible_tips
from hazardloop.tips.choices import Outcome, TipCategory, TipStatus
from hazardloop.tips.models import DESCRIPTION_MAX, REASON_MAX, Tip
from hazardloop.units.models import PUBLIC_ID_LENGTH, Unit

public_router = Router(tags=["public tips"])
# Up to 3 files named `photos` (settings.TIP_MAX_PHOTOS; the service checks it again).
PHOTOS = File(None, max_length=3)
router = Router(tags=["tips"])

# JSON numbers only (a `false` is not 0, a `true` not tip 1).
StrictVersion = Annotated[Version, Strict()]
StrictId = Annotated[Id, Strict()]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class TipReceived(Schema):
    tracking_code: str
    status: TipStatus
    answer_due: dt.datetime


class TipPublicOut(Schema):
    tracking_code: str
    category: TipCategory
    status: TipStatus
    status_label: str
    received_at: dt.datetime
    answered_at: dt.datetime | None
    outcome: str = Field(description="Where the tip stands, in words; never a person's name.")


@public_router.post(
    "/tips", auth=None, response={201: TipReceived, 429: Error}, summary="Send a public tip"
)
def send_tip(
    request,
    category: Form[TipCategory],
    description: Form[Text(DESCRIPTION_MAX)],
    unit: Form[Text(PUBLIC_ID_LENGTH) | None] = None,
    phone: Form[Text(32) | None] = None,
    region: Form[RegionCode | None] = None,
    address: Form[Text(200) | None] = None,
    latitude: Form[Latitude | None] = None,
    longitude: Form[Longitude | None] = None,
    photos: list[UploadedFile] = PHOTOS,
):
    """A tip from the public, no sign-in: `unit` is the public id from the unit's door QR code
    page; without it give `region` (a county or below) and `address`. Up to 3 `photos` (JPEG,
    PNG, WebP or HEIC). Rate limited per client address and per unit (429). Returns the
    tracking code to follow the tip with."""
    place = None
    if unit:
        place = Unit.objects.filter(public_id=unit).first()
        if place is None:
            raise Http404(_("Not found."))
    tip = services.receive_tip(
        unit=place,
        region_code=region or "",
        category=category,
        description=description,
        phone=phone or "",
        address=address or "",
        latitude=latitude,
        longitude=longitude,
        uploads=list(photos or []),
        client_address=client_ip(request),
    )
    return 201, {"tracking_code": tip.tracking_code, "status": tip.status, "answer_due": tip.due_at}


@public_router.get(
    "/tips/{tracking_code}", auth=None, response=TipPublicOut, summary="Follow a public tip"
)
def follow_tip(request, tracking_code: Text(32)):
    """Where a tip stands, by its tracking code: its status and outcome in words."""
    tip = (
        Tip.objects.select_related("hazard", "task")
        .filter(tracking_code=services.normal_code(tracking_code))
        .first()
    )
    if tip is None:
        raise Http404(_("Not found."))
    return {
        "tracking_code": tip.tracking_code,
        "category": tip.category,
        "status": tip.status,
        "status_label": tip.get_status_display(),
        "received_at": tip.received_at,
        "answered_at": tip.triaged_at,
        "outcome": public.outcome(tip),
    }


class TipOut(Schema):
    id: int
    unit_id: int | None
    unit_name: str
    region: str
    county: str
    category: TipCategory
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    photo_ids: list[int]
    status: TipStatus
    received_at: dt.datetime
    due_at: dt.datetime
    due_estimated: bool
    late: bool
    triaged_at: dt.datetime | None
    reason: str
    hazard_id: int | None
    task_id: int | None
    version: int

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name if obj.unit_id else ""

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_code

    @staticmethod
    def resolve_county(obj) -> str:
        return obj.county_code

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]

    @staticmethod
    def resolve_late(obj) -> bool:
        return obj.status == TipStatus.RECEIVED and obj.due_at < timezone.now()


def _scoped(user):
    if not has_perm_anywhere(user, "tip.view"):
        raise Http404(_("Not found."))  # a unit's own people never learn of the queue
    return visible_tips(user)


@router.get("", response=list[TipOut])
@paginate(Pagination)
def list_tips(request, status: Code | None = None):
    """Tips about places in your regions (regulators, inspectors, leaders, duty officers),
    earliest answer deadline first; `status`: received, hazard, inspection, dismissed."""
    qs = _scoped(request.user).select_related("unit").prefetch_related("photos")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


class TriageIn(Schema):
    outcome: Outcome
    version: StrictVersion
    reason: Text(REASON_MAX) = ""
    title: Text(200) = ""
    description: Text(4000) = ""
    category: Code | None = None
    unit_id: StrictId | None = Field(
        None, description="For a tip without a unit: the unit of the hazard or inspection."
    )
    due_on: Day | None = Field(None, description="An inspection's date (default: in 7 days).")
    inspector_id: StrictId | None = None


@router.post("/{tip_id}/triage", response=TipOut)
def triage(request, tip_id: Id, payload: TriageIn):
    """Answer a tip once: `hazard` records a hazard (source public_tip) at its unit,
    `inspection` plans an inspection task, `dismiss` closes it with a `reason` (shown to the
    tipster). `version` is the tip's (409 `changed` if it moved meanwhile)."""
    tip = tip_or_404(request.user, tip_id)
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise Http404(_("Not found."))
    inspector = None
    if payload.inspector_id is not None:
        inspector = User.objects.filter(pk=payload.inspector_id, is_active=True).first()
        if inspector is None:
            raise Http404(_("Not found."))
    services.triage_tip(
        tip,
        actor=request.user,
        outcome=payload.outcome,
        version=payload.version,
        reason=payload.reason,
        title=payload.title,
        description=payload.description,
        category=payload.category or "",
        unit=unit,
        due_on=payload.due_on,
        inspector=inspector,
    )
    return tip_or_404(request.user, tip_id)
