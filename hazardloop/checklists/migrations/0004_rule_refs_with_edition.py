"""Every checklist item's rule references name their edition: "gb35181:7.3.10" becomes
"gb35181-2017:7.3.10" (the built-in and regional items were all written against GB 35181-2017,
the city-gas standard of 2023 and 工贸 10号令 of 2023). A version whose stored content hash
matched its items is given the hash of the rewritten items, so reloading the built-in
checklists does not make a new version for the rewrite alone.
"""

import re

from django.db import migrations

EDITIONS = {"gb35181": "2017", "city_gas": "2023", "gongmao": "2023"}
REF = re.compile(r"^([a-z][a-z0-9_]*):([0-9A-Za-z.]+)$")


def _rewrite(refs):
    out = []
    for ref in refs or []:
        match = REF.match(str(ref).strip())
        if match and match.group(1) in EDITIONS:
            out.append(f"{match.group(1)}-{EDITIONS[match.group(1)]}:{match.group(2)}")
        else:
            out.append(ref)
    return out


def forwards(apps, schema_editor):
    from hazardloop.checklists.services import ITEM_FIELDS, ChecklistError, _hash, clean_items

    Version = apps.get_model("checklists", "ChecklistVersion")
    Item = apps.get_model("checklists", "ChecklistItem")
    for version in Version.objects.all():
        items = list(Item.objects.filter(version=version).order_by("sort", "id"))
        if not any(_rewrite(i.rule_refs) != (i.rule_refs or []) for i in items):
            continue

        def digest(rows, refs_of):
            dicts = [
                {n: (refs_of(r) if n == "rule_refs" else getattr(r, n)) for n in ITEM_FIELDS}
                for r in rows
            ]
            try:
                return _hash(clean_items(dicts, require_violation=False))
            except ChecklistError:
                return None

        before = digest(items, lambda r: r.rule_refs)
        after = digest(items, lambda r: _rewrite(r.rule_refs))
        for item in items:
            item.rule_refs = _rewrite(item.rule_refs)
        Item.objects.bulk_update(items, ["rule_refs"])
        if before is not None and after is not None and version.content_hash == before:
            Version.objects.filter(pk=version.pk).update(content_hash=after)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0003_fill_violation_wording")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
