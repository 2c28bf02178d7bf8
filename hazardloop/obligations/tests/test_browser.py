"""At 375 px: a restaurant manager does the 2-hour patrol from the workbench, fails "exit
blocked" with a photo, and sees the new hazard."""

import pytest

from hazardloop.checklists.services import load_builtin_templates
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.models import Hazard
from hazardloop.testing import browser_login, build_cast


@pytest.mark.browser
def test_restaurant_manager_patrols_and_sees_the_new_hazard(phone_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    cast.unit.is_public_gathering = True
    cast.unit.business_hours = "24小时营业"  # a patrol is due whenever the test runs
    cast.unit.save()
    load_builtin_templates()
    picture = tmp_path / "exit.jpg"
    picture.write_bytes(jpeg_bytes(size=(800, 600), color="brown"))

    page = phone_page
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/")
    duties = page.get_by_test_id("section-duties_today")
    duties.get_by_role("link", name="开始防火巡查").first.click()
    page.get_by_test_id("patrol-form").wait_for()
    page.locator("label[for=fail_P02]").click()
    page.locator("#p_P02").set_input_files(str(picture))
    page.locator("#n_P02").fill("后门被纸箱堵住")
    page.screenshot(path="/tmp/patrol-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    box = page.get_by_test_id("patrol-done").bounding_box()
    assert box["height"] >= 44
    page.get_by_test_id("patrol-done").click()
    page.wait_for_url("**/inspections/*/")
    hazard = Hazard.objects.get(unit=cast.unit)
    assert hazard.source == "self_inspection"
    page.goto(f"{page.base_url}/")
    page.get_by_test_id("section-unit_hazards").get_by_text(hazard.title).first.wait_for()
    page.screenshot(path="/tmp/patrol-workbench-phone.png", full_page=True)
