"""On PostgreSQL the ledger's free-text search (`q`) gets a pg_trgm GIN index over the title and
the description, as `UPPER(column::text)`: the expressions Django's `icontains` compiles to, so
the index serves `UPPER(title::text) LIKE UPPER('%term%')` (Chinese included) from three
characters. The unit's part of the search uses the units' own search indexes (units migrations
0004 and 0008). Like those, it needs the pg_trgm extension (CREATE EXTENSION needs a role
allowed to create it); on SQLite the operation does nothing and the search scans.
"""

from django.db import migrations

INDEX = "hazard_text_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON hazards_hazard USING gin "
        "((UPPER(title::text)) gin_trgm_ops, (UPPER(description::text)) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0012_export_progress_and_format"),
        ("units", "0004_public_id_unique_search_index"),
    ]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
