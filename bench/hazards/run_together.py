"""`core.prepared.run_together` pipelined against the same prepared statements one after another
(PostgreSQL, in-process; not part of the tests).

Reads a hazard with its unit and then its events, as the hazard API does before a step
(`hazards.access`), for `--hazards` hazards picked at random: once through `run_together` (the
two statements in one psycopg pipeline) and once one after the other (`_run_one`, what
`run_together` did for prepared statements before session 17), alternating the two in
`--rounds` rounds. Prints each round's p50 in ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_step2 \\
        .venv/bin/python bench/hazards/run_together.py [--rounds 6] [--hazards 400]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # bench/gauge.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from gauge import reading  # noqa: E402

from hazardloop.core import prepared  # noqa: E402
from hazardloop.hazards.access import _WITH_UNIT, EVENTS  # noqa: E402
from hazardloop.hazards.models import Hazard  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--hazards", type=int, default=400)
    args = parser.parse_args()
    if not prepared.prepares():
        sys.exit("prepared statements are off: nothing to compare")
    pks = list(Hazard.objects.order_by("?").values_list("pk", flat=True)[: args.hazards])

    def apart(pk):
        return [
            prepared._run_one(q, a, "default") for q, a in ((_WITH_UNIT, (pk,)), (EVENTS, (pk,)))
        ]

    def together(pk):
        return prepared.run_together((_WITH_UNIT, (pk,)), (EVENTS, (pk,)))

    for way in (apart, together):  # each statement prepared before timing
        for pk in pks[:3]:
            assert way(pk)[0][0].pk == pk
    results: dict[str, list[float]] = {"one after another": [], "run_together (pipelined)": []}
    for _ in range(args.rounds):
        for name, way in zip(results, (apart, together), strict=True):
            times = []
            for pk in pks:
                started = time.perf_counter()
                way(pk)
                times.append(time.perf_counter() - started)
            results[name].append(statistics.median(times) * 1000)
    print(reading())
    print(f"{len(pks)} hazards a round, p50 ms per round:")
    for name, values in results.items():
        print(f"  {name:26} " + " ".join(f"{v:.3f}" for v in values))


if __name__ == "__main__":
    main()
