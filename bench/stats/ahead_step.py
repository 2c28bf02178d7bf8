"""What the sweep's answering step costs after a minute of a campaign day (reports/ahead.py;
PostgreSQL; not part of the tests).

Each round writes a note event on one hazard in each of `--counties` counties picked at random
(the refresh counts a hazard with a new event as touched, as it does a step) and stamps that
hazard's unit as edited now (a step that opens or closes a hazard recounts its unit's risk:
the refresh then counts the units again; `--no-unit-edits` leaves the units), refreshes the
aggregates, and times `answer_ahead_once`: the questions about the regions the refresh did not
touch carried forward from the token before, the others counted. Then, for the same token, it
deletes those answers and times `ahead.answer` over every question: what the step cost when it
counted them all (session 16). p50 over the rounds, with the questions counted and carried.

It writes to the database it is given (one note event per county per round, each with a
reason that says so): run it on a benchmark database made by bench/province.py.

    .venv/bin/python bench/stats/ahead_step.py --db hl_step2 [--rounds 10] [--counties 3] \\
        [--now 2026-11-28T10:00+08:00]
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # bench/gauge.py


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--counties", type=int, default=3, help="counties changed per round")
    parser.add_argument("--now", default="2026-11-28T10:00+08:00", help="the generator's --now")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-unit-edits", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.utils import timezone
    from gauge import reading

    from hazardloop.hazards.choices import EventKind
    from hazardloop.hazards.models import Hazard, HazardEvent
    from hazardloop.regions.models import Region
    from hazardloop.reports import aggregates, ahead
    from hazardloop.reports.models import AnsweredAhead
    from hazardloop.reports.rollups import state
    from hazardloop.units.models import Unit

    now = dt.datetime.fromisoformat(args.now)
    today = timezone.localdate(now)
    rng = random.Random(args.seed)
    counties = list(
        Region.objects.filter(level="county", children__isnull=False)
        .distinct()
        .values_list("prefix", flat=True)
    )
    counted: list[str] = []
    count = ahead.together.rows

    def counting(parent, *rest):
        counted.append(parent.code)
        return count(parent, *rest)

    ahead.together.rows = counting
    aggregates.refresh()
    ahead.answer_ahead_once(now)
    stepped, everything, asked_n, counted_n, refresh_s = [], [], [], [], []
    for _ in range(args.rounds):
        for prefix in rng.sample(counties, min(args.counties, len(counties))):
            hazard = (
                Hazard.objects.filter(region_code__startswith=prefix)
                .order_by("-pk")
                .values_list("pk", "status", "unit_id")[rng.randrange(50)]
            )
            if not args.no_unit_edits:
                Unit.objects.filter(pk=hazard[2]).update(updated_at=timezone.now())
            HazardEvent.objects.create(
                hazard_id=hazard[0],
                kind=EventKind.NOTE,
                from_status=hazard[1],
                to_status=hazard[1],
                at=now,
                reason="bench/stats/ahead_step.py",
            )
        started = time.perf_counter()
        aggregates.refresh()
        refresh_s.append(time.perf_counter() - started)
        counted.clear()
        started = time.perf_counter()
        asked_n.append(ahead.answer_ahead_once(now))
        stepped.append(time.perf_counter() - started)
        counted_n.append(len(counted))
        row = state()
        questions = ahead.questions(today, [int(d) for d in row.depths.split(",")])
        AnsweredAhead.objects.filter(generation=row.generation).delete()
        started = time.perf_counter()
        ahead.answer(row.generation, questions, today)
        everything.append(time.perf_counter() - started)

    def p50(values):
        return statistics.median(values) * 1000

    print(reading())
    print(
        f"{args.db}: {Hazard.objects.count():,} hazards; {args.rounds} rounds of "
        f"{args.counties} counties changed"
        f"{'' if args.no_unit_edits else ', their units edited'}; "
        f"questions per token {statistics.median(asked_n):.0f}"
    )
    print(f"refresh (incremental)          p50 {p50(refresh_s):8.1f} ms")
    print(
        f"answering step, carried        p50 {p50(stepped):8.1f} ms "
        f"(counted p50 {statistics.median(counted_n):.0f} of {statistics.median(asked_n):.0f})"
    )
    print(f"every question counted         p50 {p50(everything):8.1f} ms")


if __name__ == "__main__":
    main()
