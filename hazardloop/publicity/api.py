"""`GET /api/v1/publicity` (activities in scope, by campaign, region and type) and
`POST /api/v1/publicity` (record one, multipart with its photos and file)."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from hazardloop.accounts.access import has_perm_anywhere
from hazardloop.core.api import Code, Day, Error, Id, Pagination, RegionCode, Text
from hazardloop.publicity import services
from hazardloop.publicity.access import campaign_or_404, recording_units
from hazardloop.publicity.choices import ActivityKind, Level
from hazardloop.publicity.models import MAX_REACH, TEXT_MAX, TITLE_MAX
from hazardloop.publicity.views import filtered

router = Router(tags=["publicity"])
PHOTOS = File(None, max_length=services.MAX_PHOTOS)
Reach = Annotated[int, Field(ge=0, le=MAX_REACH)]


class ActivityOut(Schema):
    id: int
    campaign_id: int | None
    region: str
    level: Level
    unit_id: int | None
    kind: ActivityKind
    kind_label: str
    held_on: dt.date
    reach: int
    title: str
    description: str
    photo_ids: list[int]
    has_file: bool
    recorded_at: dt.datetime

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_code

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)


@router.get("", response=list[ActivityOut], summary="Publicity activities in your scope")
@paginate(Pagination)
def list_activities(
    request,
    campaign: Id | None = None,
    region: RegionCode | None = None,
    kind: Code | None = None,
):
    """Activities of your regions and units, latest first; `campaign` (with its adoptions by
    the levels below), `region` (a region code: that region and below) and `kind`."""
    if not has_perm_anywhere(request.auth, "publicity.view"):
        raise Http404(_("Not found."))
    params = {"campaign": str(campaign or ""), "region": region or "", "kind": kind or ""}
    qs, _campaign = filtered(request.auth, params)
    return qs.prefetch_related("photos").order_by("-held_on", "-id")


@router.post("", response={201: ActivityOut, 403: Error}, summary="Record a publicity activity")
def record_activity(
    request,
    kind: Form[ActivityKind],
    held_on: Form[Day],
    reach: Form[Reach],
    title: Form[Text(TITLE_MAX)],
    description: Form[Text(TEXT_MAX) | None] = None,
    campaign: Form[Id | None] = None,
    unit_id: Form[Id | None] = None,
    region: Form[RegionCode | None] = None,
    photos: list[UploadedFile] = PHOTOS,
    file: File[UploadedFile | None] = None,
):
    """An activity held by your unit (`unit_id`) or by your office in a `region` of your scope
    (province, city, county or township); up to 6 `photos` and one `file` (PDF or photo)."""
    unit = None
    if unit_id is not None:
        unit = next((u for u in recording_units(request.auth) if u.pk == unit_id), None)
        if unit is None:
            raise Http404(_("Not found."))
    activity = services.record_activity(
        actor=request.auth, kind=kind, held_on=held_on, reach=reach, title=title,
        description=description or "",
        campaign=campaign_or_404(request.auth, campaign) if campaign else None,
        unit=unit, region_code=region or "", uploads=list(photos or []), document=file,
    )  # fmt: skip
    return 201, activity
