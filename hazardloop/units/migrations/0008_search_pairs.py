"""Short searches move from the token table to a column on the unit: `search_pairs`.

`UnitSearchToken` held one row per character pair per unit (9.5 million rows, 1 GB, for
500,000 units), and an import of 100,000 units spent about half its time adding 1.6 million
rows to its primary key. The unit now carries its distinct characters and pairs of
neighbouring characters in one text column (search.pairs), and on PostgreSQL two GIN indexes
serve them: one on the tokens, one on the tokens prefixed with the unit's region code (a short
search inside a region reads only that region's matches). New GIN entries go to the index's
pending list and are merged in bulk, which is what an import needs. On SQLite the column is
searched by a scan, as the long queries are.

Reversing recreates an empty token table (the old code's `rebuild_unit_tokens` filled it).
"""

from django.db import migrations, models

from hazardloop.units import search

CHUNK = 5000

INDEXES = {
    "unit_pairs_gin": "string_to_array(search_pairs, ' ')",
    "unit_region_pairs_gin": (
        "string_to_array(region_id || '/' || replace(search_pairs, ' ', ' ' || region_id || '/'), "
        "' ')"
    ),
}


def fill_pairs(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    pg = schema_editor.connection.vendor == "postgresql"
    last = 0
    while True:
        batch = list(
            Unit.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "name", "address")[:CHUNK]
        )
        if not batch:
            break
        last = batch[-1][0]
        values = [(pk, search.pairs(name, address)) for pk, name, address in batch]
        if pg:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE units_unit AS u SET search_pairs = v.pairs FROM "
                    "unnest(%s::bigint[], %s::text[]) AS v(id, pairs) WHERE u.id = v.id",
                    [[pk for pk, _p in values], [p for _pk, p in values]],
                )
        else:
            Unit.objects.bulk_update(
                [Unit(pk=pk, search_pairs=p) for pk, p in values], ["search_pairs"], batch_size=500
            )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON units_unit USING gin (({expression}))"
        )
    schema_editor.execute("ANALYZE units_unit")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("units", "0007_token_region_code")]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="search_pairs",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_pairs, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.DeleteModel(name="UnitSearchToken"),
    ]
