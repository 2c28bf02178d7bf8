"""At 375 px and on a desktop, in Chinese and English: the unit manager sees a certificate
expiring on the workbench, records a certificate and a control-room shift, sets the opening
hours; the county regulator reads the expiring list with a short shift flagged."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.testing import browser_login, build_cast
from hazardloop.training.tests.certificates_helpers import certificate, shift, staff


def _english(page):
    host = page.base_url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "domain": host, "path": "/"}]
    )


def _fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, scroll


def _seed():
    cast = build_cast()
    cast.unit.is_public_gathering = True
    cast.unit.business_hours = "10:00-22:00"
    cast.unit.save()
    a, b = staff(cast.unit, name="王建国"), staff(cast.unit, name="李秀英")
    welder = staff(cast.unit, name="孙海涛", post="hot_work")
    certificate(a, days=600)
    certificate(b, days=12)
    shift(cast.unit, [a, b], day=timezone.localdate(), kind="day")
    shift(cast.unit, [a, welder], day=timezone.localdate() - dt.timedelta(days=1), kind="night")
    return cast


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unit_manager_on_a_phone(phone_page, lang):
    cast = _seed()
    page = phone_page
    if lang == "en":
        _english(page)
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/")
    section = page.get_by_test_id("section-certificates_expiring")
    section.get_by_text("李秀英").first.wait_for()
    page.get_by_test_id("link-duties_today-1").wait_for()
    section.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/certs-workbench-phone-{lang}.png", full_page=True)
    _fits(page, 375)

    page.goto(f"{page.base_url}/certificates/unit/{cast.unit.pk}/")
    page.get_by_test_id("shift-short").first.wait_for()
    page.screenshot(path=f"/tmp/certs-unit-phone-{lang}.png", full_page=True)
    _fits(page, 375)

    page.get_by_test_id("add-certificate").click()
    page.get_by_test_id("certificate-form").wait_for()
    page.select_option(
        "#id_holder",
        label="孙海涛 · " + ("电焊、气割人员" if lang == "zh" else "Welder or cutter"),
    )
    page.select_option("#id_kind", "welding")
    page.fill("#id_number", "T-2027")
    page.fill("#id_expires_on", "2026-01-01")
    page.fill("#id_issued_on", "2026-06-01")
    page.get_by_test_id("certificate-save").click()
    page.get_by_test_id("form-errors").wait_for()
    page.screenshot(path=f"/tmp/certs-form-error-phone-{lang}.png", full_page=True)
    _fits(page, 375)
    page.fill("#id_issued_on", "")
    page.fill("#id_expires_on", "2029-01-01")
    page.get_by_test_id("certificate-save").click()
    page.get_by_test_id("certificate-rows").get_by_text("T-2027").wait_for()

    page.get_by_test_id("add-shift").click()
    page.get_by_test_id("shift-form").wait_for()
    page.get_by_label("王建国").check()
    page.screenshot(path=f"/tmp/certs-shift-phone-{lang}.png", full_page=True)
    _fits(page, 375)
    page.get_by_test_id("shift-save").click()
    page.get_by_test_id("shift-rows").wait_for()

    page.goto(f"{page.base_url}/duties/unit/{cast.unit.pk}/")
    page.get_by_test_id("set-hours").click()
    page.get_by_test_id("hours-form").wait_for()
    page.fill("#id_opens", "11:00")
    page.fill("#id_closes", "02:00")
    page.locator("label[for=id_closed_days_0]").click()
    page.screenshot(path=f"/tmp/hours-phone-{lang}.png", full_page=True)
    _fits(page, 375)
    page.get_by_test_id("hours-save").click()
    page.get_by_test_id("duty-rows").wait_for()
    assert "11:00–02:00" in page.content()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regulator_reads_the_expiring_list_on_a_desktop(browser_page, lang):
    cast = _seed()
    page = browser_page
    if lang == "en":
        _english(page)
    browser_login(page, cast.regulator.username)
    page.goto(f"{page.base_url}/certificates/expiring/")
    page.get_by_test_id("expiring-list").get_by_text("李秀英").first.wait_for()
    page.get_by_test_id("shift-short").first.wait_for()
    page.screenshot(path=f"/tmp/certs-expiring-desktop-{lang}.png", full_page=True)
    page.goto(f"{page.base_url}/certificates/unit/{cast.unit.pk}/")
    assert page.get_by_test_id("add-certificate").count() == 0  # read only
    page.screenshot(path=f"/tmp/certs-unit-desktop-{lang}.png", full_page=True)
