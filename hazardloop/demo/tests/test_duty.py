"""The demo's duty rosters: this month, end to end, flagged where the demo means it."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.demo.departments import load_departments
from hazardloop.demo.duty import load_duty
from hazardloop.demo.people import load_people
from hazardloop.duty import queries
from hazardloop.duty.choices import Problem
from hazardloop.duty.models import Handover, Roster
from hazardloop.testing import ensure_reference_data


@pytest.mark.django_db
def test_demo_rosters_for_this_month():
    ensure_reference_data()
    load_departments()
    load_people(random.Random(1))
    with CaptureQueriesContext(connection) as ctx:
        made = load_duty()
    assert made > 100 and len(ctx.captured_queries) < 200  # bulk, fast
    assert load_duty() == 0  # idempotent
    assert Roster.objects.count() == 3
    month = timezone.localdate().replace(day=1)
    for roster in Roster.objects.all():
        days = queries.month_view(roster, month)
        problems = {code for d in days for code, _t in d.problems}
        problems |= {code for d in days for _s, _p, ps in d.shifts for code, _t in ps}
        assert Problem.GAP not in problems
        assert Problem.NO_LEADER in problems and Problem.NO_OFFICER in problems  # on purpose
    now = queries.on_duty("220102001", timezone.now())
    assert now.roster.region_code == "220102" and now.officers and now.duty_phone
    if timezone.localdate().day > 2:
        assert Handover.objects.filter(confirmed_at__isnull=False).exists()
