"""A regulator finds a proposal on the workbench and confirms it, on a phone (375 px) and on a
desktop; the case page shows the chain and the facts in Chinese and in English."""

import pytest

from hazardloop.accountability.choices import CaseStatus
from hazardloop.accountability.tests.factories import proposal
from hazardloop.core.tests.test_tap_targets_browser import MEASURE
from hazardloop.testing import browser_login, build_cast


@pytest.mark.browser
def test_a_regulator_confirms_a_proposal_on_a_phone(phone_page):
    _confirm(phone_page, "phone", 375)


@pytest.mark.browser
def test_a_regulator_confirms_a_proposal_on_a_desktop(browser_page):
    _confirm(browser_page, "desktop", 1280)


def _confirm(page, size, width):
    cast = build_cast()
    case = proposal(cast)
    browser_login(page, cast.regulator.username)
    # The workbench lists the proposal to decide.
    section = page.get_by_test_id("section-accountability_proposals")
    assert case.title in section.inner_text()
    page.screenshot(path=f"/tmp/accountability_workbench_{size}.png", full_page=True)
    page.click(f"[data-testid=open-accountability_proposals-{case.pk}]")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("case-status").inner_text() == "待确认"
    assert cast.unit.name in page.get_by_test_id("case-chain").inner_text()
    assert "挂牌督办" in page.get_by_test_id("case-facts").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(MEASURE) == []  # every control at least 24 × 24 px
    # Dismissing without a reason is refused by the browser itself (required field); the
    # regulator confirms with a note instead.
    page.fill("#confirm-note", "经核查，逾期未整改属实。")
    page.screenshot(path=f"/tmp/accountability_case_{size}.png", full_page=True)
    page.click("[data-testid=confirm-case]")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("case-status").inner_text() == "已确认"
    assert "经核查，逾期未整改属实。" in page.get_by_test_id("case-history").inner_text()
    # Now the measure can be decided.
    assert page.get_by_test_id("decide-measure").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/accountability_confirmed_{size}.png", full_page=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED and case.decided_by == cast.regulator
    # The same page in English.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.reload()
    assert page.get_by_test_id("case-status").inner_text() == "Confirmed"
    page.screenshot(path=f"/tmp/accountability_confirmed_{size}_en.png", full_page=True)
    page.goto(f"{page.base_url}/accountability/")
    assert case.title in page.get_by_test_id("case-list").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(MEASURE) == []
    page.screenshot(path=f"/tmp/accountability_list_{size}_en.png", full_page=True)
