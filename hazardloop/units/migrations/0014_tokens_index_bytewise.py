"""The short search's GIN index (migration 0013) compares its tokens byte by byte (COLLATE "C").

Each new unit's 40-odd tokens are sorted and de-duplicated as the index takes them, and under
the database's collation (C.UTF-8 on the bench server) every comparison went through the
locale's string comparison. A token is matched whole (`@>`, `&&`), never sorted for a user, so
bytewise order finds the same units. Inserting 10,000 units' tokens into this index alone
(a table with only these columns, COPY, five runs each, alternated three times) took
289–442 ms with the database's collation and 221–328 ms bytewise. search.ShortMatch compiles
the same expression, so that the planner uses the index.
"""

from django.db import migrations

OLD = "string_to_array(search_pairs || ' ' || region_id, ' ')"
NEW = f'({OLD}) COLLATE "C"'


def _rebuild(schema_editor, expression: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute("DROP INDEX IF EXISTS unit_tokens_gin")
    schema_editor.execute(f"CREATE INDEX unit_tokens_gin ON units_unit USING gin (({expression}))")
    schema_editor.execute("ANALYZE units_unit")  # the expression's statistics


def forwards(apps, schema_editor):
    _rebuild(schema_editor, NEW)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, OLD)


class Migration(migrations.Migration):
    dependencies = [("units", "0013_one_pairs_index")]

    operations = [migrations.RunPython(forwards, backwards)]
