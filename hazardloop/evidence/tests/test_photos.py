import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from hazardloop.audit.models import AuditEvent
from hazardloop.evidence.jobs import delete_unclaimed_photos_once
from hazardloop.evidence.models import Photo
from hazardloop.evidence.services import PhotoError, claim_photos, store_photo
from hazardloop.evidence.tests.images import encoded, jpeg_bytes, png_bomb
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db


def _store(cast, data, **kw):
    kw.setdefault("actor", cast.inspector)
    kw.setdefault("region_code", cast.unit.region_id)
    kw.setdefault("unit_id", cast.unit.pk)
    return store_photo(data, **kw)


def test_jpeg_is_decoded_with_exif_time_gps_and_thumbnail(cast):
    data = jpeg_bytes(size=(1600, 1200), taken="2022:09:28 10:15:00", gps=(43.88, 125.32))
    photo = _store(cast, data, original_name="kitchen.jpg")
    assert photo.content_type == "image/jpeg"
    assert (photo.width, photo.height, photo.bytes) == (1600, 1200, len(data))
    assert photo.taken_at == dt.datetime(2022, 9, 28, 2, 15, tzinfo=dt.UTC)  # 10:15 Shanghai
    assert photo.gps_lat == Decimal("43.880000")
    assert photo.gps_lon == Decimal("125.320000")
    assert len(photo.sha256) == 64
    with default_storage.open(photo.thumbnail.name) as fh:
        thumb = Image.open(fh)
        assert thumb.format == "JPEG" and max(thumb.size) == 480
    assert AuditEvent.objects.filter(action="evidence.photo_stored", object_id=photo.pk).exists()


@pytest.mark.parametrize(
    ("fmt", "content_type", "mode"),
    [("PNG", "image/png", "RGBA"), ("WEBP", "image/webp", "RGB"), ("HEIF", "image/heic", "RGB")],
)
def test_png_webp_and_heic_are_accepted(cast, fmt, content_type, mode):
    photo = _store(cast, encoded(fmt, mode=mode))
    assert photo.content_type == content_type
    assert photo.taken_at is None and photo.gps_lat is None


def test_same_bytes_are_stored_once(cast):
    data = jpeg_bytes(color="yellow")
    first = _store(cast, data)
    again = _store(cast, data)
    assert again.pk == first.pk  # a retried upload
    other = _store(cast, data, actor=cast.regulator)  # the same content from someone else
    assert other.pk != first.pk
    assert other.file.name == first.file.name
    folder = default_storage.path(first.file.name).rsplit("/", 1)[0]
    import os

    assert len(os.listdir(folder)) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"this is a shopping list, renamed to photo.jpg\n" * 20, "not_an_image"),
        (b"", "empty"),
        (jpeg_bytes(size=(800, 600))[:3000], "truncated"),
        (encoded("GIF"), "format_not_accepted"),
        (encoded("BMP"), "format_not_accepted"),
        (png_bomb(), "too_many_pixels"),
    ],
    ids=["renamed-text", "empty", "truncated-jpeg", "gif", "bmp", "decompression-bomb"],
)
def test_bad_files_are_refused_and_nothing_is_stored(cast, data, code):
    with pytest.raises(PhotoError) as err:
        _store(cast, data)
    assert err.value.code == code
    assert str(err.value)
    assert not Photo.objects.exists()


def test_file_over_the_size_limit_is_refused_before_decoding(cast):
    big = io.BytesIO(jpeg_bytes() + b"\0" * (30 * 1024 * 1024))
    with pytest.raises(PhotoError) as err:
        _store(cast, big)
    assert err.value.code == "too_large"
    assert "20" in str(err.value)


def test_size_and_pixel_limits_are_settings(cast, settings):
    settings.EVIDENCE_MAX_PIXELS = 1000
    with pytest.raises(PhotoError) as err:
        _store(cast, jpeg_bytes(size=(100, 100)))
    assert err.value.code == "too_many_pixels"
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(PhotoError) as err2:
        _store(cast, jpeg_bytes())
    assert err2.value.code == "too_large"


def test_messages_are_translated(cast):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(PhotoError) as err:
        _store(cast, b"not a photo at all")
    assert "照片" in str(err.value)


def test_claim_and_sweep(cast, django_capture_on_commit_callbacks):
    kept = _store(cast, jpeg_bytes(color="red"))
    orphan = _store(cast, jpeg_bytes(color="blue"))
    fresh = _store(cast, jpeg_bytes(color="white"))
    shared = _store(cast, jpeg_bytes(color="red"), actor=cast.regulator)  # same file as kept
    with transaction.atomic():
        claimed = claim_photos([kept.pk], actor=cast.inspector, unit_id=cast.unit.pk, ref="t:1")
    assert claimed[0].claimed_at is not None
    later = timezone.now() + dt.timedelta(hours=25)
    Photo.objects.filter(pk=fresh.pk).update(uploaded_at=later - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_unclaimed_photos_once(later) == 2  # orphan and shared
    assert set(Photo.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}
    assert not default_storage.exists(orphan.file.name)
    assert default_storage.exists(kept.file.name)  # still used by the claimed row
    assert delete_unclaimed_photos_once(later) == 0  # idempotent
    assert shared.file.name == kept.file.name


def test_claim_refuses_a_photo_of_another_unit(cast):
    photo = _store(cast, jpeg_bytes())
    with pytest.raises(PhotoError) as err:
        claim_photos([photo.pk], actor=cast.inspector, unit_id=cast.other_unit.pk, ref="t:2")
    assert err.value.code == "photo_unavailable"
    with pytest.raises(PhotoError):
        claim_photos([photo.pk, 999999], actor=cast.inspector, unit_id=cast.unit.pk, ref="t:3")
    photo.refresh_from_db()
    assert photo.claimed_at is None


def test_served_bytes_match_and_etag_is_the_hash(cast):
    data = jpeg_bytes(color="purple")
    photo = _store(cast, data)
    client = web_client(cast.regulator)
    response = client.get(f"/evidence/photos/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/jpeg"
    assert response["ETag"] == f'"{photo.sha256}"'
    again = client.get(f"/evidence/photos/{photo.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    thumb = client.get(f"/evidence/photos/{photo.pk}/thumb/")
    assert thumb["Content-Type"] == "image/jpeg"


def test_api_upload_and_refusals(cast):
    client = api_client(cast.inspector)
    ok = client.post(
        "/api/v1/evidence/photos",
        {
            "file": SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg"),
            "unit_id": cast.unit.pk,
            "device_time": "2022-09-28T10:15:00+08:00",
        },
    )
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert body["thumb_url"] == f"/evidence/photos/{body['id']}/thumb/"
    assert body["device_time"].startswith("2022-09-28T")
    renamed = client.post(
        "/api/v1/evidence/photos",
        {"file": SimpleUploadedFile("b.jpg", b"hello", "image/jpeg"), "unit_id": cast.unit.pk},
    )
    assert renamed.status_code == 422
    assert renamed.json()["code"] == "not_an_image"
    huge = client.post(
        "/api/v1/evidence/photos",
        {
            "file": SimpleUploadedFile("c.jpg", b"\xff\xd8" + b"\0" * (30 * 1024 * 1024)),
            "unit_id": cast.unit.pk,
        },
    )
    assert huge.status_code == 422
    assert huge.json()["code"] == "too_large"
    assert Photo.objects.count() == 1
