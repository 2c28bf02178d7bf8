"""The demo's overdue hazards reach their rungs through the real sweep, with its documents."""

import random

import pytest

from hazardloop.demo.departments import load_departments
from hazardloop.demo.hazards import load_hazards
from hazardloop.demo.people import load_people
from hazardloop.demo.units import load_units
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.supervision.models import EnforcementDocument


@pytest.mark.django_db
def test_demo_hazards_climb_the_ladder_by_the_sweep(reference_data):
    ensure_rules()
    rng = random.Random(7)
    load_departments()
    load_people(rng)
    load_units(rng, target=12)
    assert load_hazards(rng) > 0
    levels = set(
        Hazard.objects.filter(source_ref__startswith="demo:").values_list(
            "supervision_level", flat=True
        )
    )
    assert {"reminded", "letter", "listed", "accountability"} <= levels
    climbed = Hazard.objects.exclude(supervision_level="none")
    # Every level was reached by the sweep: a supervision event without a person, and the
    # letter or listing notice the sweep issues for those rungs.
    for hazard in climbed:
        events = HazardEvent.objects.filter(hazard=hazard, kind="supervision")
        assert events.exists() and not events.exclude(actor=None).exists()
    for hazard in climbed.filter(supervision_level__in=["letter", "listed", "accountability"]):
        assert EnforcementDocument.objects.filter(hazard=hazard).exists()
    # Loading again changes nothing.
    assert load_hazards(rng) == 0
