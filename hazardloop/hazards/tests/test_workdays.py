import datetime as dt

import pytest

from hazardloop.hazards.deadlines import default_due_at, work_calendar
from hazardloop.hazards.models import DeadlinePolicy
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.lib.workdays import CalendarError, CalendarMissing, WorkCalendar, parse_year

D = dt.date


@pytest.mark.django_db
def test_2026_calendar_holidays_and_make_up_days():
    ensure_rules()
    cal = work_calendar()
    assert not cal.is_working_day(D(2026, 10, 5))  # National Day holiday, a Monday
    assert cal.is_working_day(D(2026, 10, 10))  # make-up Saturday
    assert cal.is_working_day(D(2026, 2, 14))
    # 3 working days after Thursday 2026-09-30: Oct 1-7 off, Oct 8, 9, 10 (Saturday) work.
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    with pytest.raises(CalendarMissing):
        cal.add_working_days(D(2031, 1, 1), 3)


def test_non_strict_calendar_counts_weekdays():
    cal = WorkCalendar(strict=False)
    assert cal.add_working_days(D(2030, 1, 4), 1) == D(2030, 1, 7)  # Friday → Monday
    assert cal.working_days_between(D(2030, 1, 4), D(2030, 1, 11)) == 5


def test_bad_calendars_are_refused():
    with pytest.raises(CalendarError):
        parse_year({"year": 2026, "holidays": ["2027-01-01"]})
    with pytest.raises(CalendarError):
        parse_year({"year": 2026, "holidays": ["2026-01-02"], "workdays": ["2026-01-02"]})


@pytest.mark.django_db
def test_deadline_policy_per_province_grade_category(settings):
    ensure_rules()
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime(2026, 9, 29, 10))
    settings.HAZARD_DEFAULT_DEADLINE_DAYS = {"general": 15, "major": 90}
    assert default_due_at("220102", "general", "gas", start).date() == D(2026, 10, 14)
    DeadlinePolicy.objects.create(region_prefix="22", grade="general", days=7)
    DeadlinePolicy.objects.create(
        region_prefix="22", grade="general", category="gas", days=3, working_days=True
    )
    assert default_due_at("220102", "general", "other", start).date() == D(2026, 10, 6)
    # Sept 30, then Oct 8 and 9 (the National Day holiday in between).
    assert default_due_at("220102", "general", "gas", start).date() == D(2026, 10, 9)
