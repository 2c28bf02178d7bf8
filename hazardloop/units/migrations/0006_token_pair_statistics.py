"""PostgreSQL: extended statistics on (char, next_char) of the search tokens.

The two columns are strongly correlated (after 饺 usually comes 子); without these statistics
the planner multiplies their selectivities, expects a handful of rows for a common pair and
picks a nested loop over thousands of tokens instead of walking the sort index. On other
databases the operation does nothing.
"""

from django.db import migrations


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE STATISTICS IF NOT EXISTS unit_token_pair (mcv, dependencies) "
        'ON "char", next_char FROM units_unitsearchtoken'
    )
    schema_editor.execute("ANALYZE units_unitsearchtoken")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP STATISTICS IF EXISTS unit_token_pair")


class Migration(migrations.Migration):
    dependencies = [("units", "0005_lean_indexes_search_tokens")]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
