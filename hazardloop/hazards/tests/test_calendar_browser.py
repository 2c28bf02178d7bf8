"""Holiday calendars and deadline policies in a browser, on a phone and a desktop, in both
languages: the province enters next year's calendar (a refused date first), the warning goes,
a deadline policy is added; a city office only reads."""

import datetime as dt

import pytest

from hazardloop.hazards.models import DeadlinePolicy, HolidayYear
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.testing import browser_login, build_cast

TEXT = {
    "zh-hans": {"refused": "调休上班日应为周六或周日", "saved": "节假日安排已载入"},
    "en": {"refused": "Make-up working days fall on a Saturday or Sunday", "saved": "is loaded"},
}


def _first(year: int, weekday: int) -> dt.date:
    """The first day of the year that falls on `weekday` (0 Monday … 6 Sunday), after 4 Jan."""
    day = dt.date(year, 1, 5)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def _fits(page) -> bool:
    """Nothing wider than the viewport (no sideways scrolling on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_on_a_desktop(browser_page, language):
    _walk(browser_page, "desktop", language)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_on_a_phone(phone_page, language):
    _walk(phone_page, "phone", language)


def _walk(page, device: str, language: str) -> None:
    ensure_rules()
    cast = build_cast()
    shot = f"/tmp/calendars-{device}-{language}"
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    year = HolidayYear.objects.order_by("-year").first().year + 1  # the first year not loaded
    browser_login(page, cast.province_regulator.username)

    page.goto(f"{page.base_url}/deadlines/")
    warning = page.locator("[data-testid=calendar-missing]")
    has_warning = warning.count() == 1
    assert _fits(page)
    page.screenshot(path=f"{shot}-1-overview.png", full_page=True)

    page.goto(f"{page.base_url}/deadlines/calendars/{year}/")
    page.fill("#id_name", f"国务院办公厅关于{year}年部分节假日安排的通知（测试）")
    page.fill("#id_holidays", f"{year}-01-01\n{year}-10-01/{year}-10-07")
    page.fill("#id_workdays", _first(year, 0).isoformat())  # a Monday: refused
    page.click("[data-testid=calendar-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("[data-testid=errors]")
    assert not HolidayYear.objects.filter(year=year).exists()
    assert TEXT[language]["refused"] in errors.inner_text()
    assert _fits(page)
    page.screenshot(path=f"{shot}-2-refused.png", full_page=True)

    page.fill("#id_workdays", _first(year, 5).isoformat())  # a Saturday
    page.click("[data-testid=calendar-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert TEXT[language]["saved"] in page.inner_text(".hl-messages")
    assert HolidayYear.objects.filter(year=year).exists()
    if has_warning:  # the year entered is no longer missing
        after = page.locator("[data-testid=calendar-missing]")
        assert after.count() == 0 or str(year) not in after.inner_text()
    page.screenshot(path=f"{shot}-3-saved.png", full_page=True)

    page.click("[data-testid=policy-new]")
    page.select_option("#id_region_prefix", "22")
    page.fill("#id_days", "10")
    page.check("#id_working_days")
    page.fill("#id_note", "测试规则")
    assert _fits(page)
    page.screenshot(path=f"{shot}-4-policy.png", full_page=True)
    page.click("[data-testid=policy-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert DeadlinePolicy.objects.filter(region_prefix="22", days=10, working_days=True).exists()
    assert page.locator("[data-testid=policy-table] tbody tr").count() == 1
    assert _fits(page)
    page.screenshot(path=f"{shot}-5-policies.png", full_page=True)

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, cast.city_regulator.username)
    page.goto(f"{page.base_url}/deadlines/")
    assert page.locator("[data-testid=read-only]").count() == 1
    assert page.locator("[data-testid=calendar-upload]").count() == 0
    page.goto(f"{page.base_url}/deadlines/calendars/{year}/")
    assert page.locator("[data-testid=calendar-read]").count() == 1
    assert _fits(page)
    page.screenshot(path=f"{shot}-6-read-only.png", full_page=True)
