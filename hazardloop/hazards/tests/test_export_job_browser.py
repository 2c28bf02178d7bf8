"""In the browser, at 375 px (Chinese) and on the desktop (English): the ledger's export buttons
queue a job; its page shows the progress while the worker has not written the file, then
(polling by itself) the download link; a capped export says so."""

import csv
import io

from hazardloop.hazards.exports import run_export_once
from hazardloop.hazards.models import HazardExport
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import browser_login, build_cast


def _export(page, testid: str, shot: str) -> HazardExport:
    page.goto(f"{page.base_url}/hazards/")
    page.screenshot(path=f"/tmp/sheets-{shot}-ledger.png")
    button = page.locator(f"[data-testid={testid}]").bounding_box()
    assert button["height"] >= 24 and button["width"] >= 24
    page.click(f"[data-testid={testid}]")
    page.locator("[data-testid=export-progress]").wait_for()
    job = HazardExport.objects.latest("pk")
    assert job.status == "queued" and not job.file  # the request wrote nothing
    page.screenshot(path=f"/tmp/sheets-{shot}-queued.png", full_page=True)
    assert run_export_once(job.pk) == "done"  # the worker's step
    page.locator("[data-testid=export-download]").wait_for(timeout=10_000)  # htmx polling
    page.screenshot(path=f"/tmp/sheets-{shot}-done.png", full_page=True)
    return job


def _download(page) -> bytes:
    with page.expect_download() as info:
        page.click("[data-testid=export-download]")
    return open(info.value.path(), "rb").read()


def test_ledger_export_on_a_phone(phone_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HAZARD_EXPORT_MAX_ROWS = 2
    cast = build_cast()
    for i in range(3):
        hazard(cast, title=f"隐患{i}")
    page = phone_page
    browser_login(page, "t-reg")
    job = _export(page, "export-csv", "phone")
    assert page.locator("[data-testid=export-capped]").is_visible()
    assert "最新的 2" in page.locator("[data-testid=export-capped]").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    link = page.locator("[data-testid=export-download]").bounding_box()
    assert link["height"] >= 24
    rows = list(csv.reader(io.StringIO(_download(page).decode("utf-8-sig"))))
    assert len(rows) == 4 and "HAZARD_EXPORT_MAX_ROWS" in rows[-1][0]
    assert job.format == "csv"


def test_ledger_export_on_the_desktop_in_english(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    hazard(cast, title="灭火器过期")
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    browser_login(page, "t-reg")
    _export(page, "export", "desktop")
    assert "Download the workbook" in page.locator("[data-testid=export-download]").inner_text()
    assert page.locator("[data-testid=export-capped]").count() == 0
    data = _download(page)
    assert data[:2] == b"PK"
