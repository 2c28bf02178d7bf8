from django.db import migrations


def load(apps, schema_editor):
    from hazardloop.regions.loading import DATA, SECTORS, read_rows, upsert_regions

    Region = apps.get_model("regions", "Region")
    Sector = apps.get_model("regions", "Sector")
    upsert_regions(Region, read_rows(DATA / "jilin-regions.csv"))
    for sort, (code, zh, en) in enumerate(SECTORS):
        Sector.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "sort": sort}
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
