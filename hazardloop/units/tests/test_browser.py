"""In a real browser: import a spreadsheet with an error, fix it, commit, find the unit."""

import pytest

from hazardloop.testing import IMMEDIATE_TASKS, browser_login, build_cast
from hazardloop.units.tests.helpers import HEADER, code, xlsx_file

pytestmark = pytest.mark.browser


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(xlsx_file(rows).getvalue())
    return str(path)


def test_import_fix_commit_and_find(browser_page, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    build_cast()
    page = browser_page
    good = code()
    title = ["南关区餐饮单位台账（2022年9月）"]
    bad_file = _write(
        tmp_path,
        "bad.xlsx",
        [title, HEADER, ["松花江鱼馆", good, "南关区", "餐饮", "", "瓶装液化石油气", 4],
         ["红旗街冷面", "91220102MA0000000X", "南关区", "餐饮", "", "管道燃气", ""]],
    )  # fmt: skip
    browser_login(page, "t-reg")
    page.goto(page.base_url + "/units/import/")
    page.set_input_files("input[name=file]", bad_file)
    page.click("[data-testid=import-check]")
    errors = page.locator("[data-testid=job-errors]")
    errors.wait_for()
    assert "统一社会信用代码" in errors.inner_text()
    assert page.locator("[data-testid=import-commit]").count() == 0
    page.screenshot(path="/tmp/units-import-errors.png", full_page=True)

    fixed = _write(
        tmp_path,
        "fixed.xlsx",
        [title, HEADER, ["松花江鱼馆", good, "南关区", "餐饮", "", "瓶装液化石油气", 4],
         ["红旗街冷面", code(), "南关区", "餐饮", "", "管道燃气", ""]],
    )  # fmt: skip
    page.click("[data-testid=import-again]")
    page.set_input_files("input[name=file]", fixed)
    page.click("[data-testid=import-check]")
    page.locator("[data-testid=import-commit]").click()
    page.locator("[data-testid=import-done]").wait_for()
    assert page.locator("[data-testid=count-created]").inner_text() == "2"

    page.goto(page.base_url + "/units/")
    page.fill("[data-testid=unit-search]", "松花江 鱼馆")
    # the search narrows the list over htmx: the other imported unit goes away
    page.locator("[data-testid=unit-table] a", has_text="红旗街冷面").wait_for(state="detached")
    assert page.locator("[data-testid=unit-table] tbody tr").count() == 1
    assert "q=" in page.url
    page.screenshot(path="/tmp/units-list.png", full_page=True)
    page.click("text=松花江鱼馆")
    page.locator("[data-testid=unit-name]").wait_for()
    assert page.locator("[data-testid=unit-name]").inner_text() == "松花江鱼馆"
    assert good in page.content()
    page.screenshot(path="/tmp/units-detail.png", full_page=True)


def test_pages_on_a_phone(phone_page):
    cast = build_cast()
    page = phone_page
    browser_login(page, "t-reg")
    page.goto(page.base_url + "/units/")
    page.locator("[data-testid=unit-table]").wait_for()
    page.screenshot(path="/tmp/units-list-phone.png", full_page=True)
    page.goto(page.base_url + f"/units/{cast.unit.pk}/")
    page.screenshot(path="/tmp/units-detail-phone.png", full_page=True)
    page.goto(page.base_url + f"/u/{cast.unit.public_id}/")
    assert page.locator("[data-testid=public-name]").inner_text() == cast.unit.name
    page.screenshot(path="/tmp/units-public-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_contacts_added_and_removed_on_a_phone(phone_page):
    """On a 375-px phone: add contacts, a bad phone is refused by the server with the row's
    message, fix it, remove one before saving and one later; the page never scrolls sideways."""
    cast = build_cast()
    unit = cast.unit
    page = phone_page
    browser_login(page, "t-reg")
    page.goto(page.base_url + f"/units/{unit.pk}/edit/")
    rows = page.locator("[data-testid=contact-row]:visible")
    assert rows.count() == 1  # one blank row to start with
    page.click("[data-testid=contact-add]")
    page.click("[data-testid=contact-add]")
    assert rows.count() == 3
    for index, (role, name, phone) in enumerate(
        [("消防安全管理人", "王伟", "13812345678"), ("厨师长", "李师傅", "12345"),
         ("保安", "赵强", "13900001111")]
    ):  # fmt: skip
        row = rows.nth(index)
        row.locator("input[name$=role_title]").fill(role)
        row.locator("input[name$=-name]").fill(name)
        row.locator("input[name$=phone]").fill(phone)
    rows.nth(2).locator("[data-testid=contact-remove]").click()
    assert rows.count() == 2
    page.click("[data-testid=unit-save]")
    error = page.locator("[data-testid=contact-error]")
    error.wait_for()
    assert (
        error.count() == 1
        and "11" in rows.nth(1).locator("[data-testid=contact-error]").inner_text()
    )
    assert rows.nth(1).locator("input[name$=-name]").input_value() == "李师傅"
    assert rows.count() == 2  # the removed row stays removed after the round trip
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/units-contacts-phone.png", full_page=True)
    assert not unit.contacts.exists()

    rows.nth(1).locator("input[name$=phone]").fill("0431-88886666")
    page.click("[data-testid=unit-save]")
    page.locator("[data-testid=unit-name]").wait_for()
    assert [(c.name, c.phone) for c in unit.contacts.all()] == [
        ("王伟", "13812345678"),
        ("李师傅", "0431-88886666"),
    ]

    page.goto(page.base_url + f"/units/{unit.pk}/edit/")
    assert rows.count() == 3  # the two contacts and a blank row
    rows.nth(0).locator("[data-testid=contact-remove]").click()
    page.click("[data-testid=unit-save]")
    page.locator("[data-testid=unit-name]").wait_for()
    assert [c.name for c in unit.contacts.all()] == ["李师傅"]


ODD_HEADER = [
    "序号",
    "企业（单位）名称",
    "统一社会信用代码\n（或注册号）",
    "所在区县名称",
    "经营项目",
    "备注",
]


def _odd_sheet(tmp_path, name="odd.xlsx"):
    return _write(
        tmp_path,
        name,
        [["南关区餐饮场所燃气安全排查台账（2024年3月）"], ODD_HEADER,
         [1, "映射饺子馆", code(), "长春市 南关区", "餐饮", "已整改"],
         [2, "映射烧烤店", code(), "220102", "餐饮", ""]],
    )  # fmt: skip


def _map_and_import(page, shots: str):
    mapping = page.locator("[data-testid=import-mapping]")
    mapping.wait_for()
    assert page.locator("[data-testid=mapping-missing]").count() == 1
    assert "备注" in page.locator("[data-testid=mapping-unknown]").inner_text()
    page.screenshot(path=f"/tmp/units-import-mapping-{shots}.png", full_page=True)
    row = page.locator("[data-testid=mapping-row][data-header=经营项目]")
    assert "餐饮" in row.inner_text()  # the sample values are shown
    row.locator("select").select_option("sector")
    page.click("[data-testid=mapping-apply]")
    page.locator("[data-testid=import-commit]").wait_for()
    assert page.locator("[data-testid=mapping-missing]").count() == 0
    page.screenshot(path=f"/tmp/units-import-mapped-{shots}.png", full_page=True)
    page.locator("[data-testid=import-commit]").click()
    page.locator("[data-testid=import-done]").wait_for()
    assert page.locator("[data-testid=count-created]").inner_text() == "2"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_odd_headers_are_mapped_corrected_and_imported(browser_page, settings, tmp_path, language):
    from hazardloop.units.models import ImportMapping, Unit

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "t-reg")
    page.goto(page.base_url + "/units/import/")
    page.set_input_files("input[name=file]", _odd_sheet(tmp_path))
    page.click("[data-testid=import-check]")
    _map_and_import(page, f"desktop-{language}")
    assert Unit.objects.filter(name="映射饺子馆", region_id="220102", sector_id="catering").exists()
    assert ImportMapping.objects.filter(user=cast.regulator).count() == 1
    # the same header next time: mapped as before, ready to import at once
    page.goto(page.base_url + "/units/import/")
    page.set_input_files("input[name=file]", _odd_sheet(tmp_path, "again.xlsx"))
    page.click("[data-testid=import-check]")
    page.locator("[data-testid=import-commit]").wait_for()
    assert page.locator("[data-testid=mapping-missing]").count() == 0
    assert "as you mapped it before" in page.content() or "沿用您上次的选择" in page.content()
    page.screenshot(path=f"/tmp/units-import-remembered-desktop-{language}.png", full_page=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_mapping_step_on_a_phone(phone_page, settings, tmp_path, language):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    build_cast()
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "t-reg")
    page.goto(page.base_url + "/units/import/")
    page.screenshot(path=f"/tmp/units-import-start-phone-{language}.png", full_page=True)
    page.set_input_files("input[name=file]", _odd_sheet(tmp_path))
    page.click("[data-testid=import-check]")
    _map_and_import(page, f"phone-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
