import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from hazardloop.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from hazardloop.checklists.services import (
    ChecklistError,
    copy_template,
    item_dicts,
    load_builtin_templates,
    mark_version_used,
    save_items,
)
from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.checklists.xlsx import export_version, parse_workbook
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db


def test_unused_version_is_edited_in_place_used_one_makes_a_new_version(cast):
    template = make_template(actor=cast.admin)
    v1 = template.versions.get()
    items = item_dicts(v1)
    items[0]["text_zh"] = "改过的文字"
    same = save_items(template, items, actor=cast.admin)
    assert same.pk == v1.pk and same.number == 1
    assert ChecklistItem.objects.get(version=v1, code="A1").text_zh == "改过的文字"

    mark_version_used(v1)
    items[0]["text_zh"] = "第二版文字"
    v2 = save_items(template, items, actor=cast.admin, note="second")
    assert v2.number == 2 and v2.is_current
    v1.refresh_from_db()
    assert not v1.is_current and v1.is_locked
    # the used version is untouched
    assert ChecklistItem.objects.get(version=v1, code="A1").text_zh == "改过的文字"
    assert ChecklistItem.objects.get(version=v2, code="A1").text_zh == "第二版文字"
    # saving the same items again changes nothing
    assert save_items(template, items, actor=cast.admin).pk == v2.pk
    assert template.versions.count() == 2


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ({"answer_type": "essay"}, "essay"),
        ({"answer_type": "number", "number_min": None, "number_max": None}, "number"),
        ({"answer_type": "number", "number_min": 5, "number_max": 1}, "lowest"),
        ({"rule_refs": ["GB 35181 7.3"]}, "GB 35181 7.3"),
        ({"text_zh": ""}, "A1"),
        ({"default_grade": "catastrophic"}, "catastrophic"),
    ],
)
def test_bad_items_are_refused_with_the_item_named(cast, bad, fragment):
    with translation.override("en"), pytest.raises(ChecklistError) as err:
        make_template(items=[item("A1", **bad)])
    assert any(fragment in e for e in err.value.errors)
    assert not ChecklistTemplate.objects.exists()


def test_duplicate_codes_are_refused(cast):
    with pytest.raises(ChecklistError):
        make_template(items=[item("A1"), item("A1")])


def test_builtin_templates_load_idempotently_and_cover_the_topics(cast):
    counts = load_builtin_templates()
    assert counts["created"] >= 13
    again = load_builtin_templates()
    assert again["created"] == 0 and again["revised"] == 0
    restaurant = ChecklistTemplate.objects.get(code="restaurant-gas", region_code="")
    version = restaurant.versions.get(is_current=True)
    codes = {i.code: i for i in version.items.all()}
    # LPG in a basement is the restaurant's own breach (GB 55009 §2.2.7, GB 35181 §6.8); the
    # city-gas standard's Art. 9 is the gas supplier's hazard (regulations.md §12.2).
    assert codes["R10"].rule_refs == ["gb35181-2017:6.8"] and codes["R10"].default_grade == "major"
    assert not any(r.startswith("city_gas") for i in codes.values() for r in i.rule_refs)
    assert codes["R04"].answer_type == "number" and codes["R04"].number_max == 2
    assert {i.answer_type for i in codes.values()} == {"pass_fail", "number", "text", "photo"}
    assert all(i.legal_basis for i in codes.values())
    gb = ChecklistTemplate.objects.get(code="gb35181-2017-elements")
    refs = {r for i in gb.versions.get().items.all() for r in i.rule_refs}
    assert {"gb35181-2017:6.1", "gb35181-2017:6.10", "gb35181-2017:7.3.7"} <= refs
    for code in ("alcohol-biomass-fuel", "fire-life-channels", "hot-work-site", "fire-patrol-61",
                 "flammable-materials", "starter-transport", "starter-hazchem", "starter-mining",
                 "starter-construction", "starter-flood"):  # fmt: skip
        assert ChecklistTemplate.objects.filter(code=code).exists(), code


def test_builtin_rule_refs_name_elements_of_the_hazard_rule_sets(cast):
    import json
    from pathlib import Path

    rulesets = Path(__file__).resolve().parents[2] / "hazards" / "data" / "rulesets"
    known = set()
    for path in rulesets.glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for element in [*doc.get("direct", {}), *doc.get("comprehensive", {})]:
            known.add(f"{doc['family']}-{doc['edition']}:{element}")
    data = Path(__file__).resolve().parents[1] / "data"
    unknown = set()
    for path in data.glob("*.json"):
        for template in json.loads(path.read_text(encoding="utf-8"))["templates"]:
            for row in template["items"]:
                unknown |= set(row["rule_refs"]) - known
    assert not unknown, f"rule references the hazard rule sets do not know: {sorted(unknown)}"


def test_copy_for_a_region_and_edit_it(cast):
    builtin = make_template("base", is_builtin=True)
    copy = copy_template(builtin, actor=cast.regulator, region_code="220102")
    assert copy.based_on == builtin and copy.region_code == "220102"
    assert item_dicts(copy.versions.get()) == item_dicts(builtin.versions.get())
    with pytest.raises(ChecklistError):
        copy_template(builtin, actor=cast.regulator, region_code="220102")
    client = web_client(cast.regulator)
    response = client.post(
        f"/checklists/{copy.pk}/items/A2/",
        {
            "section_zh": "分区",
            "text_zh": "软管长度（米）",
            "violation_zh": "软管长度超过1.5米",
            "legal_basis": "本地规定",
            "basis_status": "secondary",
            "category": "gas",
            "default_grade": "general",
            "answer_type": "number",
            "number_max": "1.5",
            "rule_refs": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    edited = ChecklistItem.objects.get(version__template=copy, version__is_current=True, code="A2")
    assert float(edited.number_max) == 1.5
    # the built-in is untouched
    assert ChecklistItem.objects.get(version__template=builtin, code="A2").number_max == 2


def test_xlsx_round_trip_and_import(cast):
    template = make_template("xl", region_code="220102")
    version = template.versions.get()
    data = export_version(version)
    meta, items = parse_workbook(data)
    assert meta["code"] == "xl"
    assert len(items) == 5
    mark_version_used(version)
    book = load_workbook(io.BytesIO(data))
    book["items"]["D2"] = "导入后修改的检查项"
    out = io.BytesIO()
    book.save(out)
    client = web_client(cast.regulator)
    response = client.post(
        f"/checklists/{template.pk}/import/",
        {"file": SimpleUploadedFile("x.xlsx", out.getvalue())},
    )
    assert response.status_code == 302
    current = template.versions.get(is_current=True)
    assert current.number == 2
    assert current.items.get(code="A1").text_zh == "导入后修改的检查项"


def test_bad_workbook_changes_nothing(cast):
    template = make_template("xl2", region_code="220102")
    client = web_client(cast.regulator)
    response = client.post(
        f"/checklists/{template.pk}/import/",
        {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
        follow=True,
    )
    assert response.status_code == 200
    assert ChecklistVersion.objects.filter(template=template).count() == 1
    book = load_workbook(io.BytesIO(export_version(template.versions.get())))
    book["items"]["M2"] = "sometimes"  # answer_type of A1
    out = io.BytesIO()
    book.save(out)
    client.post(
        f"/checklists/{template.pk}/import/", {"file": SimpleUploadedFile("x.xlsx", out.getvalue())}
    )
    assert template.versions.get().items.get(code="A1").answer_type == "pass_fail"


def test_api_serves_items_for_the_phone_form(cast, django_assert_max_num_queries):
    load_builtin_templates()
    client = api_client(cast.inspector)
    with django_assert_max_num_queries(12):
        listing = client.get("/api/v1/checklists?sector=catering").json()
    codes = [t["code"] for t in listing["items"]]
    assert "restaurant-gas" in codes and "starter-mining" not in codes
    restaurant = next(t for t in listing["items"] if t["code"] == "restaurant-gas")
    detail = client.get(f"/api/v1/checklists/{restaurant['id']}").json()
    assert detail["number"] == 1 and len(detail["items"]) == 28
    assert detail["items"][0]["violation_zh"] == "使用燃气的厨房未安装可燃气体报警装置"
    assert detail["items"][0]["guidance_zh"]


def test_list_page_query_budget(cast, django_assert_max_num_queries):
    load_builtin_templates()
    client = web_client(cast.regulator)
    # 16: with the menu's counts (to-do once a minute per person: hazards, extensions,
    # accident reports, accountability proposals; unread messages)
    with django_assert_max_num_queries(16):
        response = client.get("/checklists/")
    assert "restaurant-gas" in response.content.decode()


def test_xlsx_export_writes_hostile_text_as_text(cast):
    import zipfile

    template = make_template(
        "xl-hostile",
        region_code="220102",
        items=[item("H1", text_zh='=HYPERLINK("http://evil.example","检查")', text_en="+1+1")],
    )
    data = export_version(template.versions.get())
    package = zipfile.ZipFile(io.BytesIO(data))
    assert not any(
        "<f>" in package.read(n).decode() for n in package.namelist() if "worksheets" in n
    )
    _meta, items = parse_workbook(data)
    assert items[0]["text_zh"] == '=HYPERLINK("http://evil.example","检查")'
