"""Reading rosters: who is on duty at a moment (`on_duty`, used to route accident reports), the
roster check (gaps, shortfalls, missing leaders, unstaffed key posts) and the month calendar.

`on_duty` is a fixed number of indexed queries whatever the roster's size: the roster of the
region (or of the nearest region above it that has one), the shift covering the moment by
(roster, starts_at), its people, the leader of its duty day.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from hazardloop.duty import patterns
from hazardloop.duty.choices import Problem
from hazardloop.duty.models import Assignment, HeightenedPeriod, LeaderDay, Roster, Shift
from hazardloop.regions import codes


@dataclass
class OnDutyPerson:
    user: object
    post: str = ""
    checked_in_at: dt.datetime | None = None
    late: bool = False


@dataclass
class OnDuty:
    """Who is on duty for `region_code` at `at`: the roster found (possibly of a region above),
    the shift covering `at` (None: a gap), its people, and the day's leader on duty."""

    region_code: str
    at: dt.datetime
    roster: Roster | None = None
    shift: Shift | None = None
    officers: list[OnDutyPerson] = field(default_factory=list)
    leader: object | None = None

    @property
    def department(self):
        return self.roster.department if self.roster else None

    @property
    def duty_phone(self) -> str:
        return self.roster.duty_phone if self.roster else ""

    @property
    def people(self) -> list:
        """The officers, then the leader (each once)."""
        out = [p.user for p in self.officers]
        if self.leader is not None and self.leader.pk not in {u.pk for u in out}:
            out.append(self.leader)
        return out


def _kind_rank(kind: str) -> int:
    order = list(settings.DUTY_DEPARTMENT_KINDS)
    return order.index(kind) if kind in order else len(order)


def roster_for_region(region_code: str) -> Roster | None:
    """The roster that answers for a region: one of its own departments' (the kinds in
    settings.DUTY_DEPARTMENT_KINDS order), else the nearest region above's."""
    chain = [codes.canonical(region_code), *reversed(codes.ancestor_codes(region_code))]
    rosters = list(
        Roster.objects.filter(region_code__in=chain).select_related(
            "department", "department__region"
        )
    )
    if not rosters:
        return None
    depth = {code: i for i, code in enumerate(chain)}
    return min(rosters, key=lambda r: (depth[r.region_code], _kind_rank(r.department.kind), r.pk))


def on_duty(region_code: str, at: dt.datetime) -> OnDuty:
    """The people on the shift covering `at` (start inclusive, end exclusive) in the duty
    department of the region (or the nearest region above with a roster), and the leader on
    duty of that shift's duty day."""
    result = OnDuty(region_code=region_code, at=at)
    roster = roster_for_region(region_code)
    if roster is None:
        return result
    result.roster = roster
    shift = (
        Shift.objects.filter(roster=roster, starts_at__lte=at, ends_at__gt=at)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("user", "post").order_by(
                    "post_id", "id"
                ),
            )
        )
        .first()
    )
    day = shift.day if shift else patterns.duty_day(roster.shift_starts, at)
    if shift is not None:
        result.shift = shift
        result.officers = [
            OnDutyPerson(a.user, a.post.name if a.post else "", a.checked_in_at, a.check_in_late)
            for a in shift.assignments.all()
        ]
    leader = LeaderDay.objects.filter(roster=roster, day=day).select_related("user").first()
    result.leader = leader.user if leader else None
    return result


# --- the roster check ------------------------------------------------------------------------


def periods_for(region_code: str, first: dt.date, last: dt.date) -> list[HeightenedPeriod]:
    """Heightened-duty periods that apply to a region (set at it or above) and touch the days."""
    chain = [codes.canonical(region_code), *codes.ancestor_codes(region_code)]
    return list(
        HeightenedPeriod.objects.filter(
            region_code__in=chain, starts_on__lte=last, ends_on__gte=first
        ).order_by("starts_on")
    )


def required_officers(roster: Roster, day: dt.date, periods) -> tuple[int, HeightenedPeriod | None]:
    need, why = roster.officers_per_shift, None
    for p in periods:
        if p.starts_on <= day <= p.ends_on and p.min_officers > need:
            need, why = p.min_officers, p
    return need, why


@dataclass
class DayView:
    day: dt.date
    shifts: list = field(default_factory=list)  # [(shift, [assignment], [problem text])]
    leader: object | None = None
    problems: list = field(default_factory=list)  # [(Problem, text)]
    period: HeightenedPeriod | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.problems) or any(p for _s, _a, p in self.shifts)


def month_view(roster: Roster, month: dt.date) -> list[DayView]:
    """Every duty day of the month: its shifts with their people and problems, its leader and
    its own problems (gaps, no leader). Four queries."""
    days = patterns.month_days(month)
    first, last = days[0], days[-1]
    shifts = list(
        roster.shifts.filter(day__gte=first, day__lte=last)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("user", "post").order_by(
                    "post_id", "id"
                ),
            )
        )
        .order_by("starts_at")
    )
    leaders = {
        ld.day: ld.user
        for ld in LeaderDay.objects.filter(
            roster=roster, day__gte=first, day__lte=last
        ).select_related("user")
    }
    posts = list(roster.key_posts.all())
    periods = periods_for(roster.region_code, first, last)
    by_day = defaultdict(list)
    for s in shifts:
        by_day[s.day].append(s)
    out = []
    for day in days:
        view = DayView(day=day, leader=leaders.get(day))
        need, view.period = required_officers(roster, day, periods)
        for s in by_day[day]:
            people = list(s.assignments.all())
            view.shifts.append((s, people, shift_problems(s, people, need, posts)))
        view.problems = day_problems(roster, day, by_day[day], view.leader)
        out.append(view)
    return out


def shift_problems(shift, people, need: int, posts) -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    out = []
    officers = [a for a in people if a.post_id is None]
    if not people:
        out.append((Problem.NO_OFFICER, str(Problem.NO_OFFICER.label)))
    elif len(officers) < need:
        out.append(
            (
                Problem.SHORT,
                _("%(have)d of %(need)d duty officers") % {"have": len(officers), "need": need},
            )
        )
    for post in posts:
        staffed = sum(1 for a in people if a.post_id == post.pk)
        if staffed < post.min_staff:
            out.append(
                (
                    Problem.POST_UNSTAFFED,
                    _("%(post)s: %(have)d of %(need)d")
                    % {"post": post.name, "have": staffed, "need": post.min_staff},
                )
            )
    return out


def day_problems(roster: Roster, day: dt.date, shifts, leader) -> list[tuple[str, str]]:
    from django.utils.formats import time_format
    from django.utils.timezone import localtime
    from django.utils.translation import gettext as _

    out = []
    slots = patterns.shifts_of_day(roster.shift_starts, day)
    for a, b in gaps(roster, day, shifts):
        if (a, b) == (slots[0][0], slots[-1][1]):
            out.append((Problem.GAP, _("No shift all day")))
            continue
        out.append(
            (
                Problem.GAP,
                _("No shift from %(start)s to %(end)s")
                % {
                    "start": time_format(localtime(a), "H:i"),
                    "end": time_format(localtime(b), "H:i"),
                },
            )
        )
    if leader is None:
        out.append((Problem.NO_LEADER, str(Problem.NO_LEADER.label)))
    return out


def gaps(roster: Roster, day: dt.date, shifts) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of the duty day no shift covers."""
    slots = patterns.shifts_of_day(roster.shift_starts, day)
    start, end = slots[0][0], slots[-1][1]
    out = []
    cursor = start
    for s in sorted(shifts, key=lambda s: s.starts_at):
        if s.ends_at <= cursor:
            continue
        if s.starts_at > cursor:
            out.append((cursor, min(s.starts_at, end)))
        cursor = max(cursor, s.ends_at)
        if cursor >= end:
            break
    if cursor < end:
        out.append((cursor, end))
    return out


def check(roster: Roster, month: dt.date) -> list[dict]:
    """The month's problems, flat: [{"day", "shift", "problem", "text"}] (the API's check)."""
    out = []
    for view in month_view(roster, month):
        for code, text in view.problems:
            out.append({"day": view.day, "shift": None, "problem": code, "text": text})
        for shift, _people, problems in view.shifts:
            for code, text in problems:
                out.append({"day": view.day, "shift": shift.pk, "problem": code, "text": text})
    return out
