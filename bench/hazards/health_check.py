"""What the connection health check costs before each request's first query (PostgreSQL):
Django's `SELECT 1` against the socket check of `core/postgresql/base.py`, p50 of 2,000 each,
alternated, on one kept connection.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/hazards/health_check.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.backends.postgresql import base  # noqa: E402


def main() -> None:
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    connection.ensure_connection()
    django_check, socket_check = [], []
    for _ in range(2000):
        t = time.perf_counter()
        assert base.DatabaseWrapper.is_usable(connection)
        django_check.append(time.perf_counter() - t)
        t = time.perf_counter()
        assert connection.is_usable()
        socket_check.append(time.perf_counter() - t)
    print(
        f"Django's check (SELECT 1): p50 {statistics.median(django_check) * 1e6:.0f} µs; "
        f"the socket check: p50 {statistics.median(socket_check) * 1e6:.1f} µs"
    )


if __name__ == "__main__":
    main()
