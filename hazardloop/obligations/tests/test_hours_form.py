"""The opening-hours form: the unit manager (or a regulator in scope) sets one daily interval
and closed weekdays; bad input is refused in words, nothing saved; the calendar follows."""

import pytest
import time_machine
from django.utils import translation

from hazardloop.audit.models import AuditEvent
from hazardloop.obligations.choices import DutyKind
from hazardloop.obligations.models import OpeningHours
from hazardloop.obligations.schedule import calendar, day_bounds
from hazardloop.obligations.tests.helpers import at
from hazardloop.testing import build_cast, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    c = build_cast()
    c.unit.is_public_gathering = True
    c.unit.business_hours = "10:00-22:00"
    c.unit.save()
    return c


def _patrols(unit, day):
    start, end = day_bounds(day)
    return [w for w in calendar([unit], start, end)[unit.pk] if w.kind == DutyKind.PATROL]


def test_changing_hours_changes_the_calendar(cast):
    url = f"/duties/unit/{cast.unit.pk}/hours/"
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):  # a Monday
        before = _patrols(cast.unit, at(2026, 3, 2).date())
        page = web_client(cast.unit_manager).get(url).content.decode()
        assert 'value="10:00"' in page  # read from the business hours
        r = web_client(cast.unit_manager).post(
            url, {"opens": "08:00", "closes": "12:00", "closed_days": ["1"]}
        )
        assert r.status_code == 302 and r["Location"] == f"/duties/unit/{cast.unit.pk}/"
        row = OpeningHours.objects.get(unit=cast.unit)
        assert (f"{row.opens:%H:%M}", f"{row.closes:%H:%M}", row.closed_days) == (
            "08:00",
            "12:00",
            "1",
        )
        assert _patrols(cast.unit, at(2026, 3, 2).date()) == []  # closed on Mondays
        tuesday = _patrols(cast.unit, at(2026, 3, 3).date())
    assert len(before) == 6 and len(tuesday) == 2
    assert tuesday[0].start == at(2026, 3, 3, 8)
    assert AuditEvent.objects.filter(action="opening_hours.changed").count() == 1


def test_regulator_in_scope_sets_hours_round_the_clock(cast):
    url = f"/duties/unit/{cast.unit.pk}/hours/"
    r = web_client(cast.regulator).post(url, {"all_day": "on"})
    assert r.status_code == 302
    row = OpeningHours.objects.get(unit=cast.unit)
    assert row.opens == row.closes
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        assert len(_patrols(cast.unit, at(2026, 3, 2).date())) == 12


@pytest.mark.parametrize(
    "data, field, zh",
    [
        ({"opens": "", "closes": "22:00"}, "opens", "请填写开门时间"),
        ({"opens": "25:00", "closes": "22:00"}, "opens", "请输入时间"),
        ({"opens": "10:00", "closes": "10:00"}, "closes", "全天营业"),
        ({"all_day": "on", "closed_days": list("1234567")}, "closed_days", "每天都休息"),
    ],
)
def test_bad_hours_are_refused_in_words_and_nothing_saved(cast, data, field, zh):
    url = f"/duties/unit/{cast.unit.pk}/hours/"
    with translation.override("zh-hans"):
        r = web_client(cast.unit_manager).post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    body = r.content.decode()
    assert f'data-testid="error-{field}"' in body
    assert zh in body
    assert not OpeningHours.objects.exists()


def test_duty_page_links_the_form_only_for_those_who_may_set_hours(cast):
    url = f"/duties/unit/{cast.unit.pk}/"
    assert 'data-testid="set-hours"' in web_client(cast.unit_manager).get(url).content.decode()
    assert 'data-testid="set-hours"' not in web_client(cast.inspector).get(url).content.decode()
