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
    assert "登录成功" in page.inner_text("[data-testid=audit-table]")
    sign_out(page)

    browser_login(page, cast.inspector.username)
    assert "我的任务" in nav_texts(page)
    sign_out(page)

    browser_login(page, cast.regulator.username)
    items = nav_texts(page)
    assert "行政区划" in items and "审计日志" not in items
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "en")
    assert "Regions" in nav_texts(page) and "Workbench" in nav_texts(page)
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "zh-hans")
    assert "工作台" in nav_texts(page)
    page.screenshot(path="/tmp/hl-shell-regulator.png", full_page=True)
    sign_out(page)

    browser_login(page, cast.unit_manager.username)
    items = nav_texts(page)
    assert "工作台" in items and "行政区划" not in items and "审计日志" not in items
    assert "我的任务" not in items
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


def test_pages_run_under_the_content_security_policy(browser_page):
    """Each kind of page works with the policy enforced and reports no violation (the fixture fails
    the test on any); an inline script, which the policy exists to stop, is refused."""
    from hazardloop.reports.tests import stats_data

    page = browser_page
    cast = build_cast()
    stats_data.build(cast)
    browser_login(page, "t-prov")
    shots = {
        "/": "home",
        "/stats/?from=2022-10-01&to=2022-10-07": "dashboard",
        "/hazards/": "hazards",
        "/units/": "units",
        "/inspections/new/": "inspection-form",
        "/api/v1/docs": "api-docs",
        "/stats/screen/?from=2022-10-01&to=2022-10-07": "screen",
    }
    for url, name in shots.items():
        response = page.goto(page.base_url + url)
        assert response.ok, url
        assert "script-src 'self';" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        if name in ("dashboard", "screen"):
            page.wait_for_function(
                "() => window.echarts"
                " && echarts.getInstanceByDom(document.getElementById('hl-map'))"
            )
            # The charts' tooltips are HTML: hovering must not need inline styles either.
            for chart in ("hl-map", "hl-trend", "hl-sector"):
                box = page.locator(f"#{chart}").bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(300)
        if name == "inspection-form":
            page.wait_for_selector("[data-testid=unit-search]", state="visible")
        if name == "api-docs":
            page.locator(".swagger-ui .opblock-summary").first.click()
            page.wait_for_selector(".swagger-ui .opblock-body", state="visible")
        page.screenshot(path=f"/tmp/hl-csp-{name}.png", full_page=True)
        assert not page.csp_violations, (url, "\n".join(page.csp_violations))

    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert page.csp_violations, "the policy let an inline script run"
    page.csp_violations.clear()


def test_phone_inspection_form_steps_under_the_policy(phone_page):
    """The Alpine bits of the phone form the end-to-end inspection test does not reach: finding
    the unit by search and editing the team (methods of the CSP-build component)."""
    from hazardloop.checklists.services import load_builtin_templates

    page = phone_page
    cast = build_cast()
    load_builtin_templates()
    browser_login(page, cast.inspector.username)
    page.goto(page.base_url + "/inspections/new/")
    page.get_by_test_id("unit-search").fill("南关测试")
    page.get_by_test_id(f"unit-{cast.unit.pk}").click()
    page.get_by_test_id("step-setup").wait_for(state="visible")
    team = page.locator("[data-testid=step-setup] .input-group")
    assert team.count() == 1
    page.get_by_text("添加成员").click()
    assert team.count() == 2
    team.nth(1).locator("button").click()
    assert team.count() == 1
    page.screenshot(path="/tmp/hl-csp-inspection-setup-phone.png", full_page=True)
    page.get_by_test_id("start-checklist").click()
    page.get_by_test_id("step-items").wait_for(state="visible")
    assert page.locator("[data-testid^=item-]").count() > 0
    assert not page.csp_violations
