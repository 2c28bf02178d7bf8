"""The issue flow and the public pages in a real browser (desktop and 375-px phone)."""

import datetime as dt

import pytest

from hazardloop.hazards.choices import Grade
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import browser_login, build_cast, web_client

pytestmark = pytest.mark.browser


def test_inspector_issues_an_order_from_the_hazard_page(browser_page):
    page = browser_page
    cast = build_cast()
    departments()
    hazard = make_hazard(cast, due=at(2099, 6, 30, 23, 59))
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/hazards/{hazard.pk}/")
    page.click("[data-testid=issue-document]")
    page.wait_for_selector("[data-testid=penalty-guidance]")
    assert "第六十条第一款第（三）项" in page.inner_text("[data-testid=penalty-guidance]")
    page.screenshot(path="/tmp/supervision-issue.png", full_page=True)
    page.click("[data-testid=issue-submit]")
    page.wait_for_selector("[data-testid=document-number]")
    number = page.inner_text("[data-testid=document-number]")
    assert number.startswith("长南消限字〔") and number.endswith("第0001号")
    page.screenshot(path="/tmp/supervision-document.png", full_page=True)
    page.goto(f"{page.base_url}/hazards/{hazard.pk}/")
    assert number in page.inner_text("[data-testid=documents]")
    page.screenshot(path="/tmp/supervision-hazard-panel.png", full_page=True)
    doc = EnforcementDocument.objects.get()
    pdf = web_client(cast.inspector).get(f"/documents/{doc.pk}/pdf/").content
    with open("/tmp/supervision-document.pdf", "wb") as out:
        out.write(pdf)


def test_public_pages_on_a_phone(phone_page):
    page = phone_page
    cast = build_cast()
    departments()
    for grade in (Grade.MAJOR, Grade.MAJOR, Grade.GENERAL):
        make_hazard(cast, due=at(2026, 3, 12, 23, 59), grade=grade)
    sweep(at(2026, 3, 12, 23, 59) + dt.timedelta(days=70))
    page.goto(f"{page.base_url}/listed/")
    assert page.locator("[data-testid=listed] .card").count() == 3
    page.screenshot(path="/tmp/supervision-listed-phone.png", full_page=True)
    doc = EnforcementDocument.objects.filter(kind="listing_notice").first()
    page.goto(f"{page.base_url}/d/{doc.token}/")
    assert page.inner_text("[data-testid=verify-number]") == doc.number
    page.screenshot(path="/tmp/supervision-verify-phone.png", full_page=True)
