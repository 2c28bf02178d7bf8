"""Working-day arithmetic with a per-year holiday calendar (no Django imports).

China's working days are Monday to Friday, minus the public holidays, plus the make-up
working days (调休上班) that the State Council publishes for each year. A `WorkCalendar` holds
those two sets for the years that were loaded; asking about a year that was not loaded raises
`CalendarMissing` instead of silently counting weekends only, because a legal clock computed
from a wrong calendar is worse than none. Pass `strict=False` to fall back to plain weekdays.

A year's calendar is a small JSON document (see `parse_year`):

    {"year": 2026, "source": "...", "holidays": ["2026-01-01/2026-01-03", "2026-04-06"],
     "workdays": ["2026-01-04"]}
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


class CalendarError(ValueError):
    """A calendar document is malformed."""


class CalendarMissing(LookupError):
    """No holiday calendar was loaded for a year the computation needs."""

    def __init__(self, year: int):
        super().__init__(f"No holiday calendar is loaded for {year}.")
        self.year = year


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = ""
    name: str = ""


def _dates(items: Iterable[str], year: int, what: str) -> set[dt.date]:
    out: set[dt.date] = set()
    for item in items:
        try:
            if "/" in item:
                first, last = (dt.date.fromisoformat(p.strip()) for p in item.split("/", 1))
            else:
                first = last = dt.date.fromisoformat(item.strip())
        except (ValueError, AttributeError, TypeError) as exc:
            raise CalendarError(f"{what}: {item!r} is not a date or a date range") from exc
        if last < first:
            raise CalendarError(f"{what}: the range {item!r} ends before it starts")
        day = first
        while day <= last:
            if day.year != year:
                raise CalendarError(f"{what}: {day} is not in {year}")
            out.add(day)
            day += dt.timedelta(days=1)
    return out


def parse_year(document: dict) -> YearCalendar:
    """Validate one year's calendar document; raises CalendarError with the reason."""
    if not isinstance(document, dict):
        raise CalendarError("the calendar must be a JSON object")
    try:
        year = int(document["year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CalendarError("the calendar needs a numeric 'year'") from exc
    holidays = _dates(document.get("holidays", []), year, "holidays")
    workdays = _dates(document.get("workdays", []), year, "workdays")
    if not holidays:
        raise CalendarError("the calendar lists no holidays")
    if holidays & workdays:
        raise CalendarError(f"dates both holiday and working day: {sorted(holidays & workdays)}")
    return YearCalendar(
        year=year,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        source=str(document.get("source", "")),
        name=str(document.get("name", "")),
    )


def read_year_file(path: str | Path) -> YearCalendar:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CalendarError(f"cannot read {path}: {exc}") from exc
    return parse_year(document)


@dataclass
class WorkCalendar:
    years: dict[int, YearCalendar] = field(default_factory=dict)
    strict: bool = True

    def add(self, year: YearCalendar) -> None:
        self.years[year.year] = year

    def is_working_day(self, day: dt.date) -> bool:
        cal = self.years.get(day.year)
        if cal is None:
            if self.strict:
                raise CalendarMissing(day.year)
            return day.weekday() < 5
        if day in cal.workdays:
            return True
        if day in cal.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The day `days` working days after `start` (start itself is not counted).

        "Within 3 working days of the check on Friday" ends on the third working day after it.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def add_working_days_or_estimate(
        self, start: dt.date, days: int, *, earliest: bool = False
    ) -> tuple[dt.date, frozenset[int]]:
        """`add_working_days` that never raises: (the day, the years it had to estimate).

        A year without a loaded calendar is estimated and returned, so the caller can flag the
        result ("calendar for 2027 not loaded") instead of failing the request that needs it:

        - by default Monday to Friday count as working days (a deadline proposed to a unit);
        - `earliest=True` counts every day of such a year, because a make-up working day
          (调休上班) may fall on any weekend: the result is never later than the true limit.
          Use it for the time limits an authority must meet (公安部令第120号 clocks).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        missing: set[int] = set()
        day = start
        left = days
        while left:
            day += dt.timedelta(days=1)
            cal = self.years.get(day.year)
            if cal is None:
                missing.add(day.year)
                working = earliest or day.weekday() < 5
            else:
                working = day in cal.workdays or (day not in cal.holidays and day.weekday() < 5)
            if working:
                left -= 1
        return day, frozenset(missing)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after start up to and including end (0 if end <= start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
