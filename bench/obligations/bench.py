"""The duty calendar of many units for one day, and the unit portal's p95 (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres hl_obligations_bench      # once
    .venv/bin/python bench/obligations/bench.py --units 1000000 [--sizes 10000,100000,1000000]

Migrates the database, brings it up to `--units` units in bulk (a third public gathering
places with "10:00-22:00", a tenth key units, the rest plain; 10 % of units have one patrol by
their own staff today), then times `obligations.schedule.calendar` for one day over the first
N units for each N in `--sizes`, in batches of 2,000 units as the sweep does
(`jobs.refresh_lapsed_once`), and the unit manager's workbench (`/`, with "Duties today") and
duties page over `--requests` requests (server time through Django's test client).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hl_obligations_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
import uuid  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.checklists.models import ChecklistTemplate  # noqa: E402
from hazardloop.checklists.services import load_builtin_templates  # noqa: E402
from hazardloop.inspections.models import Inspection  # noqa: E402
from hazardloop.obligations.rules import RuleBook  # noqa: E402
from hazardloop.obligations.schedule import calendar, day_bounds  # noqa: E402
from hazardloop.testing import ensure_reference_data  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402

BATCH = 2000
COUNTIES = ["220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122"]


def grow(target: int) -> None:
    have = Unit.objects.count()
    n = have
    began = time.monotonic()
    while n < target:
        size = min(10_000, target - n)
        Unit.objects.bulk_create(
            [
                Unit(
                    name=f"基准单位{i}", uscc=f"B{i:017d}", public_id=f"b{i:011d}",
                    region_id=COUNTIES[i % len(COUNTIES)],
                    sector_id="catering" if i % 3 == 0 else "other",
                    business_hours="10:00-22:00" if i % 3 == 0 else "",
                    is_public_gathering=i % 3 == 0, is_fire_key_unit=i % 10 == 1,
                )
                for i in range(n, n + size)
            ],
            batch_size=size,
        )  # fmt: skip
        n += size
    if target > have:
        print(f"created {target - have} units in {time.monotonic() - began:.1f} s")


def staff_and_patrols(now) -> User:
    """A manager for the first unit, and one patrol today by own staff for 10 % of units."""
    load_builtin_templates()
    first = Unit.objects.order_by("pk").first()
    user = User.objects.filter(username="bench-manager").first()
    if user is None:
        user = User.objects.create_user("bench-manager")  # signed in with force_login
        Membership.objects.create(user=user, role=Role.UNIT_MANAGER, unit=first,
                                  region_id=first.region_id)  # fmt: skip
    if not Inspection.objects.filter(mode="patrol").exists():
        version = ChecklistTemplate.objects.get(code="fire-patrol-61", region_code="").versions.get(
            is_current=True
        )
        ids = list(Unit.objects.order_by("pk").values_list("pk", "region_id"))[::10]
        staff = [User(username=f"bench-staff-{pk}") for pk, _region in ids]
        for user_ in staff:
            user_.set_unusable_password()
        User.objects.bulk_create(staff, batch_size=5000, ignore_conflicts=True)
        users = dict(
            User.objects.filter(username__startswith="bench-staff-").values_list("username", "pk")
        )
        Membership.objects.bulk_create(
            [Membership(user_id=users[f"bench-staff-{pk}"], role=Role.UNIT_SAFETY_OFFICER,
                        unit_id=pk, region_id=region) for pk, region in ids],
            batch_size=5000,
        )  # fmt: skip
        start, _end = day_bounds(timezone.localdate(now))
        Inspection.objects.bulk_create(
            [Inspection(client_id=uuid.uuid4(), unit_id=pk, region_code=region,
                        template_version=version, mode="patrol",
                        inspector_id=users[f"bench-staff-{pk}"],
                        received_at=start + dt.timedelta(hours=11)) for pk, region in ids],
            batch_size=5000,
        )  # fmt: skip
    return user


def time_calendar(n: int, now) -> float:
    start, end = day_bounds(timezone.localdate(now))
    book = RuleBook()
    began = time.monotonic()
    last = 0
    done = windows = 0
    while done < n:
        units = list(
            Unit.objects.filter(pk__gt=last).order_by("pk")
            .only("pk", "region_id", "sector_id", "uscc", "business_hours",
                  "is_public_gathering", "is_fire_key_unit")[: min(BATCH, n - done)]
        )  # fmt: skip
        if not units:
            break
        last = units[-1].pk
        cal = calendar(units, start, end, now=now, book=book)
        windows += sum(len(w) for w in cal.values())
        done += len(units)
    took = time.monotonic() - began
    print(f"calendar for a day: {done:>9,} units, {windows:>10,} windows in {took:7.1f} s "
          f"({done / took:,.0f} units/s)")  # fmt: skip
    return took


def p95(client, url, repeat) -> None:
    times = []
    for _ in range(repeat):
        began = time.monotonic()
        r = client.get(url)
        times.append((time.monotonic() - began) * 1000)
        assert r.status_code == 200, r.status_code
    times.sort()
    q = times[int(len(times) * 0.95) - 1]
    print(f"{url:<28} p50 {statistics.median(times):6.1f} ms  p95 {q:6.1f} ms ({repeat} requests)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ensure_reference_data()
    grow(args.units)
    now = timezone.now()
    manager = staff_and_patrols(now)
    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.units]
    for n in sizes:
        time_calendar(n, now)
    client = Client()
    client.force_login(manager)
    unit_id = manager.memberships.first().unit_id
    p95(client, "/", args.requests)
    p95(client, f"/duties/unit/{unit_id}/", args.requests)


if __name__ == "__main__":
    main()
