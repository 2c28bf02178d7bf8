"""The whole loop in a browser: an inspector orders, the unit submits with an after-photo, a
different inspector verifies, the hazard closes."""

import io

import pytest
from PIL import Image

from hazardloop.accounts.choices import Role
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import browser_login, build_cast, make_user
from hazardloop.units.models import Unit


@pytest.mark.browser
def test_the_whole_loop(browser_page, phone_page, tmp_path):
    cast = build_cast()
    second = make_user("t-insp-2", Role.INSPECTOR, region="220102", kind=DepartmentKind.FIRE)
    h = hazard(cast, title="安全出口被杂物堵塞")
    page = browser_page

    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/hazards/{h.pk}/")
    page.fill("#due_at-order", "2099-12-31")
    page.fill("#measures-order", "清理安全出口杂物")
    page.click("[data-testid=do-order]")
    page.wait_for_load_state("networkidle")
    assert "已责令整改" in page.inner_text("[data-testid=status]")
    page.screenshot(path="/tmp/hazard-ordered.png", full_page=True)

    image = tmp_path / "after.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 140, 60)).save(buf, "JPEG")
    image.write_bytes(buf.getvalue())
    phone = phone_page
    browser_login(phone, cast.unit_manager.username)
    phone.goto(f"{phone.base_url}/hazards/{h.pk}/")
    phone.click("[data-testid=do-start]")
    phone.wait_for_load_state("networkidle")
    phone.set_input_files("#photo_ids-submit", str(image))
    phone.fill("#note-submit", "杂物已清理，出口畅通")
    phone.click("[data-testid=do-submit]")
    phone.wait_for_load_state("networkidle")
    assert "已提交复查" in phone.inner_text("[data-testid=status]")
    assert phone.locator("[data-testid=after-photo]").count() == 1
    phone.screenshot(path="/tmp/hazard-submitted-phone.png", full_page=True)

    page.context.clear_cookies()
    browser_login(page, second.username)
    page.goto(f"{page.base_url}/hazards/{h.pk}/")
    page.fill("#reason-verify", "现场复查合格")
    assert not page.is_checked("#close-verify")  # offered to an inspector, never pre-ticked
    page.check("#close-verify")
    page.click("[data-testid=do-verify]")
    page.wait_for_load_state("networkidle")
    assert "已销号" in page.inner_text("[data-testid=status]")
    page.screenshot(path="/tmp/hazard-closed.png", full_page=True)
    h.refresh_from_db()
    assert h.status == "closed"
    assert list(h.events.values_list("kind", flat=True)) == [
        "created",
        "order",
        "start",
        "submit",
        "verify",
        "close",
    ]
    assert Hazard.objects.get(pk=h.pk).events.get(kind="verify").actor == second
    page.goto(f"{page.base_url}/hazards/")
    page.screenshot(path="/tmp/hazard-ledger.png", full_page=True)


@pytest.mark.browser
def test_recording_a_hazard_by_hand_with_the_grade_preview(browser_page, phone_page, tmp_path):
    from hazardloop.hazards.tests.helpers import ensure_rules

    cast = build_cast()
    ensure_rules()
    # GB 35181-2017 6.5 is a direct element at shops (not at a restaurant, §12.1).
    Unit.objects.filter(pk=cast.unit.pk).update(sector_id="retail")
    page = browser_page
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/hazards/")
    page.click("[data-testid=record-link]")
    page.fill("#unit-q", cast.unit.name)
    page.press("#unit-q", "Enter")
    page.wait_for_load_state("networkidle")
    page.click(f"[data-testid=unit-choices] a[href='/hazards/units/{cast.unit.pk}/new/']")
    page.fill("#id_description", "二楼疏散走道被铁栅栏封闭")
    page.fill("#id_found_at", "2022-10-08T10:00")
    page.fill("#id_rule_refs", "gb35181:6.5")
    page.wait_for_selector("[data-testid=preview-reason]:has-text('6.5')")
    assert "GB 35181-2017 6.5" in page.inner_text("[data-testid=preview-reason]")
    page.screenshot(path="/tmp/hazard-record.png", full_page=True)
    image = tmp_path / "before.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (160, 40, 40)).save(buf, "JPEG")
    image.write_bytes(buf.getvalue())
    page.set_input_files("#id_photos", str(image))
    page.click("[data-testid=record-submit]")
    page.wait_for_load_state("networkidle")
    assert "重大隐患" in page.inner_text("[data-testid=grade]")
    assert "GB 35181-2017 6.5" in page.inner_text("[data-testid=grade-reason]")
    page.screenshot(path="/tmp/hazard-recorded.png", full_page=True)

    phone = phone_page
    browser_login(phone, cast.unit_manager.username)
    phone.goto(f"{phone.base_url}/hazards/new/")
    phone.fill("#id_description", "灭火器压力不足")
    phone.screenshot(path="/tmp/hazard-record-phone.png", full_page=True)
    phone.click("[data-testid=record-submit]")
    phone.wait_for_load_state("networkidle")
    assert Hazard.objects.filter(unit=cast.unit, source="self_inspection").count() == 1
