"""At 375 px: a unit manager records a training on the phone, and a staff member signs for it
on their own phone (no account) through the link of the record's QR code. Screenshots in both
languages go to /tmp/h-training/."""

import datetime as dt
from pathlib import Path

import pytest

from hazardloop.testing import browser_login, build_cast
from hazardloop.training.models import TrainingAttendance
from hazardloop.training.tests.helpers import person

SHOTS = Path("/tmp/h-training")


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width


def _sign_with_a_finger(page):
    pad = page.get_by_test_id("sign-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + i * 22, y + (18 if i % 2 else -18))
    page.mouse.up()


@pytest.mark.browser
def test_a_manager_records_a_training_and_a_staff_member_signs_on_a_phone(
    phone_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    SHOTS.mkdir(exist_ok=True)
    cast = build_cast()
    chef = person(cast.unit, "王大厨", hired_on=dt.date(2021, 3, 1))
    waiter = person(cast.unit, "李服务员", hired_on=dt.date.today() - dt.timedelta(days=5))

    page = phone_page
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/training/unit/{cast.unit.pk}/staff/")
    page.get_by_test_id("staff-rows").wait_for()
    _fits(page)
    page.screenshot(path=str(SHOTS / "staff-zh.png"), full_page=True)
    page.get_by_test_id("new-training").click()
    page.get_by_test_id("training-form").wait_for()
    page.fill("#id_topic", "新员工岗前消防安全培训")
    page.fill("#id_trainer", "店长")
    page.check("#id_pre_job")
    page.get_by_label("王大厨").check()
    _fits(page)
    page.screenshot(path=str(SHOTS / "training-form-zh.png"), full_page=True)
    box = page.get_by_test_id("training-save").bounding_box()
    assert box["height"] >= 44
    page.get_by_test_id("training-save").click()
    page.wait_for_url("**/training/*/")
    sign_url = page.get_by_test_id("sign-url").inner_text()
    _fits(page)
    page.screenshot(path=str(SHOTS / "training-detail-zh.png"), full_page=True)

    # The new waiter scans the code with their own phone: no account.
    staff_phone = page.context.browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        own = staff_phone.new_page()
        own.goto(sign_url)
        own.get_by_test_id("sign-form").wait_for()
        _fits(own)
        own.select_option("#staff", label="李服务员")
        _sign_with_a_finger(own)
        own.screenshot(path=str(SHOTS / "sign-zh.png"), full_page=True)
        own.get_by_test_id("sign-submit").click()
        own.get_by_test_id("signed").wait_for()
        own.screenshot(path=str(SHOTS / "signed-zh.png"), full_page=True)
    finally:
        staff_phone.close()
    row = TrainingAttendance.objects.get(staff=waiter)
    assert row.signed == "phone" and row.signature_id and row.signed_at
    assert TrainingAttendance.objects.filter(staff=chef, signed="listed").exists()

    page.reload()
    assert "李服务员" in page.get_by_test_id("attendance-rows").inner_text()
    page.goto(f"{page.base_url}/training/unit/{cast.unit.pk}/staff/")
    page.get_by_test_id("quiz-link").locator("summary").click()
    page.screenshot(path=str(SHOTS / "staff-after-zh.png"), full_page=True)
    quiz_url = page.get_by_test_id("quiz-link").locator("a").get_attribute("href")
    page.goto(quiz_url)
    page.get_by_test_id("quiz-form").wait_for()
    _fits(page)
    page.screenshot(path=str(SHOTS / "quiz-zh.png"), full_page=True)

    # The same pages in English.
    english = page.context.browser.new_context(
        locale="en-US", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        en = english.new_page()
        en.base_url = page.base_url
        browser_login(en, cast.unit_manager.username)
        en.goto(f"{page.base_url}/training/unit/{cast.unit.pk}/staff/")
        assert "Staff and training" in en.content()
        en.screenshot(path=str(SHOTS / "staff-en.png"), full_page=True)
        en.goto(f"{page.base_url}/training/unit/{cast.unit.pk}/new/")
        en.screenshot(path=str(SHOTS / "training-form-en.png"), full_page=True)
        en.goto(sign_url)
        en.screenshot(path=str(SHOTS / "sign-en.png"), full_page=True)
        en.goto(quiz_url)
        en.screenshot(path=str(SHOTS / "quiz-en.png"), full_page=True)
        en.goto(sign_url.replace("/t/s/", "/t/q/"))
        en.screenshot(path=str(SHOTS / "expired-en.png"), full_page=True)
    finally:
        english.close()
