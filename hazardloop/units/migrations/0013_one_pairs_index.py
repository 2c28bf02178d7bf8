"""The short search's two GIN indexes (migration 0008) become one: the unit's tokens and its
region code in one array.

Migration 0008 indexed every token twice, once plain (`饺子`) and once prefixed with the unit's
region code (`220102/饺子`), so that a short search inside a region reads only that region's
matches. The prefixed index was the largest of the unit table (23 MB of 60 MB of GIN at
105,000 units) and merging its entries the slowest part of an import's commit. Now one index
holds each token once plus one entry for the region code (`220102`): a short search asks
`@> ARRAY['饺子']` and, inside a region, `&& ARRAY['220102', '220103', …]` of the same array;
GIN intersects the two in one index scan, skipping through the region codes' posting lists to
the term's matches. A token is one or two characters and a region code six or more, so they
never collide. search.ShortMatch compiles this expression; the results are the same (the
caller keeps its region filter, as before).
"""

from django.db import migrations

OLD = {
    "unit_pairs_gin": "string_to_array(search_pairs, ' ')",
    "unit_region_pairs_gin": (
        "string_to_array(region_id || '/' || replace(search_pairs, ' ', ' ' || region_id || '/'), "
        "' ')"
    ),
}
NEW = {"unit_tokens_gin": "string_to_array(search_pairs || ' ' || region_id, ' ')"}


def _create(schema_editor, indexes: dict) -> None:
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for name, expression in indexes.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON units_unit USING gin (({expression}))"
        )
    schema_editor.execute("ANALYZE units_unit")  # the expression's statistics


def _drop(schema_editor, indexes: dict) -> None:
    for name in indexes:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _drop(schema_editor, OLD)
    _create(schema_editor, NEW)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _drop(schema_editor, NEW)
    _create(schema_editor, OLD)


class Migration(migrations.Migration):
    dependencies = [("units", "0012_lapsed_duties")]

    operations = [migrations.RunPython(forwards, backwards)]
