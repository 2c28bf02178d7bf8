"""The (region, id) index carries the name (INCLUDE, PostgreSQL; elsewhere the plain index).

A short search within a region sorted by name (`?q=火锅&region=220100`: 13,000 matching
tokens in Changchun) reads each match's name from this index instead of the unit's table row:
the list fetches the page's ids in this index-only step, then the 50 rows (views.page_units).
Built before the old index is dropped, so scoped id-ordered reads always have one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("units", "0007_token_region_code")]

    operations = [
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(
                fields=["region", "id"], include=["name"], name="unit_region_id_name"
            ),
        ),
        migrations.RemoveIndex(model_name="unit", name="unit_region_id"),
    ]
