"""The importer against what real spreadsheets contain: one small generated file per feature."""

import pytest

from hazardloop.audit.models import AuditEvent
from hazardloop.units.importing.run import import_units
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import HEADER, code, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


def run(cast, fh, commit=True, user=None):
    return import_units(fh, fh.name, user=user or cast.regulator, commit=commit)


def test_title_rows_merged_above_the_header(cast):
    c = code()
    fh = xlsx_file(
        [
            ["南关区餐饮单位台账（2022年9月）", None, None, None],
            ["填报单位：南关区应急管理局", None, None, None],
            [],
            HEADER,
            ["老长春饺子馆", c, "南关区", "餐饮", "南关区人民大街1号", "瓶装液化石油气", 3],
        ],
        merge="A1:G1",
    )
    result = run(cast, fh)
    assert result.errors == []
    assert result.created == 1
    unit = Unit.objects.get(uscc=c)
    assert unit.gas_use == "bottled_lpg" and unit.lpg_cylinders == 3
    # supervised by default by the county's fire service (the cast's only departments)
    assert [d.kind for d in unit.supervising_departments.all()] == ["fire"]


def test_full_width_characters_and_spaces(cast):
    c = code()
    full = "".join(chr(ord(ch) + 0xFEE0) if ch.isalnum() and ch.isascii() else ch for ch in c)
    fh = xlsx_file(
        [
            ["　单位 名称　", " 统一社会信用代码（18位）* ", "所属区域", "行　业", "液化气钢瓶数"],
            ["　春城饭店　", f" {full[:6]} {full[6:]} ", "　２２０１０２　", "餐饮", "１２"],
        ]
    )
    result = run(cast, fh)
    assert result.errors == []
    unit = Unit.objects.get(uscc=c)
    assert unit.name == "春城饭店"
    assert unit.lpg_cylinders == 12 and unit.gas_use == "bottled_lpg"


def test_trailing_blank_rows_and_columns(cast):
    c = code()
    fh = xlsx_file(
        [
            [*HEADER[:4], None, None, None],
            ["冷面馆", c, "南关区", "餐饮", None, None, None],
            [None] * 7,
            ["", "  ", None, "", None, None, None],
            [None] * 7,
        ]
    )
    result = run(cast, fh)
    assert (result.rows, result.created, result.errors) == (1, 1, [])


@pytest.mark.parametrize(
    "region", ["南关区", "长春市南关区", "吉林省长春市南关区", "220102", 220102]
)
def test_region_by_name_or_code(cast, region):
    c = code()
    result = run(cast, xlsx_file([HEADER[:4], ["烤肉店", c, region, "餐饮"]]))
    assert result.errors == []
    assert Unit.objects.get(uscc=c).region_id == "220102"


def test_region_that_is_a_prefecture_is_refused(cast):
    result = run(cast, xlsx_file([HEADER[:4], ["烤肉店", code(), "长春市", "餐饮"]]))
    assert result.error_count == 1
    assert result.errors[0]["column"] == "所属区域"
    assert "长春市" in result.errors[0]["message"]


def test_csv_in_gb18030(cast):
    c = code()
    fh = csv_file([HEADER[:4], ["朝鲜族冷面馆", c, "南关区", "餐饮"]], encoding="gb18030")
    result = run(cast, fh)
    assert result.errors == []
    assert Unit.objects.get(uscc=c).name == "朝鲜族冷面馆"


def test_csv_in_utf8_with_bom(cast):
    c = code()
    fh = csv_file([HEADER[:4], ["砂锅居", c, "南关区", "餐饮"]], encoding="utf-8-sig")
    result = run(cast, fh)
    assert result.errors == []
    assert Unit.objects.filter(uscc=c, name="砂锅居").exists()


def test_english_headers(cast):
    c = code()
    fh = csv_file(
        [
            ["Name", "USCC", "Region", "Sector", "Gas use", "LPG stored (kg)", "Fire key unit"],
            ["Hotel Spring", c, "Nanguan District", "Hotels and lodging", "pipeline", "", "yes"],
        ]
    )
    result = run(cast, fh)
    assert result.errors == []
    unit = Unit.objects.get(uscc=c)
    assert (unit.sector_id, unit.gas_use, unit.is_fire_key_unit) == ("lodging", "pipeline", True)


def test_every_problem_row_is_reported_with_its_column(cast):
    fh = xlsx_file(
        [
            ["台账"],
            [*HEADER, "主要负责人电话"],
            ["好饭店", code(), "南关区", "餐饮", "", "", "", "13812345678"],
            ["坏代码", "91220102MA00000000", "南关区", "餐饮", "", "", "", ""],
            ["", code(), "火星区", "餐饮", "", "煤炭", "", "1234"],
        ]
    )
    result = run(cast, fh, commit=False)
    found = {(e["row"], e["column"]) for e in result.errors}
    assert (4, "统一社会信用代码") in found
    assert {(5, "单位名称"), (5, "所属区域"), (5, "用气类型"), (5, "主要负责人电话")} <= found
    check = next(e for e in result.errors if e["row"] == 4)
    assert "check character" in check["message"] or "校验" in check["message"]
    assert Unit.objects.filter(name="好饭店").count() == 0  # a dry run writes nothing


def test_an_error_in_the_last_row_imports_nothing(cast):
    rows = [HEADER[:4]] + [[f"饭店{i}", code(), "南关区", "餐饮"] for i in range(30)]
    rows.append(["最后一家", "not-a-code", "南关区", "餐饮"])
    before = Unit.objects.count()
    events = AuditEvent.objects.filter(action="unit.imported").count()
    result = run(cast, xlsx_file(rows), commit=True)
    assert not result.committed
    assert [e["row"] for e in result.errors] == [32]
    assert Unit.objects.count() == before
    assert AuditEvent.objects.filter(action="unit.imported").count() == events


def test_reimport_updates_by_uscc(cast):
    c = code()
    first = run(cast, xlsx_file([HEADER[:5], ["旧名字", c, "南关区", "餐饮", "旧地址"]]))
    assert first.created == 1
    again = run(cast, xlsx_file([HEADER[:5], ["新名字", c, "南关区", "餐饮", ""]]))
    assert (again.created, again.updated) == (0, 1)
    unit = Unit.objects.get(uscc=c)
    assert unit.name == "新名字"
    assert unit.address == "旧地址"  # a blank cell keeps the value
    same = run(cast, xlsx_file([HEADER[:5], ["新名字", c, "南关区", "餐饮", ""]]))
    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    assert Unit.objects.filter(uscc=c).count() == 1


def test_rows_outside_the_jurisdiction_are_refused(cast):
    fh = xlsx_file(
        [
            HEADER[:4],
            ["宽城新店", code("220103"), "宽城区", "餐饮"],
            ["南关的店", cast.unit.uscc, "南关区", "餐饮"],
        ]
    )
    result = run(cast, fh, user=cast.neighbour_regulator)
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "统一社会信用代码")]
    assert "outside" in result.errors[0]["message"] or "辖区" in result.errors[0]["message"]
    # and the Nanguan regulator may not import into Kuancheng
    result = run(cast, xlsx_file([HEADER[:4], ["宽城新店", code("220103"), "宽城区", "餐饮"]]))
    assert result.errors[0]["column"] == "所属区域"


def test_the_same_code_twice_in_one_file(cast):
    c = code()
    result = run(
        cast, xlsx_file([HEADER[:4], ["甲", c, "南关区", "餐饮"], ["乙", c, "南关区", "餐饮"]])
    )
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "统一社会信用代码")]
    assert not Unit.objects.filter(uscc=c).exists()


def test_a_file_without_a_header_row(cast):
    result = run(cast, xlsx_file([["a", "b"], ["c", "d"]]))
    assert result.error_count == 1 and "单位名称" in result.errors[0]["message"]


def test_old_xls_is_refused_with_a_reason(cast):
    fh = csv_file([["x"]], name="units.xls")
    result = run(cast, fh)
    assert ".xlsx" in result.errors[0]["message"]


def test_numbers_as_excel_stores_them(cast):
    c = code()
    fh = xlsx_file(
        [
            [
                "单位名称",
                "统一社会信用代码",
                "所属区域",
                "行业",
                "建筑面积",
                "层数",
                "负责人电话",
                "消防安全重点单位",
            ],
            ["大酒店", c, 220102.0, "住宿", "1,200㎡", 3.0, 13812345678, "√"],
        ]
    )
    result = run(cast, fh)
    assert result.errors == []
    unit = Unit.objects.get(uscc=c)
    assert (unit.floor_area_m2, unit.floors, unit.principal_phone) == (1200, 3, "13812345678")
    assert unit.is_fire_key_unit
    assert unit.risk_level == unit.risk_computed


def test_import_is_audited_once(cast):
    rows = [HEADER[:4]] + [[f"店{i}", code(), "南关区", "餐饮"] for i in range(5)]
    result = run(cast, xlsx_file(rows))
    assert result.committed
    event = AuditEvent.objects.filter(action="unit.imported").latest("seq")
    assert event.after["created"] == 5
