"""Generate the 5,000,000-hazard province for the ladder benchmark (PostgreSQL only).

    .venv/bin/python bench/supervision/generate.py [--hazards 5000000] [--units 200000]

Everything is `INSERT … SELECT generate_series(…)` inside PostgreSQL: no Python loop over rows.
Idempotent: a table that already holds the rows is left alone, so a generator in bench/hazards/
that filled the same database first is reused as it is.

The shape (documented in docs/workflows.md, "Supervision ladder and documents"):
- units spread over the 60 county-level regions of Jilin;
- hazards found evenly over 2023-01-01 … BENCH_NOW, 3 % major; deadline 15 days after finding
  (major: 90); still open: 30 % of those found in the last 120 days, 10 % of those found 120–365
  days ago, 1 % of older ones; the rest closed;
- the ladder as yesterday's sweep left it (`state_sql`): so the sweep at BENCH_NOW has exactly one
  day's work — the hazards that crossed a threshold in the last 24 hours.
"""

import argparse
import time

from common import fill_required, setup

BENCH_NOW = "2026-11-28 10:00:00+08"


def state_sql(at: str) -> str:
    """The supervision level the default ladder gives an open hazard at `at` (SQL CASE)."""
    late = f"(timestamptz '{at}' - due_at)"
    return f"""
        case
          when status in ('verified', 'closed') or due_at is null or due_at > timestamptz '{at}'
            then 'none'
          when {late} >= interval '90 days' then 'accountability'
          when (grade = 'major' and {late} >= interval '15 days')
            or {late} >= interval '60 days' then 'listed'
          when {late} >= interval '7 days' then 'letter'
          else 'reminded'
        end"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=5_000_000)
    parser.add_argument("--units", type=int, default=200_000)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from hazardloop.testing import ensure_reference_data

    ensure_reference_data()
    with connection.cursor() as cur:
        cur.execute("select code from regions_region where level in ('county') order by code")
        counties = [r[0] for r in cur.fetchall()]
        cur.execute("select count(*) from units_unit")
        have_units = cur.fetchone()[0]
        started = time.monotonic()
        if have_units < args.units:
            cols = fill_required(
                cur,
                "units_unit",
                {
                    "name": "'基准单位' || g",
                    "uscc": "'B' || lpad(g::text, 17, '0')",
                    "region_id": f"(array{counties!r})[1 + g % {len(counties)}]",
                    "sector_id": "'catering'",
                    "public_id": "'B' || lpad(g::text, 11, '0')",
                    "risk_level": "'blue'",
                    "gas_use": "'none'",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
            )
            cur.execute(
                f"insert into units_unit ({', '.join(cols)}) "
                f"select {', '.join(cols.values())} "
                f"from generate_series({have_units + 1}, {args.units}) g"
            )
            print(f"units: {args.units - have_units} in {time.monotonic() - started:.0f} s")
        cur.execute("select min(id), max(id) from units_unit")
        low, high = cur.fetchone()
        cur.execute("select count(*) from hazards_hazard")
        have = cur.fetchone()[0]
        if have >= args.hazards:
            print(f"hazards: {have} already there")
            return
        span = 1427 * 86400  # 2023-01-01 … 2026-11-28
        found = (
            f"timestamptz '2023-01-01 08:00+08' "
            f"+ (g::bigint * {span} / {args.hazards}) * interval '1 second'"
        )
        age = f"(timestamptz '{BENCH_NOW}' - ({found}))"
        major = "(g % 33 = 0)"
        opened = (
            f"(case when {age} < interval '120 days' then g % 10 < 3 "
            f"when {age} < interval '365 days' then g % 10 = 0 else g % 100 = 0 end)"
        )
        due = f"({found}) + case when {major} then interval '90 days' else interval '15 days' end"
        cols = fill_required(
            cur,
            "hazards_hazard",
            {
                "unit_id": f"{low} + (g::bigint * 7919) % ({high - low + 1})",
                "region_code": "''",  # set from the unit below
                "sector_code": "'catering'",
                "source": "'inspection'",
                "title": "'疏散通道堵塞'",
                "description": "'基准数据'",
                "category": "'evacuation'",
                "grade": f"case when {major} then 'major' else 'general' end",
                "rule_refs": "'[]'::jsonb",
                "status": f"case when {opened} then 'rectifying' else 'closed' end",
                "found_at": found,
                "ordered_at": found,
                "due_at": due,
                "original_due_at": due,
                "closed_at": f"case when {opened} then null else ({due}) - interval '2 days' end",
                "supervision_level": "'none'",
                "listed_level": "''",
                "version": "1",
                "created_at": found,
                "updated_at": found,
            },
        )
        chunk = 500_000
        for first in range(have + 1, args.hazards + 1, chunk):
            last = min(args.hazards, first + chunk - 1)
            t = time.monotonic()
            cur.execute(
                f"insert into hazards_hazard ({', '.join(cols)}) "
                f"select {', '.join(cols.values())} from generate_series({first}, {last}) g"
            )
            print(f"hazards {first}–{last} in {time.monotonic() - t:.0f} s", flush=True)
        t = time.monotonic()
        cur.execute(
            "update hazards_hazard h set region_code = u.region_id from units_unit u "
            "where u.id = h.unit_id and h.region_code = ''"
        )
        print(f"region codes in {time.monotonic() - t:.0f} s", flush=True)
        yesterday = "2026-11-27 10:00:00+08"
        cur.execute(
            f"update hazards_hazard set supervision_level = {state_sql(yesterday)}, "
            "listed_level = case when grade = 'major' then 'city' else 'county' end "
            "where status not in ('verified', 'closed')"
        )
        cur.execute("analyze hazards_hazard")
        cur.execute("analyze units_unit")
        print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
