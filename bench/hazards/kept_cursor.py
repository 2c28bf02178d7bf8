"""What the kept preparing cursor (core/prepared.py) saves, on PostgreSQL: the kept cursor on
and off in turn, in one process, so that the machine's drift falls on both alike.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_step2 \\
        .venv/bin/python bench/hazards/kept_cursor.py [--statements 3000] [--rounds 800]

1. One statement of 7 values through `prepared_cursor`: CPU µs per statement, kept and a new
   cursor each time (300 runs to warm up each).
2. The API round of `profile_step.py` (create, order, verify, page) with the kept cursor on in
   even rounds and off in odd ones: the CPU p50 of each request both ways.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parent))  # profile_step.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from hazardloop.core import prepared  # noqa: E402

KEPT = {"on": True}
_fits = prepared._Kept.fits
prepared._Kept.fits = lambda self, connection: KEPT["on"] and _fits(self, connection)


def per_statement(n: int) -> None:
    sql = "SELECT %s::int, %s::text, %s::timestamptz, %s::bool, %s::text, %s::int, %s::text"
    params = [1, "abc", timezone.now(), True, "x", 5, "yy"]

    def run():
        with prepared.prepared_cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    for on in (False, True, False, True):
        KEPT["on"] = on
        for _ in range(300):
            run()
        started = time.process_time()
        for _ in range(n):
            run()
        cpu = (time.process_time() - started) / n * 1e6
        print(
            f"one statement, {'kept cursor' if on else 'new cursor each time':20} {cpu:6.0f} µs CPU"
        )


def api_rounds(rounds: int) -> None:
    import profile_step

    def switch(on: bool) -> None:
        KEPT["on"] = on

    profile_step.rounds_in_turn(rounds, switch, ("kept", "new each time"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=800)
    args = parser.parse_args()
    per_statement(args.statements)
    api_rounds(args.rounds)


if __name__ == "__main__":
    main()
