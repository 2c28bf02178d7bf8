"""The phone form's "corrected on the spot" at 375 px and on a desktop, in Chinese and English:
a failed item marked corrected needs an after-photo, is submitted without a hazard, and the
record says so."""

import re

import pytest

from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Inspection
from hazardloop.testing import browser_login, build_cast

WORDS = {
    "zh": ("当场改正", "拍摄改正后照片", "检查中已当场改正"),
    "en": (
        "Corrected on the spot",
        "Photo after the correction",
        "Corrected during the inspection",
    ),
}


def _walk(page, tmp_path, settings, shot: str, language: str):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    cast = build_cast()
    items = [
        item("A1", photo_on_fail=True, rule_refs=["gb35181-2017:7.3.3"]),
        item("A2", section_zh="第二部分", section_en="Part two"),
    ]
    template = make_template(code="corrected", items=items)
    before, after = tmp_path / "before.jpg", tmp_path / "after.jpg"
    before.write_bytes(jpeg_bytes(size=(800, 600), color="red"))
    after.write_bytes(jpeg_bytes(size=(800, 600), color="green"))
    label, photo_label, record_note = WORDS[language]

    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/inspections/new/?unit={cast.unit.pk}&checklist={template.pk}")
    page.get_by_test_id("template-select").select_option(str(template.pk))
    page.get_by_test_id("start-checklist").click()
    card = page.get_by_test_id("item-A1")
    card.locator("button[data-answer=fail]").click()
    card.locator("input[data-answer=photo]").set_input_files(str(before))
    card.locator("img.hl-thumb").first.wait_for()
    assert label in card.inner_text()
    card.locator("input[data-answer=corrected]").check()
    # corrected without an after-photo: the item counts as unanswered and the button asks
    assert photo_label in card.inner_text()
    card.locator("input[data-answer=after-photo]").set_input_files(str(after))
    card.locator("img.border-success").wait_for()
    page.wait_for_timeout(300)
    page.screenshot(path=f"/tmp/law-corrected-{shot}.png", full_page=True)
    page.get_by_test_id("next-section-bottom").click()
    page.get_by_test_id("item-A2").locator("button[data-answer=pass]").click()
    page.get_by_test_id("next-section-bottom").click()
    page.get_by_test_id("sign-name-0").fill("张检查")
    pad = page.get_by_test_id("sign-pad-0")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 2) * 50)
    page.mouse.up()
    page.get_by_test_id("sign-name-1").fill("李老板")
    page.get_by_test_id("sign-refused-1").check()
    page.get_by_test_id("sign-witness-1").fill("王见证")
    page.wait_for_timeout(400)
    page.get_by_test_id("submit-inspection").click()
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    page.get_by_test_id("corrected-A1").wait_for()
    assert record_note in page.get_by_test_id("answer-A1").inner_text()
    page.screenshot(path=f"/tmp/law-corrected-record-{shot}.png", full_page=True)

    inspection = Inspection.objects.get()
    assert inspection.n_failed == 1 and inspection.n_corrected == 1 and inspection.n_hazards == 0
    answer = inspection.answers.get(code="A1")
    assert answer.corrected_on_spot and answer.after_photos.count() == 1
    assert not Hazard.objects.exists()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
def test_corrected_on_the_spot_on_a_phone(phone_page, tmp_path, settings, language):
    _walk(phone_page, tmp_path, settings, f"phone-{language}", language)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
def test_corrected_on_the_spot_on_a_desktop(browser_page, tmp_path, settings, language):
    _walk(browser_page, tmp_path, settings, f"desktop-{language}", language)
