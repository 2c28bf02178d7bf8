"""Rule sets carry their edition, and every stored rule reference names it.

"gb35181:7.3.10" becomes "gb35181-2017:7.3.10": the edition of the family's rule set in force on
the hazard's local finding date, or, when none was in force (a finding after 2025-11-01 before
a GB 35181-2025 rule set exists), the last edition before it: the product only ever knew that
edition's numbering, so that is what the reference was written against.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

REF = re.compile(r"^([a-z][a-z0-9_]*):([0-9A-Za-z.]+)$")


def edition_of(code: str, data: dict) -> str:
    if str(data.get("edition") or "").strip():
        return str(data["edition"]).strip()
    match = re.search(r"(\d{4})$", code or "")
    return match.group(1) if match else ""


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("hazards", "RuleSet")
    Hazard = apps.get_model("hazards", "Hazard")
    sets: dict[str, list] = {}
    for row in RuleSet.objects.order_by("valid_from"):
        row.edition = edition_of(row.code, row.data or {})
        row.save(update_fields=["edition"])
        sets.setdefault(row.family, []).append(row)
    zone = ZoneInfo(settings.TIME_ZONE)

    def edition_for(family: str, day: dt.date) -> str:
        rows = [r for r in sets.get(family, []) if r.valid_from <= day]
        in_force = [r for r in rows if r.valid_to is None or r.valid_to >= day]
        chosen = (in_force or rows or sets.get(family, []) or [None])[-1]
        return chosen.edition if chosen is not None else ""

    for hazard in Hazard.objects.exclude(rule_refs=[]).only("pk", "rule_refs", "found_at"):
        day = hazard.found_at.astimezone(zone).date()
        refs, changed = [], False
        for ref in hazard.rule_refs or []:
            match = REF.match(str(ref).strip())
            edition = edition_for(match.group(1), day) if match else ""
            if match and edition:
                refs.append(f"{match.group(1)}-{edition}:{match.group(2)}")
                changed = True
            else:
                refs.append(ref)
        if changed:
            Hazard.objects.filter(pk=hazard.pk).update(rule_refs=refs)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0008_hazard_export")]

    operations = [
        migrations.AddField(
            model_name="ruleset",
            name="edition",
            field=models.CharField(blank=True, max_length=12, verbose_name="edition"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
