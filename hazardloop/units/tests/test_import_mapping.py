"""Spreadsheets as they really come: headers matched by meaning, the column mapping shown in the
dry run and corrected by the user (remembered for them), region values in many forms, unknown
columns listed."""

import pytest

from hazardloop.audit.models import AuditEvent
from hazardloop.regions.models import Region
from hazardloop.testing import IMMEDIATE_TASKS, web_client
from hazardloop.units.importing.columns import match_header, normalise_header
from hazardloop.units.importing.run import import_units
from hazardloop.units.models import ImportMapping, Unit, UnitJob
from hazardloop.units.tests.helpers import code, xlsx_file

# Headers of real county and township registers (市场监管, 应急, 消防, 街道 sheets).
VARIANTS = {
    "name": [
        "单位名称", "企业名称", "单位名称（全称）", "企业（单位）名称", "市场主体名称",
        "经营者名称", "商户名称", "门店名称", "场所名称", "单位全称", "店名", "单位\n名称",
        "*单位名称", "1.单位名称", "Unit Name", "Company name",
    ],
    "uscc": [
        "统一社会信用代码", "社会信用代码", "统一社会信用代码（18位）", "统一社会信用代码/注册号",
        "信用代码", "营业执照号码", "营业执照注册号", "工商注册号", "统一代码", "社会统一信用代码",
        "统一社会\n信用代码", "USCC", "Unified Social Credit Code", "Credit code",
    ],
    "region": [
        "所属区域", "所在区县", "所在区县名称", "所属行政区划", "行政区划代码", "所属县（市、区）",
        "县（市、区）", "区县", "所在地区", "辖区", "属地", "所属街道（乡镇）", "县区名称",
        "所在\n区县", "Region", "District",
    ],
    "sector": [
        "行业", "所属行业", "行业类别", "行业类型", "行业名称", "行业分类",
        "所属行业（餐饮/住宿等）", "场所类型", "单位类型", "单位类别", "经营类别", "业态",
        "Industry", "Sector",
    ],
}  # fmt: skip
OTHERS = {
    "主要负责人联系电话": "principal_phone",
    "负责人手机号": "principal_phone",
    "法定代表人": "principal_name",
    "负责人姓名": "principal_name",
    "安全管理人员联系电话": "safety_manager_phone",
    "安全负责人": "safety_manager_name",
    "经营场所地址": "address",
    "所在地址": "address",
    "燃料类型": "gas_use",
    "液化气钢瓶数量（个）": "lpg_cylinders",
    "液化石油气储存量（kg）": "lpg_stored_kg",
    "建筑面积(平方米": "floor_area_m2",
    "是否人员密集场所": "is_crowded_place",
}
NOT_COLUMNS = [
    "序号",
    "备注",
    "法定代表人身份证号",
    "燃气报警装置",
    "填报日期",
    "南关区餐饮单位台账",
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field,header", [(f, h) for f, headers in VARIANTS.items() for h in headers]
)
def test_required_column_header_variants(field, header):
    assert match_header(header)[0] == field


def test_at_least_ten_variants_per_required_column():
    assert all(len(set(map(normalise_header, v))) >= 10 for v in VARIANTS.values())


@pytest.mark.parametrize("header,field", OTHERS.items())
def test_other_columns_by_meaning(header, field):
    assert match_header(header)[0] == field


@pytest.mark.parametrize("header", NOT_COLUMNS)
def test_headers_that_are_no_column(header):
    assert match_header(header) == (None, "")


def _run(user, fh, commit=False, **kw):
    return import_units(fh, fh.name, user=user, commit=commit, **kw)


def test_a_government_sheet_with_odd_headers_imports_and_shows_its_mapping(cast):
    c = code()
    fh = xlsx_file(
        [
            ["南关区2024年餐饮场所燃气安全排查台账"],
            ["填报单位（盖章）：", None, None, "填报日期：2024年3月"],
            ["序号", "企业（单位）名称", "统一社会信用代码\n（或注册号）", "所在区县名称",
             "所属行业", "经营场所地址", "主要负责人", "联系电话", "备注"],
            [1, "老长春饺子馆", c, "长春市 南关区", "餐饮", "人民大街1号", "王明", "13812345678",
             "已整改"],
            [None, "合计：1家", None, None, None, None, None, None, None],
        ]
    )  # fmt: skip
    result = _run(cast.regulator, fh, commit=True)
    assert result.errors == [] and result.created == 1
    unit = Unit.objects.get(uscc=c)
    assert (unit.name, unit.region_id, unit.principal_phone) == (
        "老长春饺子馆",
        "220102",
        "13812345678",
    )
    table = result.table
    assert table["header_row"] == 3
    fields = {col["header"]: col["field"] for col in table["columns"]}
    assert fields["所在区县名称"] == "region" and fields["统一社会信用代码 （或注册号）"] == "uscc"
    assert {col["how"] for col in table["columns"] if col["header"] == "所在区县名称"} == {
        "meaning"
    }
    # unknown columns are listed, and the import's audit names them
    assert table["unknown"] == ["序号", "备注"]
    event = AuditEvent.objects.filter(action="unit.imported").latest("seq")
    assert event.after["not_imported"] == ["序号", "备注"]
    assert event.after["columns"]["region"] == "所在区县名称"


def test_a_required_column_not_recognised_is_one_error_and_the_user_maps_it(cast):
    c = code()
    rows = [["名称", "统一社会信用代码", "区县", "经营项目"], ["冷面馆", c, "南关区", "餐饮"]]
    result = _run(cast.regulator, xlsx_file(rows))
    assert result.table["missing"] == ["sector"] and result.rows == 1
    assert [e["row"] for e in result.errors] == [1]
    assert "Sector" in result.errors[0]["message"] or "行业" in result.errors[0]["message"]
    assert result.table["columns"][3]["samples"] == ["餐饮"]
    fixed = _run(cast.regulator, xlsx_file(rows), commit=True, choices={3: "sector"}, header_row=1)
    assert fixed.errors == [] and fixed.committed
    assert Unit.objects.get(uscc=c).sector_id == "catering"


def test_the_user_may_ignore_a_recognised_column(cast):
    c = code()
    rows = [
        ["单位名称", "统一社会信用代码", "所属区域", "行业", "地址"],
        ["店", c, "南关区", "餐饮", "旧"],
    ]
    result = _run(cast.regulator, xlsx_file(rows), commit=True, choices={4: ""}, header_row=1)
    assert result.committed and Unit.objects.get(uscc=c).address == ""
    assert [c["how"] for c in result.table["columns"]][4] == "ignored"
    assert result.table["unknown"] == []


def _web_import(client, fh):
    client.post("/units/import/", {"file": fh})
    return UnitJob.objects.latest("id")


def test_mapping_step_in_the_web_pages_is_remembered_for_the_uploader(cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    header = ["企业名称", "信用代码", "属地", "经营项目", "备注"]
    client = web_client(cast.regulator)
    job = _web_import(client, xlsx_file([header, ["饭店甲", code(), "南关区", "餐饮", "x"]]))
    assert job.status == "checked" and job.table["missing"] == ["sector"]
    page = client.get(f"/units/jobs/{job.pk}/").content.decode()
    assert 'data-testid="mapping-form"' in page and "经营项目" in page and "备注" in page
    # choosing one field twice is refused and changes nothing
    twice = {"col-0": "name", "col-1": "uscc", "col-2": "region", "col-3": "name", "col-4": ""}
    client.post(f"/units/jobs/{job.pk}/mapping/", twice)
    job.refresh_from_db()
    assert job.table["missing"] == ["sector"] and not ImportMapping.objects.exists()
    good = {**twice, "col-3": "sector"}
    response = client.post(f"/units/jobs/{job.pk}/mapping/", good)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "checked" and job.errors == [] and job.created == 1
    assert job.table["unknown"] == []  # 备注 is ignored by choice now, not unknown
    client.post(f"/units/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == "committed"
    # the next sheet with the same header is mapped the same way, for this user only
    second = _web_import(client, xlsx_file([header, ["饭店乙", code(), "南关区", "餐饮", ""]]))
    assert second.errors == [] and second.table["columns"][3]["how"] == "remembered"
    other = _web_import(
        web_client(cast.city_regulator),
        xlsx_file([header, ["饭店丙", code(), "南关区", "餐饮", ""]]),
    )
    assert other.table["missing"] == ["sector"]


def test_sample_values_go_with_the_file(cast, settings, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from hazardloop.units.jobs import delete_old_job_files_once

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    job = _web_import(
        web_client(cast.regulator),
        xlsx_file(
            [["单位名称", "统一社会信用代码", "所属区域", "行业"], ["店", code(), "南关区", "餐饮"]]
        ),
    )
    assert job.table["columns"][0]["samples"] == ["店"]
    delete_old_job_files_once(timezone.now() + dt.timedelta(days=settings.UNIT_JOB_FILE_DAYS + 1))
    job.refresh_from_db()
    assert not job.file and job.table["columns"][0]["samples"] == []


@pytest.mark.parametrize(
    "value",
    ["长春市朝阳区", "长春市 朝阳区", "长春市/朝阳区", "长春朝阳区", "吉林省长春市朝阳区", "220104",
     220104, "220104000000", "220104 朝阳区", "朝阳区（220104）", "Chaoyang District"],
)  # fmt: skip
def test_region_values_as_names_codes_or_city_and_county(cast, value):
    c = code("220104")
    rows = [["单位名称", "统一社会信用代码", "所属区域", "行业"], ["朝阳饭店", c, value, "餐饮"]]
    result = _run(cast.city_regulator, xlsx_file(rows), commit=True)
    assert result.errors == []
    assert Unit.objects.get(uscc=c).region_id == "220104"


def test_a_code_and_a_name_that_disagree(cast):
    result = _run(
        cast.city_regulator,
        xlsx_file(
            [
                ["单位名称", "统一社会信用代码", "所属区域", "行业"],
                ["店", code(), "220102 朝阳区", "餐饮"],
            ]
        ),
    )
    assert result.errors[0]["column"] == "所属区域"


def test_a_shared_township_name_resolves_in_the_importers_scope(cast):
    for county, township in (("220102", "220102001"), ("220103", "220103001")):
        Region.objects.create(
            code=township, parent_id=county, level="township", name_zh="新兴街道", name_en="Xinxing"
        )
    header = ["单位名称", "统一社会信用代码", "所属街道", "行业"]
    c = code()
    # the Nanguan regulator has only one 新兴街道 in scope
    result = _run(cast.regulator, xlsx_file([header, ["店", c, "新兴街道", "餐饮"]]), commit=True)
    assert result.errors == [] and Unit.objects.get(uscc=c).region_id == "220102001"
    # the city sees both: an error for that row, naming both, unless the county is given
    result = _run(
        cast.city_regulator,
        xlsx_file(
            [header, ["店", code(), "新兴街道", "餐饮"], ["店2", code(), "南关区新兴街道", "餐饮"]]
        ),
    )
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "所属街道")]
    assert (
        "南关区新兴街道" in result.errors[0]["message"]
        and "宽城区新兴街道" in result.errors[0]["message"]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_mapping_step_speaks_the_users_language(cast, settings, tmp_path, language):
    from hazardloop.core.tests import visible_text

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    client = web_client(cast.regulator)
    rows = [
        ["单位名称", "统一社会信用代码", "属地", "行业", "Remarks"],
        ["店", code(), "南关区", "餐饮", "ok"],
        ["坏店", "123", "南关区", "餐饮", ""],
    ]
    job = _web_import(client, xlsx_file(rows))
    client.cookies["django_language"] = language
    html = client.get(f"/units/jobs/{job.pk}/").content.decode()
    assert 'data-testid="mapping-form"' in html and 'data-testid="job-errors"' in html
    assert visible_text.problems(html, language, visible_text.stored_strings()) == []
