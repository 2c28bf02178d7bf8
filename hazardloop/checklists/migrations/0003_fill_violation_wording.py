"""Violation wordings and corrected legal bases onto the checklist items already stored.

Built-in templates are (re)loaded by `load_checklists`, which corrects these annotations in
place when a version asks the same questions; this migration does it at once for every stored
version, including regional copies: an item gets the built-in wording when its template code,
item code and question match the data, and the corrected basis when it still carries the old
built-in one (regulations.md §12.2). Version 1 of "restaurant-gas" asked one question for the
gas alarm (installed and kept working), and one for doors and windows (R19, as did L04 of
"fire-life-channels"); they get a wording covering both.
"""

import json
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# The built-in bases replaced on 2026-12-04: a copy still carrying one gets the correction.
OLD_BASES = {
    "restaurant-gas/R01": "《安全生产法》（2021）第三十六条第四款；第九十九条第（八）项",
    "restaurant-gas/R03": "GB 55009-2021（条款待核实）；义乌市“六个严禁”（2023）",
    "restaurant-gas/R09": "《城镇燃气经营安全重大隐患判定标准》（2023）第九条第（四）项；《城镇燃气管理条例》第二十七条",
    "restaurant-gas/R10": "GB 55009-2021 第2.2.7条；《城镇燃气经营安全重大隐患判定标准》（2023）第九条第（一）项",
    "restaurant-gas/R16": "《消防法》第六十条第一款第（一）项",
    "restaurant-gas/R18": "《消防法》第二十八条、第六十条第一款第（三）项",
    "restaurant-gas/R19": "《消防法》第二十八条、第六十条第一款第（六）项",
    "restaurant-gas/R20": "《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）第二十五条",
    "alcohol-biomass-fuel/F01": "地方禁令示例：温州市瓯海区2022年10月12日通告（自2022年11月1日起执行）",
    "alcohol-biomass-fuel/F02": "地方醇基燃料整治通告（待核实）",
    "alcohol-biomass-fuel/F08": "《消防法》第二十八条",
    "fire-life-channels/L01": "《消防法》第二十八条、第六十条第一款第（三）项",
    "fire-life-channels/L02": "《消防法》第二十八条；GB 35181-2017 第6.5条、第7.3.3条",
    "fire-life-channels/L03": "《消防法》第二十八条、第六十条第一款第（五）项；GB 35181-2017 第7.1.1条",
    "fire-life-channels/L04": "《消防法》第二十八条、第六十条第一款第（六）项",
    "fire-life-channels/L08": "《消防法》第二十八条、第六十条第一款第（四）项",
    "hot-work-site/H12": "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第三条第（二）项",
    "starter-transport/T01": "《消防法》第二十八条、第七十三条",
    "starter-transport/T05": "《消防法》第六十条第一款第（一）项",
    "starter-hazchem/C05": "《安全生产法》（2021）第三十六条",
    "starter-construction/B01": "地方规定（待核实）",
    "starter-construction/B03": "《消防法》第二十八条",
    "starter-industry-trade/G01": "应急管理部令第10号第三条第（一）项",
    "starter-industry-trade/G02": "应急管理部令第10号第三条第（二）项",
    "starter-industry-trade/G03": "应急管理部令第10号第十一条第（一）项",
    "starter-industry-trade/G04": "应急管理部令第10号第十一条第（三）项",
    "starter-industry-trade/G05": "应急管理部令第10号第十四条",
}
LEGACY = {
    # One item each for doors and windows until 2026-12-04 (then split: GB 35181 §7.3.9 and
    # §7.3.10 are different elements, regulations.md §12.1).
    ("restaurant-gas", "R19", "门窗上未设置铁栅栏、防盗网、广告牌等影响逃生和灭火救援的障碍物"): {
        "violation_zh": "门窗上设置了铁栅栏、防盗网、广告牌等影响逃生和灭火救援的障碍物",
        "violation_en": "Iron bars, security grilles, billboards or other obstacles to escape and "
        "rescue are fitted on doors or windows",
        "legal_basis": "《中华人民共和国消防法》第二十八条、第六十条第一款第（六）项",
        "basis_status": "verified",
    },
    ("fire-life-channels", "L04", "人员密集场所的门窗上未设置影响逃生和灭火救援的障碍物"): {
        "violation_zh": "人员密集场所在门窗上设置影响逃生和灭火救援的障碍物",
        "violation_en": "Obstacles to escape and rescue are fitted on the doors or windows of a "
        "crowded place",
        "legal_basis": "《中华人民共和国消防法》第二十八条、第六十条第一款第（六）项",
        "basis_status": "verified",
    },
    ("restaurant-gas", "R01", "使用燃气的厨房安装了可燃气体报警装置，并保持正常使用"): {
        "violation_zh": "使用燃气的厨房未安装可燃气体报警装置，或者未保障其正常使用",
        "violation_en": "Gas is used in the kitchen without a working combustible gas alarm",
        "legal_basis": "《中华人民共和国安全生产法》第三十六条第四款",
        "basis_status": "verified",
    },
}


def _specs():
    out = dict(LEGACY)
    for path in sorted(DATA_DIR.glob("*.json")):
        for template in json.loads(path.read_text(encoding="utf-8"))["templates"]:
            for item in template["items"]:
                out[(template["code"], item["code"], item["text_zh"])] = item
    return out


def forwards(apps, schema_editor):
    item_model = apps.get_model("checklists", "ChecklistItem")
    specs = _specs()
    codes = {key[0] for key in specs}
    rows = item_model.objects.filter(version__template__code__in=codes).select_related(
        "version__template"
    )
    changed = []
    for row in rows:
        template = row.version.template
        spec = specs.get((template.code, row.code, row.text_zh))
        if spec is None:
            continue
        if not row.violation_zh:
            row.violation_zh = spec["violation_zh"]
            row.violation_en = row.violation_en or spec.get("violation_en", "")
        old = OLD_BASES.get(f"{template.code}/{row.code}")
        if template.region_code == "" or (old is not None and row.legal_basis == old):
            row.legal_basis = spec["legal_basis"]
            row.basis_status = spec["basis_status"]
        changed.append(row)
    item_model.objects.bulk_update(
        changed, ["violation_zh", "violation_en", "legal_basis", "basis_status"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [("checklists", "0002_item_violation_wording")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
