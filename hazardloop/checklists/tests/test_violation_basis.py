"""Violation wordings and the legal bases an official document may cite (regulations.md §12)."""

import datetime as dt
import json
import re

import pytest
from django.utils import translation

from hazardloop.checklists import basis
from hazardloop.checklists.models import ChecklistItem, ChecklistTemplate
from hazardloop.checklists.services import (
    DATA_DIR,
    ChecklistError,
    load_builtin_templates,
    mark_version_used,
)
from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.testing import web_client

RULESETS = DATA_DIR.parent.parent / "hazards" / "data" / "rulesets"
TODAY = dt.date(2026, 12, 4)
FIRE_28 = "《中华人民共和国消防法》第二十八条"
WITH_GB = "《消防法》第二十八条；GB 35181-2017 第7.3.3条"


def _builtin_items():
    for path in sorted(DATA_DIR.glob("*.json")):
        for template in json.loads(path.read_text(encoding="utf-8"))["templates"]:
            for spec in template["items"]:
                yield template["code"], spec


def test_every_builtin_item_states_its_violation_not_its_requirement():
    items = list(_builtin_items())
    assert len(items) > 120
    for template, spec in items:
        label = f"{template}/{spec['code']}"
        assert spec["violation_zh"].strip(), label
        assert spec["violation_en"].strip(), label
        assert not spec["violation_zh"].startswith("不符合要求"), label
        if not spec["code"].startswith(("D6.", "C7.")):
            # The requirement and the violation are different sentences.
            assert spec["violation_zh"] != spec["text_zh"], label


def test_builtin_bases_cite_no_other_province_and_no_supplier_rule():
    for template, spec in _builtin_items():
        label = f"{template}/{spec['code']}"
        assert not basis.out_of_province(spec["legal_basis"]), label
        # Art. 9 of the city-gas standard is the gas supplier's hazard (§12.2).
        assert "城镇燃气经营安全重大隐患判定标准" not in spec["legal_basis"], label
        if spec["basis_status"] == "verified":
            assert basis.item_basis(ChecklistItem(**_fields(spec)), on=dt.date(2025, 1, 1)), label


def test_gb30871_and_the_gongmao_standard_stay_in_their_sectors():
    for path in sorted(DATA_DIR.glob("*.json")):
        for template in json.loads(path.read_text(encoding="utf-8"))["templates"]:
            cited = " ".join(i["legal_basis"] for i in template["items"])
            refs = [r for i in template["items"] for r in i["rule_refs"]]
            if "GB 30871" in cited:
                assert template["sectors"] == ["hazchem"], template["code"]
            if any(r.startswith("gongmao-") for r in refs):
                assert set(template["sectors"]) <= {"industry_trade"}, template["code"]


def test_one_finding_feeds_one_gb35181_element():
    # §7.3.9 (exits, escape doors) and §7.3.10 (external windows) are different elements: an
    # item feeding both would count one finding twice toward a comprehensive determination.
    # Several refs are alternatives only as [a direct element named for some place types, the
    # comprehensive one elsewhere] (§12.1: 6.6 at a hotel, 7.4.4 at a street-level restaurant);
    # hazards.applicability keeps the first that applies at the unit.
    rules = json.loads((RULESETS / "gb35181-2017.json").read_text(encoding="utf-8"))
    for template, spec in _builtin_items():
        fire = [r.split(":")[1] for r in spec["rule_refs"] if r.startswith("gb35181-")]
        where = f"{template}/{spec['code']}: {fire}"
        assert len([e for e in fire if e in rules["comprehensive"]]) <= 1, where
        if len(fire) > 1:
            *direct, last = fire
            assert last in rules["comprehensive"], where
            assert all(e in rules["direct_places"] for e in direct), where


def test_the_corridor_the_exit_and_the_rates_map_to_their_own_elements():
    specs = {(t, s["code"]): s for t, s in _builtin_items()}
    # Goods in an escape route are no GB 35181 element; exits blocked are 7.3.3 (§3.4).
    for key in (("restaurant-gas", "R18A"), ("fire-life-channels", "L01")):
        assert specs[key]["rule_refs"] == []
    for key in (("restaurant-gas", "R18"), ("fire-life-channels", "L02A")):
        assert specs[key]["rule_refs"] == ["gb35181-2017:7.3.3"]
    # A wedged-open door is not 7.3.7; the stairwell doors' damage rate is.
    assert specs[("fire-life-channels", "L06")]["rule_refs"] == []
    # Every GB 35181 element an item cites in its basis is one it feeds (or says why not).
    for (template, code), spec in specs.items():
        cited = set(re.findall(r"GB 35181-2017 第(\d+(?:\.\d+)+)条", spec["legal_basis"]))
        cited |= {
            e
            for pair in re.findall(r"第(\d+(?:\.\d+)+)条、第(\d+(?:\.\d+)+)条", spec["legal_basis"])
            for e in pair
        }
        fed = {r.split(":")[1] for r in spec["rule_refs"] if r.startswith("gb35181-")}
        unfed = cited - fed
        if spec["answer_type"] in ("pass_fail", "number") and unfed:
            assert "类比" in spec["legal_basis"], f"{template}/{code} cites {unfed}, feeds {fed}"


def test_gas_alarm_not_installed_and_disabled_cite_their_own_items():
    specs = {spec["code"]: spec for t, spec in _builtin_items() if t == "restaurant-gas"}
    assert "第九十九条第（八）项" in specs["R01"]["legal_basis"]
    assert "第九十九条第（四）项" in specs["R01A"]["legal_basis"]
    for code in ("R01", "R01A"):
        assert "消防法" not in specs[code]["legal_basis"]


def _fields(spec):
    return {k: v for k, v in spec.items() if k in {f.name for f in ChecklistItem._meta.fields}}


@pytest.mark.parametrize(
    ("text", "status", "on", "expected"),
    [
        (FIRE_28, "verified", TODAY, FIRE_28),
        (WITH_GB, "verified", dt.date(2025, 10, 31), WITH_GB),
        # Superseded by GB 35181-2025 from 2025-11-01.
        (WITH_GB, "verified", TODAY, "《消防法》第二十八条"),
        ("GB 55009-2021（条款待核实）；义乌市“六个严禁”（2023）", "verified", TODAY, ""),
        ("地方餐饮场所燃气安全规定", "verified", TODAY, ""),
        ("《消防法》第六十条第一款第（一）项（器材配置）", "secondary", TODAY, ""),
        ("《中华人民共和国安全生产法》第三十六条第四款", "unverified", TODAY, ""),
    ],
)  # fmt: skip
def test_item_basis_prints_only_verified_in_province_citations(text, status, on, expected):
    item_ = ChecklistItem(code="X1", legal_basis=text, basis_status=status)
    assert basis.item_basis(item_, on=on) == expected


def test_a_marked_basis_stays_uncitable_on_a_hazard():
    marked = basis.marked_basis("《消防法》第六十条第一款第（一）项（器材配置）", "secondary")
    assert marked.endswith(basis.UNVERIFIED_MARK)
    assert basis.official_basis(marked, on=TODAY) == ""
    assert basis.marked_basis("《消防法》第二十八条", "verified") == "《消防法》第二十八条"
    # Only the issuer's own laws: a fire notice does not cite the work-safety law.
    both = "《中华人民共和国安全生产法》第三十六条第四款；《中华人民共和国消防法》第二十八条"
    assert (
        basis.official_basis(both, on=TODAY, laws=("消防法",))
        == "《中华人民共和国消防法》第二十八条"
    )


@pytest.mark.django_db
def test_an_item_that_can_fail_needs_its_violation_wording(cast):
    with translation.override("en"), pytest.raises(ChecklistError) as err:
        make_template(items=[item("A1", violation_zh="")])
    assert any("violation wording" in e for e in err.value.errors)
    # A record-only item never fails: no wording needed.
    make_template(items=[item("A1"), item("A2", "text", violation_zh="")])
    assert ChecklistItem.objects.get(code="A1").finding_title == "测试违法情形A1"


@pytest.mark.django_db
def test_loader_corrects_wordings_and_bases_of_a_used_version_in_place(cast):
    load_builtin_templates()
    template = ChecklistTemplate.objects.get(code="fire-life-channels", region_code="")
    version = template.versions.get()
    mark_version_used(version)
    # As stored before the wordings existed, with an old citation.
    version.items.update(violation_zh="", violation_en="")
    version.items.filter(code="L01").update(legal_basis="《消防法》第二十八条（条款待核实）")
    counts = load_builtin_templates()
    assert counts["created"] == 0
    assert template.versions.count() == 1  # the same questions: no new version
    l01 = version.items.get(code="L01")
    assert l01.violation_zh == "占用、堵塞、封闭疏散通道"
    assert l01.legal_basis == "《中华人民共和国消防法》第二十八条、第六十条第一款第（三）项"
    assert load_builtin_templates()["revised"] == 0


@pytest.mark.django_db
def test_editor_shows_the_violation_and_which_items_a_notice_cannot_cite(cast):
    load_builtin_templates()
    template = ChecklistTemplate.objects.get(code="restaurant-gas", region_code="")
    page = web_client(cast.regulator).get(f"/checklists/{template.pk}/").content.decode()
    assert "外窗上设置了铁栅栏" in page
    # R02's basis is unverified: marked; R18's is verified: not marked.
    assert 'data-testid="not-citable-R02"' in page
    assert 'data-testid="not-citable-R18"' not in page
    assert 'data-testid="not-citable-count"' in page


@pytest.mark.django_db
def test_migration_fills_wordings_and_corrects_copied_bases(cast):
    import importlib

    from django.apps import apps

    fill = importlib.import_module("hazardloop.checklists.migrations.0003_fill_violation_wording")
    old_r19 = "门窗上未设置铁栅栏、防盗网、广告牌等影响逃生和灭火救援的障碍物"
    old_basis = "《消防法》第二十八条、第六十条第一款第（六）项"
    copy = make_template(
        "restaurant-gas",
        region_code="220102",
        items=[
            item("R19", text_zh=old_r19, legal_basis=old_basis),
            item("R03", text_zh="燃气灶具具有熄火保护装置且有效",
                 legal_basis="GB 55009-2021（条款待核实）；义乌市“六个严禁”（2023）"),
            item("X9", text_zh="本地自加的检查项", legal_basis="本地规定"),
        ],
    )  # fmt: skip
    ChecklistItem.objects.filter(version__template=copy).update(violation_zh="", violation_en="")
    fill.forwards(apps, None)
    rows = {i.code: i for i in ChecklistItem.objects.filter(version__template=copy)}
    assert rows["R19"].violation_zh.startswith("门窗上设置了铁栅栏")
    assert rows["R19"].legal_basis.startswith("《中华人民共和国消防法》")
    assert "义乌" not in rows["R03"].legal_basis and rows["R03"].basis_status == "unverified"
    assert rows["X9"].violation_zh == "" and rows["X9"].legal_basis == "本地规定"


def test_every_builtin_citation_was_checked_and_the_result_recorded():
    """Each built-in item records where its citations were checked against regulations.md
    (basis_source) and the result (basis_status): verified only when every citation is [V]."""
    for template, spec in _builtin_items():
        where = f"{template}/{spec['code']}"
        source = spec["basis_source"]
        assert source and "regulations.md" in source, where
        tags = re.findall(r"\[(V|V-2|UNVERIFIED)\]", source)
        assert len(tags) == len(basis.citations(spec["legal_basis"])), where
        expected = (
            "unverified" if "UNVERIFIED" in tags else "secondary" if "V-2" in tags else "verified"
        )
        assert spec["basis_status"] == expected, where


def test_the_check_is_shown_in_the_checklist_editor(cast):
    load_builtin_templates()
    template = ChecklistTemplate.objects.get(code="fire-life-channels", region_code="")
    client = web_client(cast.city_regulator)
    page = client.get(f"/checklists/{template.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="basis-source"' in page and "§3.4（综合判定要素" in page
    assert "gb35181-2017:7.3.6" not in page  # the thresholds name the element, not its code
    assert "regulations.md" not in page  # a file name is no text for users
    assert "High-rise or underground building" in page  # L05's thresholds by building
