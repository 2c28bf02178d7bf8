"""The demo's certificates: units with a manager get staff, one certificate expiring within 30
days, one expired, and a control-room shift short of certified people; once."""

import random

import pytest
from django.utils import timezone

from hazardloop.demo.certificates import load_certificates
from hazardloop.demo.departments import load_departments
from hazardloop.demo.people import load_people
from hazardloop.testing import ensure_reference_data, make_unit
from hazardloop.training import certificates as access
from hazardloop.training.models import Certificate, ControlRoomShift


@pytest.mark.django_db
def test_demo_certificates_once():
    ensure_reference_data()
    load_departments()
    for n in range(6):
        make_unit("220102", name=f"南关演示宾馆{n}")
    load_people(random.Random(1))
    n = load_certificates()
    assert n > 0 and n % 4 == 0
    today = timezone.localdate()
    states = [access.state_of(c, today) for c in Certificate.objects.all()]
    assert states.count("expiring") == n // 4 and states.count("expired") == n // 4
    assert ControlRoomShift.objects.with_certified().short().count() == n // 4
    assert load_certificates() == 0 and Certificate.objects.count() == n
