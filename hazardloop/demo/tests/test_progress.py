import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.demo.progress import progress_hazards
from hazardloop.hazards import services
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import make_unit, make_user

pytestmark = pytest.mark.django_db


def test_found_hazards_move_along_the_loop_through_the_services_once(reference_data):
    make_user("admin", Role.ADMIN, is_superuser=True)  # the demo password's hash comes from it
    inspector = make_user(
        "inspector@220102", Role.INSPECTOR, region="220102", kind=DepartmentKind.FIRE
    )
    units = [make_unit("220102") for _ in range(5)]
    now = timezone.now()
    for i in range(40):
        services.create_hazard(
            units[i % 5],
            actor=inspector,
            source="inspection",
            description=f"灭火器压力不足 {i}",
            found_at=now - dt.timedelta(days=3 + i),
            source_ref=f"inspection:{i}",
        )
    recent = services.create_hazard(
        units[0], actor=inspector, source="inspection", description="刚发现", found_at=now
    )

    moved = progress_hazards(now)

    statuses = Counter(Hazard.objects.values_list("status", flat=True))
    assert moved == 41 - statuses["found"] and moved > 25
    assert statuses["closed"] > 10, statuses
    assert Hazard.objects.get(pk=recent.pk).status == "found"  # too recent to have moved
    for hazard in Hazard.objects.exclude(status="found"):
        events = list(HazardEvent.objects.filter(hazard=hazard).order_by("pk"))
        times = [e.at for e in events]
        assert times == sorted(times) and times[-1] <= now, hazard.pk
        assert events[-1].to_status == hazard.status
        by_kind = {e.kind: e for e in events}
        assert hazard.due_at is not None and hazard.ordered_at > hazard.found_at
        if "verify" in by_kind:
            # the unit's own manager submitted, a regulator verified
            assert by_kind["verify"].actor_id != by_kind["submit"].actor_id
            assert by_kind["submit"].actor.memberships.filter(unit=hazard.unit).exists()

    events = HazardEvent.objects.count()
    assert progress_hazards(now) == 0  # a second run decides the same and finds nothing to do
    assert HazardEvent.objects.count() == events
