"""Task lists and draws of one campaign, at two levels at once, leave one open task per unit
(PostgreSQL: row locks under real concurrency)."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count

from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.choices import TaskStatus
from hazardloop.campaigns.models import InspectionTask, RandomDraw
from hazardloop.campaigns.scoping import units_in_scope
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.regions.models import Region
from hazardloop.testing import make_unit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL"
    ),
]


def test_lists_and_draws_at_two_levels_at_once(cast):
    for i in range(20):
        make_unit("220102", name=f"并发单位{i}")
    city = make_campaign(cast.city_regulator, "220100")
    county = services.adopt_campaign(
        city, actor=cast.regulator, region=Region.objects.get(code="220102")
    )
    jobs = [
        lambda: services.generate_tasks(city, actor=cast.city_regulator, due_on=END),
        lambda: services.generate_tasks(county, actor=cast.regulator, due_on=END),
        lambda: services.generate_tasks(city, actor=cast.city_regulator, due_on=END),
        lambda: drawing.draw_units(county, actor=cast.regulator, unit_count=3, seed="a",
                                   inspectors_per_unit=1),
        lambda: drawing.draw_units(county, actor=cast.regulator, unit_count=3, seed="b",
                                   inspectors_per_unit=1),
        lambda: services.generate_tasks(county, actor=cast.regulator, due_on=END),
    ]  # fmt: skip
    errors = []
    barrier = threading.Barrier(len(jobs))

    def worker(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert RandomDraw.objects.count() == 2
    drawn = [row["unit"] for d in RandomDraw.objects.all() for row in d.result]
    assert len(drawn) == len(set(drawn)) == 6
    open_twice = (
        InspectionTask.objects.filter(status=TaskStatus.OPEN)
        .values("root_id", "unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not open_twice.exists()
    assert InspectionTask.objects.count() == units_in_scope(city).count()
    assert InspectionTask.objects.filter(draw__isnull=False).count() == 6
