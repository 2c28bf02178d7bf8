"""At 375 px: a restaurant manager records a drill with its plan, participants, evacuation time
and a problem that becomes a hazard, and opens the hazard; the pages in English and at desktop
width (screenshots in /tmp/drill-*.png)."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.drills.models import Drill
from hazardloop.drills.tests.factories import PDF, staff
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.models import Hazard
from hazardloop.publicity.tests.factories import make_activity
from hazardloop.testing import browser_login, build_cast


@pytest.mark.browser
def test_a_unit_manager_records_a_drill_whose_problem_becomes_a_hazard(
    phone_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    for name in ("王丽", "李强", "张敏"):
        staff(cast.unit, name)
    plan = tmp_path / "预案.pdf"
    plan.write_bytes(PDF)
    picture = tmp_path / "drill.jpg"
    picture.write_bytes(jpeg_bytes(size=(800, 600), color="orange"))

    page = phone_page
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/drills/")
    page.get_by_test_id("record-drill").click()
    page.get_by_test_id("drill-form").wait_for()
    page.fill("#id_scenario", "午餐时间厨房起火，顾客从后门疏散")
    page.select_option("#id_plan", "new")
    page.set_input_files("#id_plan_file", str(plan))
    page.get_by_label("王丽").check()
    page.get_by_label("李强").check()
    page.fill("#id_others_count", "8")
    page.fill("#id_evac_min", "2")
    page.fill("#id_evac_sec", "45")
    page.get_by_test_id("problem-1").fill("后门安全出口被纸箱堵住")
    page.select_option("select[name=category_1]", "evacuation")
    page.get_by_test_id("problem-2").fill("一名员工不会使用灭火器")
    page.uncheck("#hazard_2")
    page.set_input_files("#id_photos", str(picture))
    page.locator("label[for=rating_partly]").click()
    page.screenshot(path="/tmp/drill-form-phone-zh.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_test_id("drill-save").bounding_box()["height"] >= 44
    page.get_by_test_id("drill-save").click()
    page.wait_for_url("**/drills/*/")
    drill = Drill.objects.get(unit=cast.unit)
    assert drill.evacuation_seconds == 165 and drill.participants.count() == 2
    hazard = Hazard.objects.get(unit=cast.unit)
    assert hazard.source == "self_inspection" and hazard.source_ref == f"drill:{drill.pk}"
    page.get_by_text("2 分 45 秒").wait_for()
    page.screenshot(path="/tmp/drill-detail-phone-zh.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_test_id("problem-hazard").click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")
    page.get_by_text("后门安全出口被纸箱堵住").first.wait_for()
    page.screenshot(path="/tmp/drill-hazard-phone-zh.png", full_page=True)

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(f"{page.base_url}/drills/{drill.pk}/")
    page.get_by_text("2 min 45 s").wait_for()
    page.screenshot(path="/tmp/drill-detail-phone-en.png", full_page=True)
    page.goto(f"{page.base_url}/drills/unit/{cast.unit.pk}/new/")
    page.screenshot(path="/tmp/drill-form-phone-en.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/drills/")
    page.screenshot(path="/tmp/drill-list-desktop-en.png", full_page=True)
    today = timezone.localdate()
    campaign = make_campaign(
        cast.regulator, starts_on=today - dt.timedelta(days=9), ends_on=today + dt.timedelta(days=9)
    )
    make_activity(
        cast.unit_manager, unit=cast.unit, title="门口张贴消防安全告知书", campaign=campaign
    )
    make_activity(
        cast.regulator, region_code="220102", kind="open_day", reach=300, campaign=campaign
    )
    page.goto(f"{page.base_url}/publicity/new/")
    page.screenshot(path="/tmp/publicity-form-desktop-en.png", full_page=True)
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": page.base_url}]
    )
    page.goto(f"{page.base_url}/drills/{drill.pk}/")
    page.screenshot(path="/tmp/drill-detail-desktop-zh.png", full_page=True)
    page.goto(f"{page.base_url}/publicity/")
    page.screenshot(path="/tmp/publicity-list-desktop-zh.png", full_page=True)
    page.goto(f"{page.base_url}/campaigns/{campaign.pk}/")
    page.get_by_test_id("publicity-panel").wait_for()
    page.screenshot(path="/tmp/publicity-campaign-desktop-zh.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{page.base_url}/publicity/new/?campaign={campaign.pk}")
    page.screenshot(path="/tmp/publicity-form-phone-zh.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
