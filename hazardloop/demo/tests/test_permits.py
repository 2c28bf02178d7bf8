"""The demo's hot-work permits: each state at the units with hot work, one refused for a
lapsed fire watch, sent through the services, once."""

import random
from collections import Counter

import pytest

from hazardloop.demo.departments import load_departments
from hazardloop.demo.people import load_people
from hazardloop.demo.permits import load_permits
from hazardloop.permits.models import HotWorkPermit, PermitEvent
from hazardloop.testing import ensure_reference_data


@pytest.mark.django_db
def test_permits_in_every_state_once():
    ensure_reference_data()
    load_departments()
    load_people(random.Random(1))
    assert load_permits() == 13
    states = Counter(HotWorkPermit.objects.values_list("status", flat=True))
    assert states == {"closed": 4, "active": 4, "submitted": 4, "refused": 1}
    refused = HotWorkPermit.objects.get(status="refused")
    assert refused.refusal_reasons == ["fire_watch"]
    assert all(p.after_photos.count() == 1 for p in HotWorkPermit.objects.filter(status="closed"))
    assert PermitEvent.objects.filter(kind="site_check").count() == 3
    assert load_permits() == 0 and HotWorkPermit.objects.count() == 13
