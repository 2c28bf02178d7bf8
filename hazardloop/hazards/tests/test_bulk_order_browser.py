"""A regulator orders three found hazards from the ledger with one deadline, on a desktop and
on a 375-px phone: tick, give the deadline, confirm, and the ledger reports what was ordered."""

import pytest

from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import browser_login, build_cast


def _order_three(page, cast, hazards, tick: str, shot: str) -> None:
    browser_login(page, cast.regulator.username)
    page.goto(f"{page.base_url}/hazards/")
    for h in hazards:
        page.check(f"[data-testid={tick}-{h.pk}]")
    page.fill("[data-testid=bulk-due]", "2099-12-31")
    page.fill("[data-testid=bulk-measures]", "清理杂物，保持出口畅通")
    page.screenshot(path=f"/tmp/bulk-order-{shot}-ledger.png", full_page=True)
    page.click("[data-testid=bulk-submit]")
    page.wait_for_load_state("networkidle")
    listed = page.inner_text("[data-testid=bulk-hazards]")
    assert all(f"#{h.pk}" in listed for h in hazards)
    assert "2099-12-31" in page.inner_text("[data-testid=bulk-deadline]")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=f"/tmp/bulk-order-{shot}-confirm.png", full_page=True)
    page.click("[data-testid=bulk-confirm]")
    page.wait_for_load_state("networkidle")
    assert "已责令整改3条隐患" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=f"/tmp/bulk-order-{shot}-done.png", full_page=True)
    for h in hazards:
        h.refresh_from_db()
        assert h.status == Status.ORDERED
        assert h.measures == "清理杂物，保持出口畅通"


@pytest.mark.browser
def test_order_three_from_the_ledger_desktop_and_phone(browser_page, phone_page):
    cast = build_cast()
    first = [hazard(cast, title=f"安全出口堵塞{i}") for i in range(3)]
    second = [hazard(cast, title=f"灭火器过期{i}") for i in range(3)]
    _order_three(browser_page, cast, first, "tick", "desktop")
    _order_three(phone_page, cast, second, "tick-card", "phone")
    assert Hazard.objects.filter(status=Status.FOUND).count() == 0
