"""Where one incremental refresh of the aggregates spends its time (reports/aggregates.py;
PostgreSQL; not part of the tests).

Writes a note event on each of the `--hazards` newest hazards and stamps their units as edited
(as a step that recounts a unit's risk does; `--no-unit-edits` leaves the units), then runs one
`aggregates.refresh()` under cProfile (wall clock) and Django's query log. Prints the refresh's
time, the statements' total, the slowest statements, and the refresh's own functions by
cumulative time.

It writes to the database it is given: run it on a benchmark database made by
bench/province.py.

    .venv/bin/python bench/stats/refresh_profile.py --db hl_step2 [--hazards 3] [--top 12]
"""

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--hazards", type=int, default=3)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--no-unit-edits", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hazardloop.hazards.choices import EventKind
    from hazardloop.hazards.models import Hazard, HazardEvent
    from hazardloop.reports import aggregates
    from hazardloop.units.models import Unit

    aggregates.refresh()
    now = timezone.now()
    newest = Hazard.objects.order_by("-pk").values_list("pk", "status", "unit_id")
    for pk, status, unit_id in newest[: args.hazards]:
        HazardEvent.objects.create(
            hazard_id=pk,
            kind=EventKind.NOTE,
            from_status=status,
            to_status=status,
            at=now - dt.timedelta(seconds=1),
            reason="bench/stats/refresh_profile.py",
        )
        if not args.no_unit_edits:
            Unit.objects.filter(pk=unit_id).update(updated_at=now)
    profiler = cProfile.Profile(time.perf_counter)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        profiler.enable()
        done = aggregates.refresh()
        profiler.disable()
        took = time.perf_counter() - started
    queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    print(
        f"{args.db}: {Hazard.objects.count():,} hazards; refresh {took * 1000:.0f} ms under "
        f"cProfile, {done['buckets']} buckets; {len(queries)} statements, "
        f"{sum(float(q['time']) for q in queries) * 1000:.0f} ms"
    )
    for q in queries[: args.top]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"reports/", 15)
    print(out.getvalue())


if __name__ == "__main__":
    main()
