"""A duty officer on a 375-px phone: the workbench shows the shift, one tap checks in, and
"who is on duty now" lists them with the leader of the day; the roster is a day list on a
phone and a month grid on a desktop."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.core.tests.test_tap_targets_browser import MEASURE
from hazardloop.duty import services
from hazardloop.duty.tests.helpers import roster
from hazardloop.testing import browser_login, build_cast


def _on_duty_now(cast):
    r = roster(cast)
    now = timezone.now().replace(microsecond=0)
    shift = services.add_shift(
        r,
        actor=cast.regulator,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=8),
        officers=[(cast.duty_officer, None)],
    )
    services.set_leader(r, shift.day, actor=cast.regulator, user=cast.regulator)
    return r, shift


@pytest.mark.browser
def test_a_duty_officer_checks_in_and_sees_who_is_on_duty_on_a_phone(phone_page):
    cast = build_cast()
    _r, shift = _on_duty_now(cast)
    page = phone_page
    browser_login(page, cast.duty_officer.username)
    page.goto(page.base_url + "/")
    section = page.get_by_test_id("section-my_shift")
    section.wait_for()
    button = page.get_by_test_id(f"do-check_in-{shift.pk}")
    box = button.bounding_box()
    assert box["height"] >= 24 and box["x"] + box["width"] <= 375
    page.screenshot(path="/tmp/duty_workbench_phone.png", full_page=True)
    button.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/duty/shifts/{shift.pk}/")
    assert page.get_by_test_id(f"checked-in-{cast.duty_officer.pk}").is_visible()
    assert not page.get_by_test_id("check-in").count()  # once
    page.screenshot(path="/tmp/duty_shift_phone.png", full_page=True)
    page.goto(page.base_url + "/duty/now/")
    officers = page.get_by_test_id("now-officers")
    assert str(cast.duty_officer) in officers.inner_text()
    assert page.get_by_test_id("now-leader").inner_text() == str(cast.regulator)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/duty_now_phone.png", full_page=True)
    assert not page.evaluate(MEASURE), page.evaluate(MEASURE)  # every target ≥ 24 px
    shift.refresh_from_db()
    assert shift.assignments.get().checked_in_at is not None


@pytest.mark.browser
def test_the_roster_month_on_a_phone_and_a_desktop(phone_page, browser_page):
    cast = build_cast()
    r, _shift = _on_duty_now(cast)
    for page, name in ((phone_page, "phone"), (browser_page, "desktop")):
        browser_login(page, cast.regulator.username)
        page.goto(f"{page.base_url}/duty/rosters/{r.pk}/")
        if name == "phone":
            assert page.get_by_test_id("day-list").is_visible()
            assert not page.get_by_test_id("calendar").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
        else:
            assert page.get_by_test_id("calendar").is_visible()
        assert page.get_by_test_id("flagged").is_visible()  # the other days have no shifts
        if name == "phone":
            assert not page.evaluate(MEASURE), page.evaluate(MEASURE)
            page.goto(f"{page.base_url}/duty/shifts/{_shift.pk}/")
            assert not page.evaluate(MEASURE), page.evaluate(MEASURE)
        page.screenshot(path=f"/tmp/duty_roster_{name}.png", full_page=True)
