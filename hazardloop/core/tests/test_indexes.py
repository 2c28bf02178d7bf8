"""The migration operation for PostgreSQL's covering indexes: built concurrently, dropped when
the migration is reversed, and nothing at all elsewhere."""

import pytest
from django.db import connection

from hazardloop.core.indexes import CreateIndexesConcurrently, DropIndexes

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


# The tables every workflow step, inspection, notification and audited change writes: each
# index is written with every row, so none may be one that another index makes redundant.
WRITTEN_EVERY_STEP = (
    "hazards_hazard",
    "hazards_hazardevent",
    "notifications_notification",
    "audit_auditevent",
    "inspections_inspection",
)
# Known and left: three indexes on the open hazards' deadline, each read by a different
# figure, two of them covering (INCLUDE) different columns. Merging them means building one
# covering index concurrently in place of the three.
KNOWN = frozenset({"hazard_open_due", "hazard_overdue_rung", "stats_hazard_due_live"})
REDUNDANT = """
WITH ix AS (
  SELECT i.indexrelid, i.indrelid, c.relname AS name, t.relname AS tbl, i.indnkeyatts AS n,
         (i.indkey::int2[])[0:i.indnkeyatts - 1] AS keys,
         (i.indclass::oid[])[0:i.indnkeyatts - 1] AS classes,
         coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS pred,
         i.indisunique AS is_unique, i.indexprs IS NOT NULL AS has_expressions, am.amname AS am
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_am am ON am.oid = c.relam
  WHERE t.relname = ANY(%s))
SELECT a.tbl, a.name, b.name
FROM ix a JOIN ix b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
WHERE a.am = 'btree' AND b.am = 'btree' AND NOT a.is_unique
  AND NOT a.has_expressions AND NOT b.has_expressions
  AND a.n <= b.n AND b.keys[1:a.n] = a.keys AND b.classes[1:a.n] = a.classes
  AND a.pred = b.pred
ORDER BY 1, 2, 3
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue")
def test_no_index_of_a_table_every_step_writes_is_led_the_same_way_by_another():
    """A plain index whose columns lead another index (same order, operator classes and
    condition) serves nothing the other does not: on these tables it is only a cost."""
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT, [list(WRITTEN_EVERY_STEP)])
        found = [row for row in cursor.fetchall() if not {row[1], row[2]} <= KNOWN]
    assert found == [], f"redundant indexes (table, index, led the same way by): {found}"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue")
def test_the_dropped_indexes_left_the_foreign_keys_constraints():
    """Dropping an index that another covers keeps the foreign key's constraint
    (DropIndexes, not Django's AlterField, which drops and re-checks it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, a.attname FROM pg_constraint k "
            "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
            "WHERE k.contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [list(WRITTEN_EVERY_STEP)],
        )
        keys = set(cursor.fetchall())
    for table, column in (
        ("hazards_hazard", "unit_id"),
        ("hazards_hazardevent", "hazard_id"),
        ("notifications_notification", "recipient_id"),
        ("inspections_inspection", "unit_id"),
        ("inspections_inspection", "inspector_id"),
        ("inspections_inspection", "leader_id"),
    ):
        assert (table, column) in keys


DROPPED = "hl_test_dropped_index"
DROP = DropIndexes(
    "regions_region",
    {DROPPED: '("level")'},
    postgresql={f"{DROPPED}_like": '("name_zh" varchar_pattern_ops)'},
)


def _indexes_named(prefix: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", [f"{prefix}%"]
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE %s",
                [f"{prefix}%"],
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)  # CONCURRENTLY runs outside a transaction
def test_drop_indexes_drops_them_and_builds_them_again_when_reversed():
    """Forwards drops the indexes (PostgreSQL's own ones too, there); backwards builds them
    again, and a second drop of what is gone is no error."""
    here = {DROPPED, f"{DROPPED}_like"} if connection.vendor == "postgresql" else {DROPPED}
    try:
        with connection.schema_editor(atomic=False) as editor:
            DROP.database_backwards("core", editor, None, None)
        assert _indexes_named(DROPPED) == here
        for _ in range(2):
            with connection.schema_editor(atomic=False) as editor:
                DROP.database_forwards("core", editor, None, None)
            assert _indexes_named(DROPPED) == set()
    finally:
        with connection.cursor() as cursor:
            for name in here:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


def test_drop_indexes_describes_itself_and_deconstructs_for_the_migration_writer():
    drop = DropIndexes("t", {"t_a": "(a)"}, postgresql={"t_a_like": "(a varchar_pattern_ops)"})
    assert drop.describe() == "Drop t_a, t_a_like from t, covered by other indexes"
    name, args, kwargs = drop.deconstruct()
    assert name == "DropIndexes"
    again = DropIndexes(*args, **kwargs)
    assert (again.indexes, again.postgresql) == (drop.indexes, drop.postgresql)
