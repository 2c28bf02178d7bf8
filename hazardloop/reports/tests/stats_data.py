"""A small hand-counted data set for the statistics tests (figures in test_stats.py)."""

import datetime as dt
import uuid

from django.utils import timezone

from hazardloop.checklists.tests.factories import make_template
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Inspection
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.testing import make_department, make_unit

TZ = timezone.get_default_timezone()
START, END = dt.date(2022, 10, 1), dt.date(2022, 10, 7)
NOW = timezone.make_aware(dt.datetime(2022, 10, 8, 12, 0), TZ)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime(2022, day[0], day[1], hour, 0), TZ)


def build(cast):
    u3 = make_unit("220102")
    u4 = make_unit("220102")
    u5 = make_unit("220103")
    version = make_template(actor=cast.admin).versions.get(is_current=True)

    def inspect(unit, mode, when):
        return Inspection.objects.create(
            client_id=uuid.uuid4(),
            unit=unit,
            region_code=unit.region_id,
            template_version=version,
            mode=mode,
            inspector=cast.inspector,
            received_at=when,
        )

    inspect(cast.unit, "routine", at((10, 2)))
    inspect(cast.other_unit, "leader_led", at((10, 3)))
    inspect(cast.unit, "unannounced", at((10, 4)))
    inspect(u3, "self_inspection", at((10, 5)))
    inspect(u4, "routine", at((9, 20)))  # before the period
    inspect(cast.neighbour_unit, "routine", at((10, 6)))

    def hazard(unit, grade, status, found, due, **extra):
        return Hazard.objects.create(
            unit=unit,
            region_code=unit.region_id,
            sector_code=unit.sector_id,
            source="inspection",
            title="测试隐患",
            description="-",
            grade=grade,
            status=status,
            found_at=at(found),
            due_at=at(due),
            original_due_at=at(due),
            **extra,
        )

    h1 = hazard(cast.unit, "general", "closed", (10, 2), (10, 5), closed_at=at((10, 4)))
    hazard(cast.unit, "general", "verified", (10, 2), (10, 3), verified_at=at((10, 6)))
    hazard(
        cast.other_unit,
        "major",
        "rectifying",
        (10, 3),
        (10, 6),
        supervision_level="listed",
        category="gas",
    )
    hazard(u3, "general", "ordered", (10, 5), (10, 20))
    hazard(u4, "general", "ordered", (9, 20), (9, 25))  # before the period
    hazard(u5, "general", "closed", (10, 6), (10, 9), closed_at=at((10, 7)))
    EnforcementDocument.objects.create(
        token="t1",
        kind="rectify_order",
        department=make_department("220102"),
        year=2022,
        seq=1,
        number="长南消限字〔2022〕第0001号",
        hazard=h1,
        unit=cast.unit,
        region_code="220102",
        issued_at=at((10, 3)),
        content_hash="0" * 64,
    )
