"""The phone form end to end: a whole restaurant checklist with photos and signatures."""

import re
from itertools import groupby

import pytest

from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Inspection
from hazardloop.testing import browser_login, build_cast

FAIL = {"R10", "R18"}
NUMBERS = {"R04": "2.5", "R07": "1", "R08": "3", "R12": "60", "R14": "0.8", "R20": "0"}


def _sign(page, testid, index):
    page.get_by_test_id(testid).scroll_into_view_if_needed()
    box = page.get_by_test_id(testid).bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 2) * 50)
    page.mouse.up()
    page.wait_for_function(
        "i => Object.keys(localStorage).some(k => k.startsWith('hl-inspection-draft-') &&"
        " JSON.parse(localStorage.getItem(k)).signatures[i].data.length > 0)",
        arg=index,
    )


@pytest.mark.browser
def test_phone_inspection_of_a_restaurant(phone_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    cast.unit.gas_use = "bottled_lpg"
    cast.unit.save(update_fields=["gas_use"])
    load_builtin_templates()
    template = ChecklistTemplate.objects.get(code="restaurant-gas", region_code="")
    items = list(template.versions.get().items.all())
    sections = [list(group) for _s, group in groupby(items, key=lambda i: i.section_zh)]
    picture = tmp_path / "kitchen.jpg"
    picture.write_bytes(jpeg_bytes(size=(1200, 900), color="orange"))

    page = phone_page
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/inspections/new/?unit={cast.unit.pk}")
    page.get_by_test_id("template-select").select_option(str(template.pk))
    page.get_by_test_id("start-checklist").click()

    for n, section in enumerate(sections):
        for item in section:
            card = page.get_by_test_id(f"item-{item.code}")
            if item.answer_type == "pass_fail":
                card.locator(
                    f"button[data-answer={'fail' if item.code in FAIL else 'pass'}]"
                ).click()
            elif item.answer_type == "number":
                card.locator("input[data-answer=number]").fill(NUMBERS[item.code])
            elif item.answer_type == "text":
                card.locator("textarea[data-answer=text]").fill("15 kg×4")
            if item.code in FAIL or item.code == "R04" or item.answer_type == "photo":
                card.locator("input[data-answer=photo]").set_input_files(str(picture))
                card.locator("img.hl-thumb").wait_for()
        if n == 0:
            # the draft survives a reload
            page.wait_for_timeout(500)
            page.reload()
            page.get_by_test_id("item-R01").locator("button.btn-success").wait_for()
            page.screenshot(path="/tmp/inspection-form-phone.png", full_page=True)
        page.get_by_test_id("next-section-bottom").click()

    page.get_by_test_id("sign-name-0").fill("张检查")
    _sign(page, "sign-pad-0", 0)
    page.get_by_test_id("sign-name-1").fill("李老板")
    _sign(page, "sign-pad-1", 1)
    page.wait_for_timeout(400)
    page.screenshot(path="/tmp/inspection-sign-phone.png", full_page=True)
    page.get_by_test_id("submit-inspection").click()
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    page.get_by_test_id("record-hazards").wait_for()
    page.screenshot(path="/tmp/inspection-record-phone.png", full_page=True)

    inspection = Inspection.objects.get()
    assert inspection.n_items == len(items) == 28
    assert inspection.signatures.filter(image__isnull=False).count() == 2
    hazards = Hazard.objects.filter(unit=cast.unit)
    assert {h.source_ref.rsplit(":", 1)[1] for h in hazards} == FAIL | {"R04"}
    assert hazards.get(source_ref__endswith="R10").grade == "major"
    # Titled with the violation found, not the requirement (regulations.md §12.6).
    assert hazards.get(source_ref__endswith="R10").title.startswith("在地下室、半地下室")
    text = page.get_by_test_id("record-hazards").inner_text()
    for hazard in hazards:
        assert hazard.title[:10] in text


@pytest.mark.browser
def test_desktop_pages_look_right(browser_page, tmp_path, settings):
    from hazardloop.inspections.services import submit_inspection
    from hazardloop.inspections.tests.helpers import payload, template_and_version

    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    load_builtin_templates()
    _t, version = template_and_version()
    inspection, _ = submit_inspection(
        payload(cast, version), actor=cast.inspector, unit=cast.unit, version=version
    )
    page = browser_page
    browser_login(page, cast.regulator.username)
    page.goto(f"{page.base_url}/inspections/")
    page.get_by_test_id("inspection-table").wait_for()
    page.screenshot(path="/tmp/inspection-list-desktop.png", full_page=True)
    page.goto(f"{page.base_url}/inspections/{inspection.pk}/")
    page.get_by_test_id("record-hazards").wait_for()
    page.screenshot(path="/tmp/inspection-record-desktop.png", full_page=True)
    restaurant = ChecklistTemplate.objects.get(code="restaurant-gas")
    page.goto(f"{page.base_url}/checklists/{restaurant.pk}/")
    page.get_by_test_id("item-R10").wait_for()
    page.screenshot(path="/tmp/checklist-detail-desktop.png", full_page=False)
    page.goto(f"{page.base_url}/checklists/")
    page.screenshot(path="/tmp/checklist-list-desktop.png", full_page=False)
