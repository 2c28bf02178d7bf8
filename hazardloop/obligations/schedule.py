"""The duty calendar: for units and a period, each duty's due windows and whether each was
done (evidence inside the window), done late (first evidence within one window length after
it), lapsed (neither, and the window and its grace are over), due (open now) or upcoming.

Windows: a rule "every N hours while open" cuts each opening interval into N-hour slots from
opening time (the last one shorter); "every N days" uses local calendar days; "every N months"
uses calendar months aligned to the year (N=3 quarters, 6 halves, 12 years)."""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from hazardloop.obligations import hours as hours_mod
from hazardloop.obligations.choices import DutyState, Every
from hazardloop.obligations.evidence import providers
from hazardloop.obligations.models import OpeningHours
from hazardloop.obligations.rules import Rule, RuleBook


@dataclass
class Window:
    kind: str
    start: datetime
    end: datetime
    state: str
    done_at: datetime | None
    rule: Rule

    @property
    def open(self) -> bool:
        return self.state in (DutyState.DUE, DutyState.UPCOMING)


def _local(day: date, tz) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=tz)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    i = year * 12 + month - 1 + n
    return i // 12, i % 12 + 1


def windows_of(
    rule: Rule, hours, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The due windows of one rule that overlap [start, end)."""
    tz = timezone.get_current_timezone()
    out = []
    if rule.every_unit == Every.HOUR:
        step = timedelta(hours=rule.every)
        if rule.while_open:
            spans = hours_mod.open_intervals(hours, start, end)
        else:
            d0 = timezone.localtime(start, tz).date()
            spans = [
                (_local(d0, tz), _local(timezone.localtime(end, tz).date(), tz) + timedelta(days=1))
            ]
        for a, b in spans:
            t = a
            while t < b:
                u = min(t + step, b)
                if t < end and u > start:
                    out.append((t, u))
                t = u
    elif rule.every_unit == Every.DAY:
        d = timezone.localtime(start, tz).date()
        epoch = date(2000, 1, 1)
        d -= timedelta(days=(d - epoch).days % rule.every)
        while _local(d, tz) < end:
            nxt = d + timedelta(days=rule.every)
            a, b = _local(d, tz), _local(nxt, tz)
            if b > start:
                out.append((a, b))
            d = nxt
    else:
        loc = timezone.localtime(start, tz)
        i = loc.year * 12 + loc.month - 1
        i -= i % rule.every if rule.every <= 12 and 12 % rule.every == 0 else 0
        y, m = i // 12, i % 12 + 1
        while True:
            a = _local(date(y, m, 1), tz)
            if a >= end:
                break
            y2, m2 = _add_months(y, m, rule.every)
            b = _local(date(y2, m2, 1), tz)
            if b > start:
                out.append((a, b))
            y, m = y2, m2
    return out


def _state(a, b, grace_end, done: list, now) -> tuple[str, datetime | None]:
    i = bisect_left(done, a)
    if i < len(done) and done[i] < b:
        return DutyState.DONE, done[i]
    if i < len(done) and done[i] < grace_end and done[i] <= now:
        return DutyState.LATE, done[i]
    if now < a:
        return DutyState.UPCOMING, None
    if now < b:
        return DutyState.DUE, None
    return DutyState.LAPSED, None


def calendar(
    units, start: datetime, end: datetime, *, now=None, book=None
) -> dict[int, list[Window]]:
    """{unit id: [Window, …]} for the units' duties overlapping [start, end), kind then time."""
    now = now or timezone.now()
    book = book or RuleBook()
    units = list(units)
    rows = {h.unit_id: h for h in OpeningHours.objects.filter(unit_id__in=[u.pk for u in units])}
    plan: dict[int, list[tuple[str, datetime, datetime, Rule]]] = {}
    lo, hi = start, end
    for u in units:
        h = hours_mod.hours_of(u, rows.get(u.pk), lookup=False)
        entries = []
        for kind, rule in book.for_unit(u).items():
            for a, b in windows_of(rule, h, start, end):
                entries.append((kind, a, b, rule))
                lo, hi = min(lo, a), max(hi, b + (b - a))
        plan[u.pk] = entries
    ids = [u.pk for u in units]
    evidence = {kind: fn(ids, lo, hi) for kind, fn in providers().items()}
    out: dict[int, list[Window]] = {}
    for uid, entries in plan.items():
        wins = []
        for kind, a, b, rule in entries:
            done = sorted(evidence.get(kind, {}).get(uid, ()))
            state, at = _state(a, b, b + (b - a), done, now)
            wins.append(Window(kind, a, b, state, at, rule))
        out[uid] = wins
    return out


def unit_calendar(unit, start, end, *, now=None) -> list[Window]:
    return calendar([unit], start, end, now=now)[unit.pk]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return _local(day, tz), _local(day + timedelta(days=1), tz)
