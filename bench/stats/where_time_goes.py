"""Where one statistics request spends its time: every query with its duration, and the Python
profile's top entries (PostgreSQL; the users of bench/stats/run.py).

    .venv/bin/python bench/stats/where_time_goes.py --db hazardloop_bench_dash \
        --url "/api/v1/stats/regions?parent=220000&from=2025-12-06&to=2026-12-05" \
        [--user bench-province] [--explain] [--cold]

One warm-up request, then one request with the queries captured (with `--explain`, each SELECT
again under EXPLAIN ANALYZE: planning + execution time on the server), then one under cProfile.
With `--cold`, the figures kept between refreshes (reports/kept.py) are dropped before the
captured request and before the profiled one, so both count as after a refresh.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "supervision"))

from common import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", default="bench-province")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each SELECT: server time"
    )
    parser.add_argument(
        "--cold", action="store_true", help="drop the kept figures first (a cold request)"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hazardloop.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    assert client.get(args.url).status_code == 200
    if args.cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        response = client.get(args.url)
        took = time.perf_counter() - t
    assert response.status_code == 200
    total = sum(float(q["time"]) for q in ctx.captured_queries)
    print(f"{len(ctx.captured_queries)} queries, {total * 1000:.1f} ms SQL, {took * 1000:.1f} ms")
    for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"])):
        print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:300]}")
    if args.explain:
        print("server time (EXPLAIN ANALYZE):")
        with connection.cursor() as cur:
            for q in ctx.captured_queries:
                if not q["sql"].startswith("SELECT") or "$1" in q["sql"]:
                    continue  # not a SELECT, or a prepared statement (its values are not in it)
                cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                plan = cur.fetchone()[0][0]
                took = plan["Execution Time"] + plan["Planning Time"]
                print(f"{took:8.2f} ms  {q['sql'][:150]}")
    if args.cold:
        cache.clear()
    profile = cProfile.Profile()
    profile.enable()
    client.get(args.url)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
