"""On a 375-px phone: a member of the public opens the page behind a unit's door QR code, files
a tip with a photo and gets a tracking code; the county regulator answers it with a hazard; the
tipster's tracking page then shows the outcome, without names. Screenshots in both languages."""

import pytest

from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.choices import Source
from hazardloop.testing import browser_login, build_cast
from hazardloop.tips.choices import TipStatus
from hazardloop.tips.models import Tip


def _language(page, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])


@pytest.mark.browser
def test_a_tip_from_the_door_qr_code_to_a_hazard(phone_page, tmp_path):
    cast = build_cast()
    cast.regulator.display_name = "南关赵监管"
    cast.regulator.save()
    photo = tmp_path / "exit.jpg"
    photo.write_bytes(jpeg_bytes(size=(320, 240), color="orange"))
    page = phone_page

    page.goto(f"{page.base_url}/u/{cast.unit.public_id}/")
    assert page.get_by_test_id("public-name").inner_text() == cast.unit.name
    page.get_by_test_id("public-status").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/tips_public_zh.png", full_page=True)
    page.locator("label[for=tip-cat-blocked_exit]").click()
    page.get_by_test_id("tip-description").fill("后门安全出口被纸箱堵死，推不开。")
    page.get_by_test_id("tip-phone").fill("139 0431 0001")
    page.get_by_test_id("tip-photos").set_input_files(str(photo))
    box = page.get_by_test_id("tip-submit").bounding_box()
    assert box["height"] >= 44
    page.get_by_test_id("tip-submit").click()
    page.wait_for_load_state("networkidle")
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    tip = Tip.objects.get()
    assert code == tip.tracking_code and tip.photos.count() == 1
    assert tip.phone == "13904310001"
    page.screenshot(path="/tmp/tips_tracking_zh.png", full_page=True)

    _language(page, "en")
    page.goto(f"{page.base_url}/u/{cast.unit.public_id}/")
    assert "Report a fire hazard here" in page.content()
    page.screenshot(path="/tmp/tips_public_en.png", full_page=True)

    # The county regulator answers it from the queue, on the same phone.
    _language(page, "zh-hans")
    browser_login(page, cast.regulator.username)
    page.goto(f"{page.base_url}/tips/")
    page.get_by_test_id("tip-list").locator("a", has_text=cast.unit.name).click()
    page.wait_for_load_state("networkidle")
    assert "后门安全出口被纸箱堵死" in page.get_by_test_id("tip-text").inner_text()
    page.screenshot(path="/tmp/tips_triage_zh.png", full_page=True)
    form = page.get_by_test_id("action-triage")
    form.locator("label[for=outcome-hazard]").click()
    form.locator("#id_title").fill("安全出口堵塞")
    form.locator("#id_description").fill("后门安全出口被杂物堵塞")
    form.get_by_test_id("triage-submit").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("tip-hazard").wait_for()
    tip.refresh_from_db()
    assert tip.status == TipStatus.HAZARD and tip.hazard.source == Source.PUBLIC_TIP
    page.screenshot(path="/tmp/tips_answered_zh.png", full_page=True)

    # The tipster looks again: the outcome, no names.
    page.context.clear_cookies()
    _language(page, "en")
    page.goto(f"{page.base_url}/report/track/{code}/")
    outcome = page.get_by_test_id("tip-outcome").inner_text()
    assert "recorded it for rectification" in outcome
    text = page.content()
    assert "南关赵监管" not in text and cast.regulator.username not in text
    page.screenshot(path="/tmp/tips_tracking_en.png", full_page=True)


@pytest.mark.browser
def test_the_province_page_on_a_phone(phone_page):
    build_cast()
    page = phone_page
    for language in ("zh-hans", "en"):
        _language(page, language)
        page.goto(f"{page.base_url}/report/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.fill("#id_latitude", "43.88")
        page.fill("#id_longitude", "125.32")
        page.click("[data-tip-clear]")
        assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""
        page.screenshot(path=f"/tmp/tips_province_{language[:2]}.png", full_page=True)
    page.select_option("[data-testid=tip-region]", "220102")
    page.get_by_test_id("tip-address").fill("南关区人民大街 1888 号")
    page.locator("label[for=tip-cat-gas_indoors]").click()
    page.get_by_test_id("tip-description").fill("饭店后厨放着液化气罐")
    page.get_by_test_id("tip-submit").click()
    page.wait_for_load_state("networkidle")
    tip = Tip.objects.get()
    assert page.get_by_test_id("tracking-code").inner_text().strip() == tip.tracking_code
    assert tip.unit is None and tip.county_code == "220102"
