"""Shift patterns: the start times of a day's shifts, and the shifts they give for a duty day.

A pattern is a list of "HH:MM" local start times, the duty day's first shift first, each later
one later in the duty day (a start before the first one belongs to the next calendar day):
["08:00"] is one 24-hour shift from 08:00 to 08:00, ["08:00", "16:00", "00:00"] three 8-hour
shifts. Each shift runs to the next start, the last to the first start of the next day, so a
pattern covers 24 hours by construction. No database here.
"""

import datetime as dt
import itertools
import re
import zoneinfo

from django.conf import settings
from django.utils.translation import gettext as _

MAX_SHIFTS = 6
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class PatternError(ValueError):
    """The pattern is not a list of distinct start times (the message is for the user)."""


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _minutes(text: str) -> int:
    match = _TIME.match(text or "")
    if not match:
        raise PatternError(
            _("“%(value)s” is not a time of day (HH:MM, e.g. 08:00).") % {"value": text}
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def parse(starts) -> list[str]:
    """The pattern checked: 1 to MAX_SHIFTS distinct times; PatternError otherwise."""
    if isinstance(starts, str):
        starts = [s.strip() for s in re.split(r"[,，\s]+", starts) if s.strip()]
    starts = list(starts or [])
    if not 1 <= len(starts) <= MAX_SHIFTS:
        raise PatternError(
            _("Give between 1 and %(n)d shift start times, e.g. 08:00 or 08:00, 16:00, 00:00.")
            % {"n": MAX_SHIFTS}
        )
    minutes = [_minutes(s) for s in starts]
    if len(set(minutes)) != len(minutes):
        raise PatternError(_("Each shift start time may appear only once."))
    first = minutes[0]
    offsets = [(m - first) % 1440 for m in minutes]
    if offsets != sorted(offsets):
        raise PatternError(
            _("List the start times in the order of the duty day, beginning with the first shift.")
        )
    return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]


def day_offset(starts: list[str]) -> dt.timedelta:
    """How long after midnight the duty day begins (its first shift's start)."""
    return dt.timedelta(minutes=_minutes(starts[0]))


def shifts_of_day(starts: list[str], day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of every shift of the duty day `day`, aware local times."""
    zone = local_zone()
    first = _minutes(starts[0])
    offsets = [(_minutes(s) - first) % 1440 for s in starts] + [1440]
    base = dt.datetime.combine(day, dt.time.min, tzinfo=zone) + dt.timedelta(minutes=first)
    out = []
    for a, b in itertools.pairwise(offsets):
        start = (base.replace(tzinfo=None) + dt.timedelta(minutes=a)).replace(tzinfo=zone)
        end = (base.replace(tzinfo=None) + dt.timedelta(minutes=b)).replace(tzinfo=zone)
        out.append((start, end))
    return out


def duty_day(starts: list[str], moment: dt.datetime) -> dt.date:
    """The duty day a moment belongs to (before the day's first start: the day before)."""
    local = moment.astimezone(local_zone()).replace(tzinfo=None)
    return (local - day_offset(starts)).date()


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """ "2026-12" (or "2026-12-01") → the month's first day; anything else → this month."""
    match = re.match(r"^(\d{4})-(\d{2})(?:-\d{2})?$", text or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)
