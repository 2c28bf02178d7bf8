from django.db import migrations

import hazardloop.units.models


def fill_public_ids_and_derived(apps, schema_editor):
    """Give existing units a unique public code and fill the derived risk and search columns."""
    from hazardloop.units import risk, search
    from hazardloop.units.choices import RISK_RANK

    Unit = apps.get_model("units", "Unit")
    seen = set()
    for unit in Unit.objects.all().iterator():
        code = hazardloop.units.models.new_public_id()
        while code in seen:
            code = hazardloop.units.models.new_public_id()
        seen.add(code)
        result = risk.compute(
            sector_code=unit.sector_id,
            is_fire_key_unit=unit.is_fire_key_unit,
            is_crowded_place=unit.is_crowded_place,
            is_public_gathering=unit.is_public_gathering,
            gas_use=unit.gas_use,
            lpg_stored_kg=unit.lpg_stored_kg,
        )
        unit.public_id = code
        unit.risk_score = result.score
        unit.risk_computed = result.level
        unit.risk_level = result.level
        unit.risk_rank = RISK_RANK[result.level]
        unit.search_text = search.search_text(unit.name, unit.uscc, unit.address)
        unit.save(
            update_fields=[
                "public_id",
                "risk_score",
                "risk_computed",
                "risk_level",
                "risk_rank",
                "search_text",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0002_registry")]

    operations = [
        migrations.RunPython(fill_public_ids_and_derived, migrations.RunPython.noop),
    ]
