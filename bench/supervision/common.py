"""Shared bits of the supervision benchmarks: Django setup and filling NOT NULL columns."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/hazardloop_bench"


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


FILLER = {
    "character varying": "''",
    "text": "''",
    "jsonb": "'{}'::jsonb",
    "boolean": "false",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "numeric": "0",
    "timestamp with time zone": "now()",
    "date": "current_date",
}


def fill_required(cursor, table: str, given: dict[str, str]) -> dict[str, str]:
    """`given` plus a neutral value for every other NOT NULL column without a default.

    Other engineers' models grow columns; the generator keeps working without knowing them.
    """
    cursor.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = %s and is_nullable = 'NO' and column_default is null "
        "and is_identity = 'NO'",
        [table],
    )
    out = dict(given)
    for name, kind in cursor.fetchall():
        if name not in out:
            out[name] = FILLER[kind]
    return out
