"""The migration operation for PostgreSQL's covering indexes: built concurrently, dropped when
the migration is reversed, and nothing at all elsewhere."""

import pytest
from django.db import connection

from hazardloop.core.indexes import CreateIndexesConcurrently

NAME = "hl_test_concurrent_index"
OPERATION = CreateIndexesConcurrently(
    "regions_region", {NAME: "(level) INCLUDE (name_zh) WHERE NOT is_statistical"}
)


def _present() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [NAME])
        row = cursor.fetchone()
    return row is not None and "INCLUDE (name_zh)" in row[0]


@pytest.mark.django_db(transaction=True)  # CONCURRENTLY runs outside a transaction
def test_the_indexes_are_built_and_dropped_on_postgresql_and_nowhere_else():
    with connection.schema_editor(atomic=False) as editor:
        OPERATION.database_forwards("core", editor, None, None)
    try:
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [NAME])
                assert cursor.fetchone() is None
            return
        assert _present()
        with connection.schema_editor(atomic=False) as editor:  # built once: IF NOT EXISTS
            OPERATION.database_forwards("core", editor, None, None)
        with connection.schema_editor(atomic=False) as editor:
            OPERATION.database_backwards("core", editor, None, None)
        assert not _present()
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {NAME}")


def test_it_describes_itself_and_deconstructs_for_the_migration_writer():
    assert OPERATION.describe() == f"Create {NAME} concurrently on regions_region (PostgreSQL)"
    name, args, kwargs = OPERATION.deconstruct()
    assert name == "CreateIndexesConcurrently" and kwargs == {}
    assert CreateIndexesConcurrently(*args).indexes == OPERATION.indexes
