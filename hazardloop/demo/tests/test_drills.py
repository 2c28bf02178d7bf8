"""The demo's drills (one per demo unit, a problem turned into a hazard) and the demo campaign's
publicity at every level: through the services, once."""

import random

import pytest

from hazardloop.demo.campaigns import load_campaigns
from hazardloop.demo.departments import load_departments
from hazardloop.demo.drills import load_drills, load_publicity
from hazardloop.demo.people import DEMO_UNITS, load_people
from hazardloop.drills.models import Drill, DrillProblem
from hazardloop.hazards.models import Hazard
from hazardloop.publicity.models import Activity
from hazardloop.testing import ensure_reference_data

pytestmark = pytest.mark.django_db


def test_demo_drills_and_publicity_once():
    ensure_reference_data()
    load_departments()
    load_people(random.Random(1))
    assert load_drills() == len(DEMO_UNITS)
    assert Drill.objects.values("unit").distinct().count() == len(DEMO_UNITS)
    assert all(d.plan_id and d.participants.count() == 4 for d in Drill.objects.all())
    linked = DrillProblem.objects.filter(hazard__isnull=False)
    assert linked.count() == len(DEMO_UNITS)
    assert set(
        Hazard.objects.filter(source_ref__startswith="drill:").values_list("source", flat=True)
    ) == {"self_inspection"}
    assert load_drills() == 0
    load_campaigns()
    assert load_publicity() == 8
    assert set(Activity.objects.values_list("level", flat=True)) == {
        "province",
        "city",
        "county",
        "unit",
    }
    assert load_publicity() == 0
