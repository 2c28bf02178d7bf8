"""Opening hours: the structured form, a tolerant reader of the free-text `business_hours`,
and the open intervals of a unit over a period."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from hazardloop.obligations.models import OpeningHours

_RANGE = re.compile(
    r"(?P<h1>\d{1,2})(?:\s*[:：点时.]\s*(?P<m1>\d{2})?)?\s*(?:分)?\s*[-–—~～至到]+\s*"
    r"(?P<next>次日|凌晨|翌日|晚上|晚)?\s*(?P<h2>\d{1,2})(?:\s*[:：点时.]\s*(?P<m2>\d{2})?)?"
)
_ALL_DAY = re.compile(r"24\s*(小时|h|H)|全天|0?0[:：]00\s*[-–—~～至到]+\s*24[:：]00")
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
_DAY = r"([一二三四五六日天七])"
_CLOSED = re.compile(
    r"(?:周|星期|礼拜)" + _DAY + r"(?:(?:至|到|-|、)(?:周|星期|礼拜)?" + _DAY + r")?"
    r"\s*(?:休息|休|闭店|不营业|关门)"
)


@dataclass(frozen=True)
class Hours:
    opens: time
    closes: time  # at or before `opens`: closes the next day; equal: open around the clock
    closed_days: frozenset = frozenset()
    source: str = "set"  # "set" (structured), "text" (read from business_hours), "default"

    @property
    def all_day(self) -> bool:
        return self.opens == self.closes


def parse(text: str) -> Hours | None:
    """Read hours from free text such as "10:00-22:00", "9点至21点，周一休息",
    "11:00-次日02:00", "24小时营业"; None when nothing readable is there."""
    if not text:
        return None
    closed = frozenset(_closed_days(text))
    if _ALL_DAY.search(text):
        return Hours(time(0), time(0), closed, "text")
    m = _RANGE.search(text)
    if not m:
        return None
    h1, m1 = int(m["h1"]), int(m["m1"] or 0)
    h2, m2 = int(m["h2"]), int(m["m2"] or 0)
    if h2 == 24 and m2 == 0:
        h2 = 0
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    opens, closes = time(h1, m1), time(h2, m2)
    if opens == closes:
        return Hours(time(0), time(0), closed, "text")
    return Hours(opens, closes, closed, "text")


def _closed_days(text: str):
    for m in _CLOSED.finditer(text):
        a = _WEEKDAYS[m[1]]
        b = _WEEKDAYS[m[2]] if m[2] else a
        yield from range(a, b + 1) if a <= b else (a,)


def default_hours() -> Hours:
    h = parse(settings.DUTY_DEFAULT_HOURS)
    return Hours(h.opens, h.closes, h.closed_days, "default")


def hours_of(unit, structured=None, *, lookup: bool = True) -> Hours:
    """The unit's hours: its structured row, else its business-hours text, else the default.
    In bulk, pass the unit's OpeningHours row (or None) as `structured` with lookup=False."""
    if structured is None and lookup and unit.pk:
        structured = OpeningHours.objects.filter(unit_id=unit.pk).first()
    if structured is not None:
        days = frozenset(int(d) for d in structured.closed_days if d.isdigit())
        return Hours(structured.opens, structured.closes, days, "set")
    return parse(unit.business_hours) or default_hours()


def open_intervals(hours: Hours, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The intervals the unit is open that overlap [start, end), unclipped, in order. An
    evening that runs past midnight belongs to the day it began (its closed-day rule too)."""
    tz = timezone.get_current_timezone()
    first = timezone.localtime(start, tz).date() - timedelta(days=1)
    last = timezone.localtime(end, tz).date()
    out = []
    day = first
    while day <= last:
        if day.isoweekday() not in hours.closed_days:
            a = _at(day, hours.opens, tz)
            if hours.all_day:
                b = _at(day + timedelta(days=1), hours.opens, tz)
            elif hours.closes > hours.opens:
                b = _at(day, hours.closes, tz)
            else:
                b = _at(day + timedelta(days=1), hours.closes, tz)
            if a < end and b > start:
                out.append((a, b))
        day += timedelta(days=1)
    return out


def _at(day: date, t: time, tz) -> datetime:
    return datetime.combine(day, t).replace(tzinfo=tz)


def describe(hours: Hours) -> str:
    return f"{hours.opens:%H:%M}–{hours.closes:%H:%M}"
