"""Add ~2,000,000 inspections to the province-scale benchmark database (PostgreSQL only).

    .venv/bin/python bench/stats/generate.py [--inspections 2000000]

Reuses the units and the 5,000,000 hazards of bench/supervision/generate.py (run it first; its
`fill_required` keeps this working as the inspection model grows). Set-based: one
`INSERT … SELECT generate_series(…)` per 500,000 rows, no Python loop over rows. Idempotent: rows
already there are counted and only the missing ones are added.

Shape: received evenly over 2023-01-01 … BENCH_NOW; modes 45 % routine, 15 % patrol, 20 %
self-inspection, 8 % unannounced, 5 % leader-led, 7 % campaign; the unit picked by a stride over
all units; region_code copied from the unit in the same statement.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "supervision"))

from common import fill_required, setup

BENCH_NOW = "2026-11-28 10:00:00+08"
MODES = (
    "case when g % 100 < 45 then 'routine' when g % 100 < 60 then 'patrol' "
    "when g % 100 < 80 then 'self_inspection' when g % 100 < 88 then 'unannounced' "
    "when g % 100 < 93 then 'leader_led' else 'campaign' end"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inspections", type=int, default=2_000_000)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from hazardloop.testing import ensure_reference_data

    ensure_reference_data()
    with connection.cursor() as cur:
        cur.execute("select count(*) from inspections_inspection")
        have = cur.fetchone()[0]
        if have >= args.inspections:
            print(f"inspections: {have} already there")
            return
        cur.execute("select min(id), max(id) from units_unit")
        low, high = cur.fetchone()
        cur.execute("select min(id) from accounts_user")
        user = cur.fetchone()[0]
        cur.execute("select min(id) from checklists_checklistversion")
        version = cur.fetchone()[0]
        if user is None or version is None:
            sys.exit("run bench/inspections/bench.py once first: it creates a user and a checklist")
        span = 1427 * 86400  # 2023-01-01 … 2026-11-28
        at = (
            f"timestamptz '2023-01-01 08:00+08' "
            f"+ (g::bigint * {span} / {args.inspections}) * interval '1 second'"
        )
        cols = fill_required(
            cur,
            "inspections_inspection",
            {
                "client_id": "md5('bench-insp-' || g)::uuid",
                "unit_id": "u.id",
                "region_code": "u.region_id",
                "template_version_id": str(version),
                "mode": MODES,
                "inspector_id": str(user),
                "received_at": at,
                "device_time": at,
                "notes": "''",
                "n_items": "20",
                "n_failed": "g % 3",
                "n_hazards": "g % 3",
            },
        )
        started = time.monotonic()
        chunk = 500_000
        for first in range(have + 1, args.inspections + 1, chunk):
            last = min(args.inspections, first + chunk - 1)
            t = time.monotonic()
            cur.execute(
                f"insert into inspections_inspection ({', '.join(cols)}) "
                f"select {', '.join(cols.values())} from generate_series({first}, {last}) g "
                f"join units_unit u on u.id = {low} + (g::bigint * 7919) % ({high - low + 1}) "
                "on conflict (client_id) do nothing"
            )
            print(f"inspections {first}–{last} in {time.monotonic() - t:.0f} s", flush=True)
        cur.execute("analyze inspections_inspection")
        print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
