import random
import time

import pytest
from django.utils import timezone

from hazardloop.demo.departments import load_departments
from hazardloop.demo.obligations import load_obligations
from hazardloop.demo.people import load_people
from hazardloop.demo.units import load_units
from hazardloop.obligations.choices import DutyState
from hazardloop.obligations.schedule import calendar
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_units_have_a_mix_of_done_late_and_lapsed_duties():
    rng = random.Random(7)
    load_departments()
    load_people(rng)
    load_units(rng, target=60)
    began = time.monotonic()
    n = load_obligations(rng)
    assert n > 0 and time.monotonic() - began < 30
    now = timezone.now()
    units = list(Unit.objects.all())
    cal = calendar(units, now - timezone.timedelta(days=2), now, now=now)
    states = {w.state for wins in cal.values() for w in wins if w.kind == "patrol"}
    assert {DutyState.DONE, DutyState.LATE, DutyState.LAPSED} <= states
    assert load_obligations(rng) == 0  # idempotent
