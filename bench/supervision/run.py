"""Time one day's sweep of the supervision ladder over the generated province.

    .venv/bin/python bench/supervision/generate.py     # once: 5,000,000 hazards
    .venv/bin/python bench/supervision/run.py          # resets the ladder to yesterday, sweeps

Prints the day's work (hazards due for each rung), the time of the sweep, and the time of a
second sweep at the same moment (which must find nothing to do). Target: under 60 s.
"""

import datetime as dt
import time

from common import setup
from generate import BENCH_NOW, state_sql

YESTERDAY = "2026-11-27 10:00:00+08"


def main() -> None:
    setup()
    from django.db import connection

    from hazardloop.demo.departments import load_departments
    from hazardloop.supervision.sweep import sweep

    load_departments()
    with connection.cursor() as cur:
        # Back to the state yesterday's sweep left: the same day's work on every run.
        cur.execute("delete from supervision_accountabilityproposal")
        cur.execute("delete from supervision_enforcementdocument")
        cur.execute("delete from supervision_documentcounter")
        cur.execute("delete from hazards_hazardevent where kind = 'supervision'")
        cur.execute(
            f"update hazards_hazard set supervision_level = {state_sql(YESTERDAY)}, "
            "listed_level = case when grade = 'major' then 'city' else 'county' end "
            f"where status not in ('verified', 'closed') "
            f"and supervision_level <> {state_sql(YESTERDAY)}"
        )
        cur.execute("select count(*) from hazards_hazard")
        total = cur.fetchone()[0]
        cur.execute(
            "select count(*) from hazards_hazard where status not in ('verified', 'closed')"
        )
        open_count = cur.fetchone()[0]
        cur.execute(
            f"select {state_sql(BENCH_NOW)} as target, count(*) from hazards_hazard "
            "where status not in ('verified', 'closed') "
            f"and {state_sql(BENCH_NOW)} <> supervision_level group by 1 order by 1"
        )
        work = dict(cur.fetchall())
    print(f"hazards {total:,}, open {open_count:,}; due today by target rung: {work}")
    now = dt.datetime.fromisoformat(BENCH_NOW.replace(" ", "T"))
    started = time.monotonic()
    result = sweep(now)
    first = time.monotonic() - started
    print(
        f"sweep: reminded {result.reminded}, letters {result.letters}, listed {result.listed}, "
        f"proposals {result.proposals} = {result.total} rungs in {first:.1f} s "
        f"({first / max(result.total, 1) * 1000:.1f} ms per rung)"
    )
    started = time.monotonic()
    again = sweep(now)
    took = time.monotonic() - started
    print(f"second sweep at the same moment: {again.total} rungs in {took:.1f} s")


if __name__ == "__main__":
    main()
