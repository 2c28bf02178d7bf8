"""The unit's region code in each search token: primary key (char, next_char, region_code, unit).

A short search within a region subtree (`?q=火锅&region=220100`, or any search by a county
user, whose scope is a subtree) is then one range of the primary key instead of every token of
the pair joined to units and filtered there.

The table is rebuilt set-based: a new table filled by one INSERT … SELECT joining the old
tokens to their units (tokens of deleted units are dropped on the way), the primary key built
after the rows are in (on PostgreSQL), the old table dropped, the new one renamed, the pair
statistics of 0006 made again. On the 700,000-unit benchmark database: see docs/units.md.
"""

from django.db import migrations, models

TABLE = "units_unitsearchtoken"
NEW = "units_unitsearchtoken_new"


def _rebuild(schema_editor, *, with_region: bool) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    key = (
        '"char", "next_char", "region_code", "unit_id"'
        if with_region
        else ('"char", "next_char", "unit_id"')
    )
    region_column = '"region_code" varchar(12) NOT NULL, ' if with_region else ""
    inline_key = "" if pg else f", PRIMARY KEY ({key})"
    run = schema_editor.execute
    if pg:
        run("SET LOCAL work_mem = '256MB'")
        run("SET LOCAL maintenance_work_mem = '512MB'")
    run(
        f'CREATE TABLE {NEW} ("char" varchar(1) NOT NULL, "next_char" varchar(1) NOT NULL, '
        f'{region_column}"unit_id" bigint NOT NULL{inline_key})'
    )
    if with_region:
        run(
            f'INSERT INTO {NEW} ("char", "next_char", "region_code", "unit_id") '  # noqa: S608
            f'SELECT t."char", t."next_char", u."region_id", t."unit_id" FROM {TABLE} t '
            'JOIN "units_unit" u ON u."id" = t."unit_id"'
        )
    else:
        run(
            f'INSERT INTO {NEW} ("char", "next_char", "unit_id") '  # noqa: S608
            f'SELECT DISTINCT "char", "next_char", "unit_id" FROM {TABLE}'
        )
    run(f"DROP TABLE {TABLE}")  # drops the 0006 statistics with it
    run(f"ALTER TABLE {NEW} RENAME TO {TABLE}")
    if pg:
        run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
        run(
            "CREATE STATISTICS IF NOT EXISTS unit_token_pair (mcv, dependencies) "
            f'ON "char", next_char FROM {TABLE}'
        )
        run(f"ANALYZE {TABLE}")


def forwards(apps, schema_editor):
    _rebuild(schema_editor, with_region=True)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, with_region=False)


class Migration(migrations.Migration):
    dependencies = [("units", "0006_token_pair_statistics")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="unitsearchtoken",
                    name="region_code",
                    field=models.CharField(default="", max_length=12),
                    preserve_default=False,
                ),
                migrations.AlterField(
                    model_name="unitsearchtoken",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "char",
                        "next_char",
                        "region_code",
                        "unit",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
