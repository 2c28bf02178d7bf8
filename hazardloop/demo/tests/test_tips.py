"""The demo's ten public tips: every state, sent and answered through the services, once."""

import random
from collections import Counter

import pytest

from hazardloop.demo.departments import load_departments
from hazardloop.demo.people import load_people
from hazardloop.demo.tips import load_tips
from hazardloop.testing import ensure_reference_data, make_unit
from hazardloop.tips.models import Tip


@pytest.mark.django_db
def test_ten_tips_in_every_state_once():
    ensure_reference_data()
    load_departments()
    load_people(random.Random(1))
    for n in range(12):
        make_unit("220102", name=f"南关演示饭店{n}")
    assert load_tips() == 10
    states = Counter(Tip.objects.values_list("status", flat=True))
    assert states == {"received": 3, "hazard": 3, "inspection": 2, "dismissed": 2}
    assert Tip.objects.filter(unit__isnull=True).count() == 1
    assert all(t.hazard.source == "public_tip" for t in Tip.objects.filter(status="hazard"))
    assert Tip.objects.filter(photos__isnull=False).distinct().count() == 6
    assert load_tips() == 0 and Tip.objects.count() == 10
