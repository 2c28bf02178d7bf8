"""Builders for duty tests: a roster of the cast's Nanguan emergency bureau (the duty officer's
and the county regulator's department) and shifts at fixed local times."""

import datetime as dt
import zoneinfo

from hazardloop.duty import services
from hazardloop.duty.models import Roster
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import HOME, make_department

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """ "2026-12-05 08:00" as an aware local time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def roster(cast, starts=("08:00",), per_shift=1, phone="0431-88880000", posts=()) -> Roster:
    department = make_department(HOME, DepartmentKind.EMERGENCY)
    existing = Roster.objects.filter(department=department).first()
    if existing:
        return existing
    return services.create_roster(
        actor=cast.regulator,
        department=department,
        shift_starts=list(starts),
        officers_per_shift=per_shift,
        duty_phone=phone,
        key_posts=list(posts),
    )


def shift(cast, r, start: str, end: str, *people, post=None):
    return services.add_shift(
        r,
        actor=cast.regulator,
        starts_at=at(start),
        ends_at=at(end),
        officers=[(p, post) for p in people],
    )
