import random

import pytest
from django.utils import timezone

from hazardloop.demo.departments import load_departments
from hazardloop.demo.obligations import load_obligations
from hazardloop.demo.people import load_people
from hazardloop.demo.training import load_training
from hazardloop.demo.units import load_units
from hazardloop.training.models import QuizAttempt, Training
from hazardloop.training.queries import capable_staff, current_staff, trained_staff
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


def test_every_demo_unit_has_staff_one_new_two_trainings_and_some_passing_the_check():
    rng = random.Random(7)
    load_departments()
    load_people(rng)
    load_units(rng, target=40)
    load_obligations(rng)
    n = load_training(rng)
    assert n == 2 * Unit.objects.count()
    assert load_training(rng) == 0  # idempotent
    now = timezone.now()
    passing = 0
    for unit in Unit.objects.all():
        ids = list(current_staff(unit.pk, timezone.localdate()).values_list("pk", flat=True))
        assert 4 <= len(ids) <= 6
        assert Training.objects.filter(unit=unit, pre_job=True).count() == 1
        assert Training.objects.filter(unit=unit, pre_job=False).count() == 1
        trained = trained_staff(ids, now)
        assert len(trained) >= 1
        passing += len(capable_staff(ids, now))
    assert passing > 0 and QuizAttempt.objects.filter(passed=True).exists()
