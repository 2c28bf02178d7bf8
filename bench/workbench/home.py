"""The home page (workbench) of a province's people on the province generator's data
(PostgreSQL; not part of the test run).

    .venv/bin/python bench/province.py --hazards 5000000 --db hl_5m   # once (bench/province.py)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_5m \\
        .venv/bin/python bench/workbench/home.py [--repeat 5]

Signs in (Django's test client, server time: middleware, session, every list and figure,
the template) as a regulator and a leader of the province, then of one county, and times
`GET /`: the first request after the kept figures and the menu's count are dropped (what a
person sees once a minute at most, `workbench/sections.py` `kept_figures`,
`workbench/todo.py`), and the requests after it (the figures kept, for a scope that counts
more than WORKBENCH_FIGURES_KEEP_ABOVE hazards). Prints p50 / p95 per case and the number of
queries of the first request; `--queries N`: its N slowest queries with their times (of the
last repetition).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.hazards.models import Hazard  # noqa: E402
from hazardloop.regions.models import Department  # noqa: E402
from hazardloop.testing import make_department  # noqa: E402

setup_test_environment()


def person(username: str, region: str, role) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        department = Department.objects.filter(region_id=region).first() or make_department(region)
        Membership.objects.create(user=user, role=role, department=department, region_id=region)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--queries", type=int, default=0, help="print the N slowest queries of a first request"
    )
    args = parser.parse_args()
    cases = [
        ("province regulator", person("bench-wb-prov-reg", "220000", Role.REGULATOR)),
        ("province leader", person("bench-wb-prov-lead", "220000", Role.LEADER)),
        ("county regulator", person("bench-wb-cty-reg", "220102", Role.REGULATOR)),
        ("county leader", person("bench-wb-cty-lead", "220102", Role.LEADER)),
    ]
    print(f"hazards: {Hazard.objects.count():,}; load {os.getloadavg()[0]:.2f}")
    for name, user in cases:
        client = Client()
        client.force_login(user)
        first, kept, statements = [], [], 0
        slowest: list[tuple[float, str]] = []

        def timing(execute, sql, params, many, context, slowest=slowest):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                slowest.append(((time.perf_counter() - t) * 1000, sql))

        for _ in range(args.repeat):
            cache.clear()  # the kept figures and the menu's count: counted again
            slowest.clear()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timing):
                t = time.perf_counter()
                response = client.get("/")
                first.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
            statements = len(queries)
            for _ in range(args.repeat):
                t = time.perf_counter()
                assert client.get("/").status_code == 200
                kept.append((time.perf_counter() - t) * 1000)

        def p(values, q):
            return sorted(values)[min(len(values) - 1, int(q * len(values)))]

        print(
            f"{name:20} first p50 {statistics.median(first):8.1f} ms p95 {p(first, 0.95):8.1f}"
            f" ({statements} queries) | after p50 {statistics.median(kept):8.1f} ms"
            f" p95 {p(kept, 0.95):8.1f}"
        )
        for ms, sql in sorted(slowest, reverse=True)[: args.queries]:
            print(f"    {ms:8.1f} ms  {' '.join(sql.split())[:150]}")
    print(f"load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
