"""What reading timestamps with psycopg's compiled loader saves (core/postgresql/base.py), on
PostgreSQL: Django's Python loader and psycopg's in turn, in one process, so that the
machine's drift falls on both alike.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_step2 \\
        .venv/bin/python bench/hazards/timestamps.py [--values 60000] [--rounds 800]

1. Per value: a result of 20,000 rows of three `timestamptz` read with each loader (µs of CPU
   per value, four alternating runs).
2. The API round of `profile_step.py` (create, order, verify, first page of 20), each round
   read with one loader and the next with the other: the CPU p50 of each request both ways.
   Each time the loader changes, the connection's kept cursor is made again (core/prepared.py),
   so both ways pay that alike.
"""

import argparse
import datetime
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

from django.db import connection  # noqa: E402
from django.db.backends.postgresql import base as django_base  # noqa: E402

from hazardloop.core.postgresql.base import NATIVE_TIMESTAMPTZ_LOADER  # noqa: E402

# Django's own loader, as its backend registers it on every connection (a Python subclass of
# psycopg's, for UTC); its cursors then find the connection agreeing with them and add nothing.
DJANGOS = django_base.get_adapters_template(True, datetime.UTC).get_loader(
    django_base.TIMESTAMPTZ_OID, django_base.Format.TEXT
)


def _switch(native: bool) -> None:
    """Read timestamps on the connection with one loader or the other from now on."""
    connection.ensure_connection()
    loader = NATIVE_TIMESTAMPTZ_LOADER if native else DJANGOS
    connection.connection.adapters.register_loader(django_base.TIMESTAMPTZ_OID, loader)
    connection._hl_kept_cursor = None  # the kept cursor is made again, with this loader


def _name(native: bool) -> str:
    return "psycopg's compiled loader" if native else "Django's loader"


def per_value(values: int) -> None:
    rows = max(1, values // 3)
    sql = (
        "SELECT now(), '2026-01-02 03:04:05.123456+00'::timestamptz, "
        "'2026-01-02 03:04:05+08'::timestamptz FROM generate_series(1, %s)"
    )
    connection.ensure_connection()
    print(f"loader on the connection: {NATIVE_TIMESTAMPTZ_LOADER.__module__}")
    for native in (False, True, False, True):
        _switch(native)
        with connection.cursor() as cursor:
            cursor.execute(sql, [rows])
            started = time.process_time()
            cursor.fetchall()
            cpu = (time.process_time() - started) / (rows * 3) * 1e6
        print(f"per value, {_name(native):27} {cpu:6.2f} µs CPU")


def api_rounds(rounds: int) -> None:
    import profile_step

    profile_step.rounds_in_turn(rounds, _switch, (_name(True), _name(False)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=800)
    args = parser.parse_args()
    per_value(args.values)
    api_rounds(args.rounds)


if __name__ == "__main__":
    main()
