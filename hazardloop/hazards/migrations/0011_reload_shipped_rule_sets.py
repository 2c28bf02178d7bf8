"""Bring the shipped rule sets up to date in databases created before this release.

Migration 0002 loaded the rule-set files only once. This release changed them (place types and
sector applicability of GB 35181-2017, 工贸 and city gas) and added three sector standards,
marked unverified. A rule set nobody has edited in the product is replaced by its shipped file
(as a new version, noted); one the province has edited is left as it is: the province decides.
"""

import datetime as dt
import json
import re
from pathlib import Path

from django.db import migrations

RULESET_DIR = Path(__file__).resolve().parents[1] / "data" / "rulesets"
NOTE = "shipped rule set updated on upgrade"


def _edition(code: str, data: dict) -> str:
    if str(data.get("edition") or "").strip():
        return str(data["edition"]).strip()
    match = re.search(r"(\d{4})$", code or "")
    return match.group(1) if match else ""


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("hazards", "RuleSet")
    RuleSetVersion = apps.get_model("hazards", "RuleSetVersion")
    now = dt.datetime.now(dt.UTC)
    for path in sorted(RULESET_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        fields = {
            "family": str(document["family"]).lower(),
            "edition": _edition(document["code"], document),
            "title": document["title"],
            "valid_from": dt.date.fromisoformat(document["valid_from"]),
            "valid_to": (
                dt.date.fromisoformat(document["valid_to"]) if document.get("valid_to") else None
            ),
            "data": document,
        }
        row = RuleSet.objects.filter(code=document["code"]).first()
        if row is None:
            row = RuleSet.objects.create(code=document["code"], **fields)
        elif (
            row.data == document
            or RuleSetVersion.objects.filter(rule_set=row, saved_by__isnull=False).exists()
        ):
            continue
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
        last = RuleSetVersion.objects.filter(rule_set=row).order_by("-number").first()
        number = (last.number if last else 0) + 1
        RuleSet.objects.filter(pk=row.pk).update(version=number)
        RuleSetVersion.objects.create(
            rule_set=row,
            number=number,
            data=document,
            note=NOTE,
            saved_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0010_grading_determinations_and_scoped_exclusions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
