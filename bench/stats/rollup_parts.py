"""What each part of the dashboards' one roll-up statement costs (reports/together.py; PostgreSQL;
not part of the tests).

A cold dashboard request spends most of its database time in that statement: one UNION ALL of
the roll-ups of units, inspections, units last inspected, hazards, the open and waiting ones
due later and documents. This times the whole statement and each part alone (p50 of
`--repeat` runs, from the client), and with `--explain` prints each part's plan under
EXPLAIN (ANALYZE, BUFFERS). To weigh an index, create it in psql, run this again, drop it.

    .venv/bin/python bench/stats/rollup_parts.py --db hl_5m --region 220000 --days 365 \\
        [--today 2026-12-06] [--repeat 30] [--explain]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # bench/gauge.py


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--region", default="220000", help="the parent region's code")
    parser.add_argument("--days", type=int, default=365, help="the period: days up to today")
    parser.add_argument("--today", default="", help="YYYY-MM-DD (default: today)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone
    from gauge import reading

    from hazardloop.regions.models import Region
    from hazardloop.reports import together

    parent = Region.objects.get(code=args.region)
    children = list(Region.objects.filter(parent=parent))
    depth = max((len(c.prefix) for c in children), default=len(parent.prefix))
    today = dt.date.fromisoformat(args.today) if args.today else timezone.localdate()
    start = today - dt.timedelta(days=args.days - 1)
    sql, params = together.statement(parent, depth, start, today, today)

    def p50(text, values) -> float:
        times = []
        with connection.cursor() as cursor:
            for _n in range(args.repeat):
                started = time.perf_counter()
                cursor.execute(text, values)
                cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    print(reading())
    print(f"{parent.code} {parent.name_zh}, {start} – {today}, depth {depth}")
    print(f"whole statement: p50 {p50(sql, params):.2f} ms")
    position = 0
    for part in sql.split(" UNION ALL "):
        count = part.count("%s")
        values = params[position : position + count]
        position += count
        tag = part.split("'")[1]
        print(f"  part {tag}: p50 {p50(part, values):6.2f} ms  {part[:70]}")
        if args.explain:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + part, values)
                print("\n".join("      " + row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
