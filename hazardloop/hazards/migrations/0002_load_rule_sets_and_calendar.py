from django.db import migrations


def load(apps, schema_editor):
    from hazardloop.hazards.loading import load_shipped

    load_shipped(apps.get_model("hazards", "RuleSet"), apps.get_model("hazards", "HolidayYear"))


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
