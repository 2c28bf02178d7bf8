"""An inspection's unit, inspector and leading cadre lose their own indexes: insp_unit_received,
insp_inspector_received and insp_leader_received lead with them. Every inspection writes three
indexes fewer. The constraints stay (core/indexes.py DropIndexes)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from hazardloop.core.indexes import DropIndexes


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("inspections", "0003_answer_corrected_on_spot"),
        ("units", "0014_tokens_index_bytewise"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="inspection",
                    name="inspector",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspections_submitted",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
                migrations.AlterField(
                    model_name="inspection",
                    name="leader",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspections_led",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="leading cadre",
                    ),
                ),
                migrations.AlterField(
                    model_name="inspection",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspections",
                        to="units.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            database_operations=[
                DropIndexes(
                    "inspections_inspection",
                    {
                        "inspections_inspection_inspector_id_aaec4b84": '("inspector_id")',
                        "inspections_inspection_leader_id_0a1b9008": '("leader_id")',
                        "inspections_inspection_unit_id_198b8916": '("unit_id")',
                    },
                ),
            ],
        ),
    ]
