"""A covering index for the workbench's "overdue, by supervision rung" figures: open hazards
past their deadline counted by rung within a region range, answered from the index alone (a
province office at 5M hazards: 3.8–4.3 s through the deadline index and the table, about 1 s
from this one). PostgreSQL only (SQLite has no INCLUDE); built concurrently, so that writes to
the hazards go on meanwhile."""

from django.db import migrations

from hazardloop.core.indexes import CreateIndexesConcurrently

OPEN = "('found', 'ordered', 'rectifying', 'submitted')"


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("hazards", "0014_workbench_first_rows_indexes")]

    operations = [
        CreateIndexesConcurrently(
            "hazards_hazard",
            {
                "hazard_overdue_rung": (
                    f"(due_at) INCLUDE (region_code, supervision_level) WHERE status IN {OPEN}"
                ),
            },
        )
    ]
