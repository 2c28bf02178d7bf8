"""Inspections API: submit (idempotent on client_id), read one, list with filters."""

import datetime as dt
import uuid
from typing import Annotated

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hazardloop.core.api import ApiError, Code, Day, Id, RegionCode, Text, When
from hazardloop.core.api import Count as CountField
from hazardloop.inspections.access import (
    check_submission,
    get_inspection_or_404,
    unit_for_inspection,
    visible_inspections,
)
from hazardloop.inspections.cursor import after_cursor, make_cursor
from hazardloop.inspections.models import Answer, Inspection
from hazardloop.inspections.services import submit_inspection
from hazardloop.regions.models import Region

router = Router(tags=["inspections"])


NAME = Text(50)
PhotoIds = Annotated[list[Id], Field(max_length=50)]
# A measured value: a number, or the number as the form sent it.
NUMBER = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)] | Text(32)


class TeamIn(Schema):
    name: NAME
    role: Code
    user_id: Id | None = None


class AnswerIn(Schema):
    code: Text(20)
    result: Code | None = None
    number: NUMBER | None = None
    text: Text() | None = None
    note: Text() = ""
    photo_ids: PhotoIds = []
    # A failed item corrected during the inspection: recorded with its after-photos (uploaded
    # like any photo), raising no hazard and never counted toward a determination.
    corrected_on_spot: bool = False
    after_photo_ids: PhotoIds = []


class SignatureIn(Schema):
    role: Code
    name: NAME
    photo_id: Id | None = None
    refused: bool = False
    witness_name: NAME = ""
    signed_at: When | None = None


class InspectionIn(Schema):
    client_id: uuid.UUID
    unit_id: Id
    template_version_id: Id
    mode: Code
    campaign_id: Id | None = None
    started_at: When | None = None
    device_time: When | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    accuracy_m: CountField | None = None
    notes: Text() = ""
    team: Annotated[list[TeamIn], Field(max_length=20)] = []
    answers: Annotated[list[AnswerIn], Field(max_length=500)]
    signatures: Annotated[list[SignatureIn], Field(max_length=10)] = []


class AnswerOut(Schema):
    code: str
    result: str
    number_value: float | None
    text_value: str
    note: str
    photo_ids: list[int]
    corrected_on_spot: bool
    after_photo_ids: list[int]
    hazard_id: int | None

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]

    @staticmethod
    def resolve_after_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.after_photos.all()]


class TeamOut(Schema):
    name: str
    role: str
    user_id: int | None


class SignatureOut(Schema):
    role: str
    name: str
    image_id: int | None
    refused: bool
    witness_name: str
    signed_at: dt.datetime


class InspectionSummary(Schema):
    id: int
    client_id: uuid.UUID
    unit_id: int
    unit_name: str
    region_code: str
    template_version_id: int
    mode: str
    campaign_id: int | None
    inspector_id: int
    leader_id: int | None
    received_at: dt.datetime
    device_time: dt.datetime | None
    n_items: int
    n_failed: int
    n_corrected: int
    n_hazards: int
    url: str

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("inspections:detail", args=[obj.pk])


class InspectionOut(InspectionSummary):
    started_at: dt.datetime | None
    latitude: float | None
    longitude: float | None
    location_accuracy_m: int | None
    notes: str
    team: list[TeamOut]
    answers: list[AnswerOut]
    signatures: list[SignatureOut]
    amendments: int

    @staticmethod
    def resolve_team(obj):
        return list(obj.team.all())

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())

    @staticmethod
    def resolve_signatures(obj):
        return list(obj.signatures.all())

    @staticmethod
    def resolve_amendments(obj) -> int:
        return obj.n_amendments


class InspectionPage(Schema):
    items: list[InspectionSummary]
    next: str | None


class ListQuery(Schema):
    unit: Id | None = None
    region: RegionCode | None = None
    mode: Code | None = None
    inspector: Id | None = None
    leader: Id | None = None
    campaign: Id | None = None
    date_from: Day | None = None
    date_to: Day | None = None
    failed: bool | None = None
    after: Text(200) | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


def _full(pk: int, user=None) -> Inspection:
    """The inspection with everything InspectionOut shows; `user=None` only right after the
    service returned it to its own inspector (scope was checked on the unit)."""
    if user is not None:
        get_inspection_or_404(user, pk)
    return (
        Inspection.objects.select_related("unit")
        .annotate(n_amendments=Count("amendments"))
        .prefetch_related(
            "team",
            "signatures",
            Prefetch("answers", queryset=Answer.objects.prefetch_related("photos", "after_photos")),
        )
        .get(pk=pk)
    )


@router.post("", response={200: InspectionOut, 201: InspectionOut})
def submit(request, payload: InspectionIn):
    """Submit a finished inspection. Upload photos and signature images first
    (`POST /api/v1/evidence/photos`) and send their ids. Retrying with the same `client_id`
    returns the first inspection (200) and creates nothing; a new one answers 201."""
    user = request.auth
    unit = unit_for_inspection(user, payload.unit_id)
    data = payload.dict()
    version = check_submission(user, unit, payload.template_version_id, payload.mode)
    inspection, created = submit_inspection(data, actor=user, unit=unit, version=version)
    # The service returns only the user's own submission for this unit, which is in scope.
    return (201 if created else 200), _full(inspection.pk)


@router.get("", response=InspectionPage)
def list_inspections(request, filters: Query[ListQuery]):
    """Inspections in scope, newest first (keyset: pass `next` back as `after`)."""
    qs = visible_inspections(request.auth).select_related("unit")
    f = filters
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.region:
        region = Region.objects.filter(code=f.region).first()
        if region is None:
            raise ApiError(422, "invalid", _("Unknown region."))
        qs = qs.filter(region.subtree_q("region_code"))
    if f.mode:
        qs = qs.filter(mode=f.mode)
    if f.inspector:
        qs = qs.filter(inspector_id=f.inspector)
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    if f.campaign:
        qs = qs.filter(campaign_id=f.campaign)
    if f.date_from:
        qs = qs.filter(received_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(received_at__date__lte=f.date_to)
    if f.failed is not None:
        qs = qs.filter(n_failed__gt=0) if f.failed else qs.filter(n_failed=0)
    if f.after:
        try:
            qs = after_cursor(qs, f.after)
        except ValueError:
            raise ApiError(422, "invalid", _("The cursor is not valid.")) from None
    limit = max(1, min(f.limit, 200))
    rows = list(qs.order_by("-received_at", "-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = make_cursor(rows[-1]) if more and rows else None
    return {"items": rows, "next": cursor}


@router.get("/{inspection_id}", response=InspectionOut)
def get_inspection(request, inspection_id: Id):
    return _full(inspection_id, request.auth)
