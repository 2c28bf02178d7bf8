"""The shipped duty rules (defaults.py, 公安部令第61号)."""

from django.db import migrations

RULES = [
    ("patrol", "public_gathering", 2, "hour", True, "61号令第二十五条"),
    ("patrol", "key_unit", 1, "day", False, "61号令第二十五条"),
    ("inspection", "public_body", 3, "month", False, "61号令第二十六条"),
    ("inspection", "other_body", 1, "month", False, "61号令第二十六条"),
    ("training", "public_gathering", 6, "month", False, "61号令第三十六条"),
    ("training", "key_unit", 12, "month", False, "61号令第三十六条"),
    ("drill", "key_unit", 6, "month", False, "61号令第四十条"),
    ("drill", "all", 12, "month", False, "61号令第四十条"),
]


def seed(apps, schema_editor):
    DutyRule = apps.get_model("obligations", "DutyRule")
    for kind, applies, every, unit, while_open, article in RULES:
        DutyRule.objects.get_or_create(
            kind=kind,
            applies_to=applies,
            region_prefix="",
            defaults={"every": every, "every_unit": unit, "while_open": while_open,
                      "article": article, "verified": True},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("obligations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
