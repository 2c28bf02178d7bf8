"""The shell in real Chromium: sign in as three roles, navigation, language, sign out, phone."""

import pytest

from hazardloop.testing import browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_texts(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid=main-nav] a").all_inner_texts()]


def sign_out(page):
    menu = page.locator("[data-testid=user-menu]")
    if page.locator(".navbar-toggler").is_visible():
        # On a phone the menu sits behind the collapsed navigation: open it and let Bootstrap's
        # collapse transition finish (while it runs the menu is clipped and clicks miss it).
        if not page.locator(".navbar-collapse.show").count():
            page.click(".navbar-toggler")
        page.wait_for_selector(".navbar-collapse.show", state="visible")
    menu.click()
    logout = page.locator("[data-testid=logout]")
    logout.wait_for(state="visible")
    with page.expect_navigation(url="**/login/"):
        logout.click()


def test_three_roles_language_and_sign_out(browser_page):
    page = browser_page
    cast = build_cast()
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(page.base_url) else None,
    )

    browser_login(page, cast.admin.username)
    assert "审计日志" in nav_texts(page) and "行政区划" in nav_texts(page)
    page.click("text=审计日志")
    page.wait_for_selector("[data-testid=audit-table]")
    assert "login.succeeded" in page.inner_text("[data-testid=audit-table]")
    sign_out(page)

    browser_login(page, cast.regulator.username)
    items = nav_texts(page)
    assert "行政区划" in items and "审计日志" not in items
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "en")
    assert "Regions" in nav_texts(page) and "Overview" in nav_texts(page)
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "zh-hans")
    assert "概览" in nav_texts(page)
    page.screenshot(path="/tmp/hl-shell-regulator.png", full_page=True)
    sign_out(page)

    browser_login(page, cast.unit_manager.username)
    items = nav_texts(page)
    assert "概览" in items and "行政区划" not in items and "审计日志" not in items
    assert "南关测试饺子馆" in page.inner_text("[data-testid=scope]")
    sign_out(page)
    assert page.url.endswith("/login/")
    assert not external, f"assets must be local, but the page fetched {external}"


def test_wrong_password_shows_the_error(browser_page):
    page = browser_page
    cast = build_cast()
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", cast.regulator.username)
    page.fill("input[name=password]", "not-the-password")
    page.click("[data-testid=login-submit]")
    assert "用户名或密码错误" in page.inner_text("[data-testid=login-error]")


def test_layout_works_at_375_px(phone_page):
    page = phone_page
    cast = build_cast()
    browser_login(page, cast.inspector.username)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    assert not page.locator("[data-testid=main-nav]").is_visible()  # collapsed behind the menu
    page.click(".navbar-toggler")
    page.wait_for_selector(".navbar-collapse.show", state="visible")
    assert "行政区划" in nav_texts(page)
    page.screenshot(path="/tmp/hl-shell-phone.png", full_page=True)
    sign_out(page)
