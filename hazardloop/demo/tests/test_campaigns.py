"""The demo campaign: its draws stay inside each inspector's scope and every unit has at most
one open task of the campaign, also when the demo is loaded again."""

import random

import pytest
from django.db.models import Count

from hazardloop.accounts.access import scope_for
from hazardloop.accounts.models import User
from hazardloop.campaigns.choices import TaskStatus
from hazardloop.campaigns.models import Campaign, InspectionTask, RandomDraw
from hazardloop.demo.campaigns import KEY, load_campaigns
from hazardloop.demo.departments import load_departments
from hazardloop.demo.people import load_people
from hazardloop.demo.units import load_units
from hazardloop.notifications.models import Notification
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


def _open_duplicates():
    return list(
        InspectionTask.objects.filter(status=TaskStatus.OPEN)
        .values("root_id", "unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )


def test_demo_draws_stay_in_scope_and_tasks_are_not_duplicated(reference_data):
    rng = random.Random(20220928)
    load_departments()
    load_people(rng)
    load_units(rng, target=600)
    load_campaigns()
    root = Campaign.objects.get(idempotency_key=KEY)
    draws = list(RandomDraw.objects.all())
    assert draws, "the demo makes at least one draw"
    for draw in draws:
        told = set(
            Notification.objects.filter(key=f"campaign.draw.{draw.pk}").values_list(
                "recipient_id", flat=True
            )
        )
        assert told == {p for row in draw.result for p in row["inspectors"]}
        for row in draw.result:
            unit = Unit.objects.get(pk=row["unit"])
            for person in row["inspectors"]:
                user = User.objects.get(pk=person)
                assert scope_for(user, "inspection.create").covers(unit.region_id)
    # The drawn units are left for their inspectors: on their task lists, still to do.
    drawn = InspectionTask.objects.filter(draw__isnull=False)
    assert drawn.exists() and not drawn.exclude(status=TaskStatus.OPEN).exists()
    tasks = InspectionTask.objects.filter(root_id=root.pk)
    assert tasks.exists() and not _open_duplicates()
    assert tasks.count() == tasks.values("unit_id").distinct().count()
    before = tasks.count()
    load_campaigns()  # loading again adds nothing
    assert InspectionTask.objects.filter(root_id=root.pk).count() == before
    assert not _open_duplicates()
