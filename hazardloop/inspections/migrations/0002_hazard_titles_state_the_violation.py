"""Hazards raised from inspections: title and description state the violation found.

Until 2026-12-04 such a hazard was titled "不符合要求：" + the item's requirement ("门窗上未设置
铁栅栏…"), its description opened with the requirement, and it carried the item's legal basis
unmarked. Each hazard still titled so, whose item (found through `source_ref`
"inspection:<pk>/item:<code>…" and the inspection's checklist version) now has a violation
wording, gets that wording as its title and first description line; the basis of an item whose
source is not verified gets the "（来源未核实）" mark, so that no notice cites it
(checklists.basis). Hazards renamed by hand are left alone.
"""

import re

from django.db import migrations

REF = re.compile(r"^inspection:(\d+)/item:([^/]+)")
OLD_PREFIX = "不符合要求："
MARK = "（来源未核实）"
NOT_CITABLE = ("待核实", "未核实", "转引", "未取得", "类比", "UNVERIFIED", "地方", "行业规定")


def _marked(basis: str, status: str) -> str:
    if status == "verified":
        return basis
    parts = [p.strip() for p in re.split(r"[；;]", basis or "") if p.strip()]
    return "；".join(p if any(w in p for w in NOT_CITABLE) else p + MARK for p in parts)


def forwards(apps, schema_editor):
    hazard_model = apps.get_model("hazards", "Hazard")
    inspection_model = apps.get_model("inspections", "Inspection")
    item_model = apps.get_model("checklists", "ChecklistItem")
    rows = list(
        hazard_model.objects.filter(
            source_ref__startswith="inspection:", title__startswith=OLD_PREFIX
        ).only("id", "source_ref", "title", "description", "legal_basis")
    )
    refs = {h.pk: REF.match(h.source_ref) for h in rows}
    inspection_ids = {int(m.group(1)) for m in refs.values() if m}
    versions = dict(
        inspection_model.objects.filter(pk__in=inspection_ids).values_list(
            "pk", "template_version_id"
        )
    )
    items = {
        (i.version_id, i.code): i
        for i in item_model.objects.filter(version_id__in=set(versions.values()))
    }
    changed = []
    for hazard in rows:
        match = refs[hazard.pk]
        if not match:
            continue
        item = items.get((versions.get(int(match.group(1))), match.group(2)))
        if item is None or not item.violation_zh.strip():
            continue
        violation = item.violation_zh.strip()[:200]
        lines = (hazard.description or "").split("\n")
        if lines and lines[0].strip() == item.text_zh.strip():
            lines[0] = violation
        hazard.title = violation
        hazard.description = "\n".join(lines)
        hazard.legal_basis = _marked(item.legal_basis, item.basis_status)[:400]
        changed.append(hazard)
    hazard_model.objects.bulk_update(
        changed, ["title", "description", "legal_basis"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("hazards", "0005_open_found_due_index"),
        ("checklists", "0003_fill_violation_wording"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
