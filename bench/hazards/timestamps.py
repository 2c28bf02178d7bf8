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
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parent))  # profile_step.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.postgresql import base as django_base  # noqa: E402

from hazardloop.core.postgresql.base import NATIVE_TIMESTAMPTZ_LOADER  # noqa: E402

MODE = {"native": True}
# Django's own loader, as its backend registers it on every connection (a Python subclass of
# psycopg's, for UTC); its cursors then find the connection agreeing with them and add nothing.
DJANGOS = django_base.get_adapters_template(True, datetime.UTC).get_loader(
    django_base.TIMESTAMPTZ_OID, django_base.Format.TEXT
)


def _switch(native: bool) -> None:
    """Read timestamps on the connection with one loader or the other from now on."""
    MODE["native"] = native
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
    handle = WSGIHandler.__call__
    times: dict[tuple[str, bool], list[float]] = {}
    pages = {"n": 0}

    def timed(self, environ, start_response):
        started = time.process_time()
        out = handle(self, environ, start_response)
        cpu = (time.process_time() - started) * 1000
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if method == "GET":
            label = "page"
        elif path.endswith("hazards"):
            label = "create"
        else:
            label = "step"
        times.setdefault((label, MODE["native"]), []).append(cpu)
        if label == "page":  # the next round the other way
            pages["n"] += 1
            _switch(pages["n"] % 2 == 0)
        return out

    WSGIHandler.__call__ = timed
    sys.argv = ["profile_step.py", "--rounds", str(rounds)]
    import profile_step

    profile_step.main()
    for label in ("create", "step", "page"):
        native, djangos = times[(label, True)], times[(label, False)]
        print(
            f"{label:7} CPU p50: {_name(True)} {statistics.median(native):.2f} ms "
            f"(n {len(native)}), {_name(False)} {statistics.median(djangos):.2f} ms "
            f"(n {len(djangos)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=800)
    args = parser.parse_args()
    per_value(args.values)
    _switch(True)
    api_rounds(args.rounds)


if __name__ == "__main__":
    main()
