"""Evidence API: upload a photo for a unit (before the record that will reference it), read one."""

import datetime as dt

from django.urls import reverse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from hazardloop.accounts.access import get_in_scope_or_404, require
from hazardloop.core.api import Id, When
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.models import Photo
from hazardloop.evidence.services import store_photo
from hazardloop.units.models import Unit

router = Router(tags=["evidence"])


class PhotoOut(Schema):
    id: int
    kind: str
    sha256: str
    content_type: str
    width: int
    height: int
    bytes: int
    original_name: str
    taken_at: dt.datetime | None
    gps_lat: float | None
    gps_lon: float | None
    device_time: dt.datetime | None
    uploaded_at: dt.datetime
    unit_id: int | None
    region_code: str
    url: str
    thumb_url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("evidence:photo", args=[obj.pk])

    @staticmethod
    def resolve_thumb_url(obj) -> str:
        return reverse("evidence:thumb", args=[obj.pk])


@router.post("/photos", response={201: PhotoOut})
def upload_photo(
    request,
    file: File[UploadedFile],
    unit_id: Form[Id],
    kind: Form[PhotoKind] = PhotoKind.PHOTO,
    device_time: Form[When | None] = None,
):
    """Store one photo (JPEG, PNG, WebP or HEIC) for a unit; the same bytes return the same
    photo. Unclaimed photos are deleted after a day: reference them from a record (e.g. an
    inspection's `photo_ids`) soon."""
    unit = get_in_scope_or_404(
        request.user, Unit.objects.all(), perm="unit.view", unit_field="id", pk=unit_id
    )
    require(request.user, "evidence.upload", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    photo = store_photo(
        file,
        actor=request.user,
        region_code=unit.region_id,
        unit_id=unit.pk,
        kind=kind,
        device_time=device_time,
        original_name=file.name or "",
    )
    return 201, photo


@router.get("/photos/{photo_id}", response=PhotoOut)
def get_photo(request, photo_id: Id):
    return get_in_scope_or_404(
        request.user,
        Photo.objects.all(),
        perm="unit.view",
        region_field="region_code",
        unit_field="unit",
        pk=photo_id,
    )
