"""The one-pass decode (reduced-scale JPEG decode) and decoding the same bytes only once."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from hazardloop.evidence import services
from hazardloop.evidence.models import Photo
from hazardloop.evidence.services import PhotoError, store_photo
from hazardloop.evidence.tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def _phone_jpeg(size=(1600, 1200), orientation=None) -> bytes:
    """A noisy JPEG like a phone photo (about 1 MB at this size)."""
    image = Image.effect_noise(size, 40).convert("RGB")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def _store(cast, data, user=None):
    return store_photo(
        data, actor=user or cast.inspector, region_code=cast.unit.region_id, unit_id=cast.unit.pk
    )


def _thumb_size(photo) -> tuple[int, int]:
    with default_storage.open(photo.thumbnail.name) as fh:
        return Image.open(fh).size


def test_a_large_jpeg_keeps_its_size_and_gets_an_upright_thumbnail(cast):
    photo = _store(cast, _phone_jpeg(orientation=6))  # camera held upright: turn 90°
    assert (photo.width, photo.height) == (1600, 1200)
    assert _thumb_size(photo) == (360, 480)


@pytest.mark.parametrize("keep", [0.5, 0.97])
def test_a_cut_large_jpeg_is_refused_although_decoded_at_reduced_scale(cast, keep):
    data = _phone_jpeg()
    with pytest.raises(PhotoError) as err:
        _store(cast, data[: int(len(data) * keep)])
    assert err.value.code == "truncated"
    assert not Photo.objects.exists()


def test_the_same_bytes_are_decoded_once_while_their_files_are_there(cast, monkeypatch):
    calls = []
    real = services.decode
    monkeypatch.setattr(services, "decode", lambda data, **kw: calls.append(1) or real(data, **kw))
    data = jpeg_bytes(size=(900, 600), taken="2022:09:28 10:15:00", gps=(43.88, 125.32))
    first = _store(cast, data)
    assert _store(cast, data).pk == first.pk  # a retried upload
    second = _store(cast, data, cast.regulator)  # the same content from someone else
    assert len(calls) == 1
    assert second.pk != first.pk
    for name in ("file", "thumbnail", "content_type", "width", "height", "taken_at", "gps_lat"):
        assert getattr(second, name) == getattr(first, name), name
    # without its thumbnail on disk the bytes are decoded again, and the thumbnail restored
    default_storage.delete(first.thumbnail.name)
    third = _store(cast, data, cast.expert)
    assert len(calls) == 2
    assert _thumb_size(third) == (480, 320)


def test_bytes_decoded_before_still_meet_todays_pixel_limit(cast, settings):
    data = jpeg_bytes(size=(300, 200))
    _store(cast, data)
    settings.EVIDENCE_MAX_PIXELS = 1000
    with pytest.raises(PhotoError) as err:
        _store(cast, data, cast.regulator)
    assert err.value.code == "too_many_pixels"
    assert Photo.objects.count() == 1
