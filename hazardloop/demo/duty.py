"""Demo duty rosters for the current month: the province's emergency department (24-hour
shifts), Changchun's (three 8-hour shifts) and Nanguan's (24-hour shifts and a key post),
with duty officers and a leader on duty every day, check-ins and handovers of the shifts
already past (one check-in late), and the New Year holiday as a provincial heightened-duty
period that leaves its shifts flagged short. Written in bulk (a few queries per roster), so
the demo load stays fast. Idempotent: a department that has a roster is left alone."""

import datetime as dt
import itertools

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.audit.services import record_event
from hazardloop.duty import patterns
from hazardloop.duty.models import (
    Assignment,
    Handover,
    HeightenedPeriod,
    KeyPost,
    LeaderDay,
    Roster,
    Shift,
)
from hazardloop.regions.choices import DepartmentKind as K
from hazardloop.regions.models import Department

# region → (pattern, officers per shift, duty phone, key posts, officers, leaders)
ROSTERS = {
    "220000": (
        ["08:00"], 1, "0431-88901234", [], ["冯值班", "褚值班", "卫值班"], ["蒋厅长", "沈副厅长"],
    ),
    "220100": (
        ["08:00", "16:00", "00:00"], 1, "0431-82761234", [],
        ["韩值班", "杨值班", "朱值班"], ["秦局长", "尤副局长"],
    ),
    "220102": (
        ["08:30"], 1, "0431-88651234", [("应急指挥中心", 1)],
        ["许值班", "何值班", "吕值班"], ["施局长", "张副局长"],
    ),
}  # fmt: skip
# The existing demo accounts that stand duty (the province's duty officer, Changchun's leader).
EXISTING = {"220000": {"冯值班": "duty@220000"}, "220100": {"秦局长": "leader@220100"}}


def _person(code: str, name: str, role: str, department, password: str, n: int) -> User:
    kind = "duty" if role == Role.DUTY_OFFICER else "leader"
    username = EXISTING.get(code, {}).get(name) or f"{kind}{n}@{code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            display_name=name,
            password=password,
            phone=f"1390431{int(code) % 1000:03d}{n}",
        )
        Membership.objects.create(user=user, role=role, department=department, region_id=code)
    return user


def load_duty(today: dt.date | None = None) -> int:
    """Create the demo rosters for the month of `today` (default: now). Returns shifts made."""
    today = today or timezone.localdate()
    now = timezone.now()
    month = today.replace(day=1)
    password = make_password(settings.DEMO_PASSWORD)
    admin = User.objects.filter(username="admin").first()
    made = 0
    for code, (starts, per_shift, phone, posts, officers, leaders) in ROSTERS.items():
        department = Department.objects.filter(region_id=code, kind=K.EMERGENCY).first()
        if department is None or Roster.objects.filter(department=department).exists():
            continue
        people = [
            _person(code, name, Role.DUTY_OFFICER, department, password, i + 2)
            for i, name in enumerate(officers)
        ]
        chiefs = [
            _person(code, name, Role.LEADER, department, password, i + 2)
            for i, name in enumerate(leaders)
        ]
        roster = Roster.objects.create(
            department=department,
            region_code=code,
            shift_starts=starts,
            officers_per_shift=per_shift,
            duty_phone=phone,
            created_by=admin,
        )
        key_posts = [
            KeyPost.objects.create(roster=roster, name=name, min_staff=n) for name, n in posts
        ]
        days = patterns.month_days(month)
        Shift.objects.bulk_create(
            [
                Shift(roster=roster, region_code=code, day=day, starts_at=a, ends_at=b)
                for day in days
                for a, b in patterns.shifts_of_day(starts, day)
            ]
        )
        shifts = list(Shift.objects.filter(roster=roster).order_by("starts_at"))
        rows = []
        per_day = len(starts)
        for i, shift in enumerate(shifts):
            # The last shift of the month is left without people: the calendar flags it.
            if i == len(shifts) - 1:
                continue
            day_index, slot = divmod(i, per_day)
            officer = people[slot] if per_day > 1 else people[day_index % len(people)]
            on_post = people[(day_index + 1) % len(people)] if per_day == 1 else None
            checked = None
            if shift.starts_at < now:
                late = i % 11 == 5
                checked = shift.starts_at + dt.timedelta(minutes=25 if late else 3)
            for user, post in ((officer, None), *((on_post, p) for p in key_posts)):
                rows.append(
                    Assignment(
                        shift=shift,
                        user=user,
                        post=post,
                        region_code=code,
                        starts_at=shift.starts_at,
                        ends_at=shift.ends_at,
                        checked_in_at=checked if checked and checked < now else None,
                        check_in_late=bool(checked and i % 11 == 5 and checked < now),
                    )
                )
        Assignment.objects.bulk_create(rows)
        LeaderDay.objects.bulk_create(
            [
                LeaderDay(roster=roster, day=day, user=chiefs[n % len(chiefs)], region_code=code)
                for n, day in enumerate(days)
                if day != days[-2]  # one day without its leader: flagged
            ]
        )
        # Handovers of the shifts already over, each signed by the next shift.
        by_shift = {a.shift_id: a.user for a in rows if a.post is None}
        handovers = []
        for shift, following in itertools.pairwise(shifts):
            if following.starts_at + dt.timedelta(minutes=10) > now:
                break
            writer, reader = by_shift.get(shift.pk), by_shift.get(following.pk)
            if writer is None or reader is None or writer == reader:
                continue
            handovers.append(
                Handover(
                    shift=shift,
                    region_code=code,
                    note="本班无突发事件；已接收并转办群众来电1件；设备运行正常。",
                    written_by=writer,
                    written_at=shift.ends_at - dt.timedelta(minutes=10),
                    confirmed_by=reader,
                    confirmed_at=following.starts_at + dt.timedelta(minutes=5),
                )
            )
        Handover.objects.bulk_create(handovers)
        record_event(
            "duty.month_filled",
            actor=admin,
            obj=roster,
            message=f"{month:%Y-%m}: {len(shifts)} shifts (demo)",
        )
        made += len(shifts)
    # New Year's holiday: the province asks for two duty officers a shift.
    year = month.year if month.month == 12 else month.year - 1
    HeightenedPeriod.objects.get_or_create(
        region_code="220000",
        name="元旦假期",
        defaults={
            "starts_on": dt.date(year, 12, 31),
            "ends_on": dt.date(year + 1, 1, 2),
            "min_officers": 2,
            "created_by": admin,
        },
    )
    return made
