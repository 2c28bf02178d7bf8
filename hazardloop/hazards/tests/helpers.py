"""Builders for hazard tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hazardloop.evidence.services import store_photo
from hazardloop.hazards.loading import load_shipped
from hazardloop.hazards.models import HolidayYear, RuleSet
from hazardloop.hazards.services import create_hazard


def ensure_rules() -> None:
    """Rule sets and calendars come from a data migration; transactional tests flush them."""
    if not RuleSet.objects.exists():
        load_shipped(RuleSet, HolidayYear)


_colour = iter(range(1, 10_000_000))


def photo(user, unit):
    """A real, distinct JPEG stored for the unit."""
    buf = io.BytesIO()
    n = next(_colour)
    Image.new("RGB", (32, 24), (n % 256, (n // 256) % 256, 99)).save(buf, "JPEG")
    upload = SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")
    return store_photo(upload, actor=user, region_code=unit.region_id, unit_id=unit.pk)


def hazard(cast, *, unit=None, actor=None, **fields):
    ensure_rules()
    values = {"source": "inspection", "description": "安全出口被杂物堵塞", "title": "安全出口堵塞"}
    values.update(fields)
    return create_hazard(unit or cast.unit, actor=actor or cast.inspector, **values)
