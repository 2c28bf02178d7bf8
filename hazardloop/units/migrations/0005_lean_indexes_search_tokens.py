"""Fewer indexes on units (each insert pays for every one) and the short-search token table.

Dropped: the single-column indexes of the region and sector foreign keys (the composite
indexes lead with them; region filters are ranges on region_id), the LIKE-pattern copies of
the uscc and public_id unique indexes (now plain unique constraints), the override-by index
(now partial). Added: UnitSearchToken (search.py), filled from the stored search text; on
PostgreSQL with one INSERT … SELECT.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import hazardloop.units.models


def fill_tokens(apps, schema_editor):
    """Tokens of the name (first part of search_text) and the address (third part)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL work_mem = '256MB'")
        schema_editor.execute(
            'INSERT INTO units_unitsearchtoken ("char", next_char, unit_id) '
            "SELECT DISTINCT substr(p.part, i, 1), substr(p.part, i + 1, 1), p.id FROM ("
            "  SELECT id, split_part(search_text, ' ', 1) AS part FROM units_unit"
            "  UNION ALL SELECT id, split_part(search_text, ' ', 3) FROM units_unit"
            ") p, generate_series(1, length(p.part)) AS i"
        )
        return
    Unit = apps.get_model("units", "Unit")
    Token = apps.get_model("units", "UnitSearchToken")
    rows = set()
    for pk, text in Unit.objects.values_list("pk", "search_text").iterator():
        parts = text.split(" ")
        for part in (parts[0], parts[2] if len(parts) > 2 else ""):
            rows.update((part[i], part[i + 1 : i + 2], pk) for i in range(len(part)))
    Token.objects.bulk_create(
        [Token(char=a, next_char=b, unit_id=u) for a, b, u in rows], batch_size=300
    )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_load_jilin"),
        ("units", "0004_public_id_unique_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitSearchToken",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "char",
                        "next_char",
                        "unit",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("char", models.CharField(max_length=1)),
                ("next_char", models.CharField(blank=True, max_length=1)),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "unit search token",
                "verbose_name_plural": "unit search tokens",
            },
        ),
        migrations.AlterField(
            model_name="unit",
            name="public_id",
            field=models.CharField(
                default=hazardloop.units.models.new_public_id,
                max_length=12,
                verbose_name="public code",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="regions.region",
                verbose_name="region",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="risk_override_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="overridden by",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="sector",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="regions.sector",
                verbose_name="sector",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="uscc",
            field=models.CharField(max_length=18, verbose_name="unified social credit code"),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(
                condition=models.Q(("risk_override_by__isnull", False)),
                fields=["risk_override_by"],
                name="unit_override_by",
            ),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(fields=("uscc",), name="unit_uscc_unique"),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(fields=("public_id",), name="unit_public_id_unique"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
    ]
