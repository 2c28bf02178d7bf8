"""The hazard ledger with filters at 5,000,000 hazards, and per-operation timings (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres hazardloop_bench        # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazardloop_bench \\
        .venv/bin/python manage.py migrate
    .venv/bin/python bench/supervision/generate.py               # 5M hazards, INSERT…SELECT
    .venv/bin/python bench/hazards/bench.py [--repeat 20] [--ops 200]

The data is the shared generator's (bench/supervision/generate.py: 200,000 units over the 60
counties, 5M hazards over 2023–2026); this script only reads it, then creates `--ops` hazards
and orders them to time one create and one workflow step. Server time = the view function's
time through Django's test client (no network), measured per request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hazardloop_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

# Lets the test client expose the template context (the rows and the next-page cursor).
setup_test_environment()

import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.hazards import services  # noqa: E402
from hazardloop.hazards.loading import load_shipped  # noqa: E402
from hazardloop.hazards.models import Hazard, HolidayYear, RuleSet  # noqa: E402
from hazardloop.regions.models import Department  # noqa: E402
from hazardloop.testing import ensure_reference_data  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402

QUERIES = [
    ("province, no filter", ""),
    ("province, major + open", "grade=major&status=open"),
    ("province, overdue", "overdue=yes"),
    ("province, found in one month", "found_from=2026-10-01&found_to=2026-10-31"),
    ("city subtree 220100", "region=220100"),
    ("county 220102, open", "region=220102&status=open"),
    ("county 220102, overdue majors", "region=220102&overdue=yes&grade=major"),
    ("one unit", "unit={unit}"),
    ("sector + source", "sector=catering&source=inspection"),
    ("page 2 (keyset)", "after={cursor}"),
]


def bench_user(username: str, region: str, role=Role.REGULATOR) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        dept = Department.objects.filter(region_id=region).first()
        if dept is None:
            from hazardloop.testing import make_department

            dept = make_department(region)
        Membership.objects.create(user=user, role=role, department=dept, region_id=region)
    return user


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--ops", type=int, default=200)
    args = parser.parse_args()
    ensure_reference_data()
    if not RuleSet.objects.exists():
        load_shipped(RuleSet, HolidayYear)
    with connection.cursor() as cur:
        cur.execute("select reltuples::bigint from pg_class where relname = 'hazards_hazard'")
        estimate = cur.fetchone()[0]
    print(f"hazards (estimate): {estimate:,}")
    province = bench_user("bench-prov", "220000")
    county = bench_user("bench-county", "220102", Role.INSPECTOR)
    unit = Unit.objects.filter(region_id="220102").order_by("id").first()
    print(f"{'query':42} {'user':8} {'p50 ms':>8} {'p95 ms':>8} {'rows':>5}")
    worst = 0.0
    for user, label in ((province, "province"), (county, "county")):
        client = Client()
        client.force_login(user)
        first = client.get("/hazards/")
        cursor = first.context["next_cursor"] or ""
        for name, query in QUERIES:
            url = "/hazards/?" + query.format(unit=unit.pk if unit else 0, cursor=cursor)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            rows = len(response.context["rows"])
            p95 = pct(times, 95)
            worst = max(worst, p95)
            print(f"{name:42} {label:8} {pct(times, 50):8.1f} {p95:8.1f} {rows:5}")
    print(f"worst ledger p95: {worst:.1f} ms")

    # Per-operation timings at this scale: create a hazard, then order it (one workflow step).
    units = list(Unit.objects.filter(region_id="220102").order_by("id")[: args.ops])
    inspector = county
    creates, steps = [], []
    made = []
    for i in range(args.ops):
        t = time.perf_counter()
        h = services.create_hazard(
            units[i % len(units)],
            actor=inspector,
            source="inspection",
            description="基准：安全出口堵塞",
            rule_refs=["gb35181:7.3.3"],
            source_ref=f"bench-op:{i}",
        )
        creates.append((time.perf_counter() - t) * 1000)
        made.append(h)
    due = timezone.now() + dt.timedelta(days=10)
    for h in made:
        t = time.perf_counter()
        services.order_hazard(h, actor=inspector, due_at=due)
        steps.append((time.perf_counter() - t) * 1000)
    print(
        f"create_hazard: mean {statistics.mean(creates):.1f} ms, p95 {pct(creates, 95):.1f} ms; "
        f"order (one step): mean {statistics.mean(steps):.1f} ms, p95 {pct(steps, 95):.1f} ms "
        f"({args.ops} each)"
    )
    Hazard.objects.filter(source_ref__startswith="bench-op:").delete()


if __name__ == "__main__":
    main()
