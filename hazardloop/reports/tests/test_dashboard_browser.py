import pytest

from hazardloop.reports.tests import stats_data
from hazardloop.testing import browser_login, build_cast

pytestmark = pytest.mark.browser


def _click_map_at(page, lon, lat):
    box = page.locator("#hl-map").bounding_box()
    x, y = page.evaluate(
        "([lon, lat]) => echarts.getInstanceByDom(document.getElementById('hl-map'))"
        ".convertToPixel({seriesIndex: 0}, [lon, lat])",
        [lon, lat],
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_drill_down_from_the_province_map_and_download_the_report(browser_page):
    page = browser_page
    cast = build_cast()
    stats_data.build(cast)
    browser_login(page, "t-prov")
    page.goto(page.base_url + "/stats/?from=2022-10-01&to=2022-10-07")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('hl-map'))"
    )
    page.screenshot(path="/tmp/h5-dashboard-province.png", full_page=True)
    with page.expect_navigation():
        _click_map_at(page, 125.32, 43.90)  # Changchun on the province map
    assert "region=220100" in page.url
    page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('hl-map'))")
    page.screenshot(path="/tmp/h5-dashboard-city.png", full_page=True)
    page.click("[data-testid=drill-220102]")
    assert "region=220102" in page.url
    assert "南关测试饺子馆" in page.locator("[data-testid=unit-table]").inner_text()
    with page.expect_download() as info:
        page.click("[data-testid=report-xlsx]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    page.screenshot(path="/tmp/h5-dashboard-county.png", full_page=True)


def test_dashboard_on_a_phone(phone_page):
    page = phone_page
    cast = build_cast()
    stats_data.build(cast)
    browser_login(page, "t-prov")
    page.goto(page.base_url + "/stats/?from=2022-10-01&to=2022-10-07")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('hl-map'))"
    )
    page.screenshot(path="/tmp/h5-dashboard-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380
    page.goto(page.base_url + "/stats/screen/?from=2022-10-01&to=2022-10-07")
    page.screenshot(path="/tmp/h5-screen-phone.png")
