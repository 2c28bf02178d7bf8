"""A covering index for a county's "overdue, by supervision rung" figures on the workbench:
the open hazards of a region range by deadline, with their rung, answered from the index
alone. `hazard_overdue_rung` (0015) leads with the deadline, which suits the whole province;
for a county it read every overdue hazard of the province (125–132 ms at 5M hazards, 7–12 ms
from this one: `bench/workbench/home.py --queries`). PostgreSQL only (SQLite has no INCLUDE); built concurrently, so that writes to the
hazards go on meanwhile."""

from django.db import migrations

from hazardloop.core.indexes import CreateIndexesConcurrently

OPEN = "('found', 'ordered', 'rectifying', 'submitted')"


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("hazards", "0015_overdue_rung_index")]

    operations = [
        CreateIndexesConcurrently(
            "hazards_hazard",
            {
                "hazard_open_region_due_rung": (
                    f"(region_code, due_at) INCLUDE (supervision_level) WHERE status IN {OPEN}"
                ),
            },
        )
    ]
