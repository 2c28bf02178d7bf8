"""The hazard's unit and the event's hazard lose their own indexes: hazard_unit_status and
hazard_event_hazard_at lead with the same column. Each workflow step writes one index fewer
in each table. The foreign keys' constraints stay as they were (core/indexes.py DropIndexes)."""

import django.db.models.deletion
from django.db import migrations, models

from hazardloop.core.indexes import DropIndexes


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("hazards", "0016_open_region_rung_index"),
        ("units", "0014_tokens_index_bytewise"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="hazard",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hazards",
                        to="units.unit",
                        verbose_name="unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="hazardevent",
                    name="hazard",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="hazards.hazard",
                    ),
                ),
            ],
            database_operations=[
                DropIndexes("hazards_hazard", {"hazards_hazard_unit_id_87b0cf39": '("unit_id")'}),
                DropIndexes(
                    "hazards_hazardevent",
                    {"hazards_hazardevent_hazard_id_d36b2f8a": '("hazard_id")'},
                ),
            ],
        ),
    ]
