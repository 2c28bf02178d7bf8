"""Reports go to the people on duty at the receiving level (the duty roster), and fall back to the
level's duty officers and regulators where no roster of its own answers for that moment."""

import datetime as dt

import pytest

from hazardloop.accidents import services
from hazardloop.accidents.routing import may_receive, receivers
from hazardloop.accidents.tests.factories import T0, make_accident
from hazardloop.accounts.choices import Role
from hazardloop.duty import services as duty_services
from hazardloop.duty.tests.helpers import at, roster, shift
from hazardloop.notifications.models import Notification
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import CITY, HOME, build_cast, make_department, make_user

pytestmark = pytest.mark.django_db
M = dt.timedelta(minutes=1)


@pytest.fixture
def cast():
    return build_cast()


def _nanguan_on_duty(cast, *people):
    r = roster(cast)
    shift(cast, r, "2026-11-24 08:00", "2026-11-25 08:00", *people)
    return r


def test_the_county_report_goes_to_whoever_is_on_duty_there(cast):
    _nanguan_on_duty(cast, cast.inspector)
    assert receivers(HOME, T0) == [cast.inspector]
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 10 * M)
    told = set(
        Notification.objects.filter(object_id=str(accident.pk)).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {cast.inspector.pk}
    # the inspector on duty stamps the receipt although the role alone would not allow it
    assert may_receive(cast.inspector, HOME, T0 + 20 * M)
    step = services.receive_step(accident, 1, actor=cast.inspector, now=T0 + 20 * M)
    assert step.received_by == cast.inspector
    # off duty, the same inspector acts for the county no more
    assert not may_receive(cast.inspector, HOME, T0 + dt.timedelta(days=2))


def test_a_moment_the_roster_leaves_uncovered_falls_back_to_the_county_office(cast):
    _nanguan_on_duty(cast, cast.inspector)
    later = T0 + dt.timedelta(days=3)  # no shift laid out then
    people = receivers(HOME, later)
    assert cast.inspector not in people
    assert cast.duty_officer in people and cast.regulator in people


def test_a_roster_above_never_receives_for_the_county(cast):
    city_duty = make_user("t-city-on-duty", Role.DUTY_OFFICER, region=CITY)
    department = make_department(CITY, DepartmentKind.EMERGENCY)
    r = duty_services.create_roster(
        actor=cast.city_regulator,
        department=department,
        shift_starts=["08:00"],
        officers_per_shift=1,
        duty_phone="0431-88881111",
        key_posts=[],
    )
    duty_services.add_shift(
        r,
        actor=cast.city_regulator,
        starts_at=at("2026-11-24 08:00"),
        ends_at=at("2026-11-25 08:00"),
        officers=[(city_duty, None)],
    )
    assert receivers(CITY, T0) == [city_duty]
    county = receivers(HOME, T0)
    assert city_duty not in county and cast.duty_officer in county
    assert not may_receive(city_duty, HOME, T0)


def test_the_duty_officers_workbench_counts_down_to_the_deadline(cast):
    from django.utils import timezone

    from hazardloop.testing import web_client

    now = timezone.now()
    make_accident(cast.unit_manager, unit=cast.unit, occurred_at=now - 10 * M, now=now - 5 * M)
    page = web_client(cast.duty_officer).get("/").content.decode()
    assert 'data-testid="countdown"' in page and "accidents/countdown" in page
    assert "data-server-now" in page
