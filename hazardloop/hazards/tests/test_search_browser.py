"""In a browser, at desktop width and on a 375-px phone: a regulator chooses the ledger's unit
filter by typing part of the unit's name, finds a hazard by a word of its description, and
finds it again with the top bar's search."""

import pytest

from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import browser_login, build_cast


def _choose_unit_and_search(page, cast, wanted, shot):
    browser_login(page, cast.regulator.username)
    page.goto(f"{page.base_url}/hazards/")
    page.fill("[data-testid=unit-search]", "另一家")
    option = page.locator("[data-testid=unit-options] [data-testid=unit-option]")
    option.first.wait_for()
    # Only units in the regulator's district are offered.
    assert option.count() == 1 and cast.other_unit.name in option.first.locator("..").inner_text()
    option.first.check()
    page.click("[data-testid=filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"unit={cast.other_unit.pk}" in page.url
    assert page.is_checked("[data-testid=unit-picked]")
    page.fill("[data-testid=ledger-q]", "灭火毯")
    page.click("[data-testid=filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    visible = page.locator(f'a[href="/hazards/{wanted.pk}/"]:visible')
    assert visible.count() >= 1
    assert page.locator('a[href^="/hazards/"]:visible', has_text="堵塞").count() == 0
    page.screenshot(path=shot, full_page=True)
    # The top bar's search (inside the menu on a phone) finds the hazard by its title.
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.fill("[data-testid=global-search]", "消防器材")
    page.press("[data-testid=global-search]", "Enter")
    page.wait_for_load_state("networkidle")
    page.click(f'[data-testid=search-hazards] a[href="/hazards/{wanted.pk}/"]')
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/hazards/{wanted.pk}/")
    page.goto(f"{page.base_url}/search/?q=%E5%8F%A6%E4%B8%80%E5%AE%B6")
    page.screenshot(path=shot.replace(".png", "-search.png"), full_page=True)


@pytest.mark.browser
def test_pick_a_unit_and_find_a_hazard_by_text(browser_page, phone_page):
    cast = build_cast()
    wanted = hazard(cast, unit=cast.other_unit, title="消防器材", description="后厨灭火毯缺失")
    hazard(cast, unit=cast.other_unit, title="通道堵塞", description="通道被杂物堵塞")
    hazard(cast, title="另一家的名字不在这里", description="灭火毯缺失")
    _choose_unit_and_search(browser_page, cast, wanted, "/tmp/pick-ledger-desktop.png")
    _choose_unit_and_search(phone_page, cast, wanted, "/tmp/pick-ledger-phone.png")

    # The campaign filter is a picker too: chosen by title, named again after filtering.
    campaign = make_campaign(cast.regulator, title="拣选浏览器专项")
    page = browser_page
    page.goto(f"{page.base_url}/hazards/")
    page.fill("[data-testid=campaign-search]", "浏览器专项")
    page.locator("[data-testid=campaign-option]").first.wait_for()
    page.check("[data-testid=campaign-option]")
    page.click("[data-testid=filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"campaign={campaign.pk}" in page.url
    page.locator("[data-testid=campaign-picked]").wait_for()
    assert page.is_checked("[data-testid=campaign-picked]")
    assert "拣选浏览器专项" in page.inner_text("[data-testid=filters]")
    page.screenshot(path="/tmp/pick-ledger-campaign.png", full_page=True)
