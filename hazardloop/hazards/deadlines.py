"""Default deadlines (configured per province, grade and category) and the work calendar."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from hazardloop.hazards.models import DeadlinePolicy, HolidayYear
from hazardloop.lib.workdays import WorkCalendar, parse_year

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def work_calendar(strict: bool = True) -> WorkCalendar:
    """The holiday calendars loaded with `manage.py load_holidays` (one small query)."""
    calendar = WorkCalendar(strict=strict)
    for row in HolidayYear.objects.all():
        calendar.add(parse_year(row.document))
    return calendar


def end_of_local_day(day: dt.date) -> dt.datetime:
    """23:59:59 Asia/Shanghai on day: deadlines fall at the end of a local day."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LOCAL)


def policy_for(region_code: str, grade: str, category: str) -> DeadlinePolicy | None:
    prefixes = [region_code[:n] for n in range(2, len(region_code) + 1)]
    rows = list(DeadlinePolicy.objects.filter(region_prefix__in=prefixes, grade=grade))
    rows = [r for r in rows if r.category in ("", category)]
    if not rows:
        return None
    return max(rows, key=lambda r: (len(r.region_prefix), r.category != ""))


def default_due_at(region_code: str, grade: str, category: str, start: dt.datetime):
    """The default deadline for a hazard ordered at `start`: end of the local day N days later.

    A DeadlinePolicy row for the region (the most specific one) wins over
    settings.HAZARD_DEFAULT_DEADLINE_DAYS. Working-day policies need the year's calendar.
    """
    policy = policy_for(region_code, grade, category)
    local_day = timezone.localtime(start, LOCAL).date()
    if policy is None:
        days = settings.HAZARD_DEFAULT_DEADLINE_DAYS.get(grade, 15)
        return end_of_local_day(local_day + dt.timedelta(days=days))
    if policy.working_days:
        return end_of_local_day(work_calendar().add_working_days(local_day, policy.days))
    return end_of_local_day(local_day + dt.timedelta(days=policy.days))
