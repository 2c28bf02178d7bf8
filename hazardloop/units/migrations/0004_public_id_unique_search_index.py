"""public_id becomes unique; on PostgreSQL the search column gets a pg_trgm GIN index.

The trigram index serves `search_text LIKE '%term%'` (Chinese included) at province scale. It
needs the pg_trgm extension (CREATE EXTENSION needs a role allowed to create it); on SQLite the
operation does nothing and searches scan.
"""

from django.db import migrations, models

import hazardloop.units.models


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS unit_search_trgm "
        "ON units_unit USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS unit_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("units", "0003_fill_public_ids")]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="public_id",
            field=models.CharField(
                default=hazardloop.units.models.new_public_id,
                max_length=12,
                unique=True,
                verbose_name="public code",
            ),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
