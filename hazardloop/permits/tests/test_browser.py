"""On a phone (375 px): a restaurant manager applies for a hot-work permit, the safety officer
approves it. On a desktop: the county regulator sees the permits, a refused one with its
reason, and records a check on site. Screenshots in Chinese and English (/tmp/permits-*)."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.core.tests.test_browser_shell import sign_out
from hazardloop.permits import services
from hazardloop.permits.models import HotWorkPermit
from hazardloop.permits.tests.helpers import make_permit, make_site
from hazardloop.testing import browser_login, build_cast

SHOTS = "/tmp/permits"
FMT = "%Y-%m-%dT%H:%M"


def _english(page):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])


@pytest.mark.browser
def test_a_manager_applies_and_the_safety_officer_approves_on_a_phone(phone_page):
    cast = build_cast()
    welder, watch, officer = make_site(cast.unit)
    page = phone_page
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/permits/")
    page.click("[data-testid=permit-new]")
    start = timezone.localtime() + dt.timedelta(minutes=10)
    page.fill("[name=place]", "后厨排烟罩")
    page.fill("[name=reason]", "排烟罩支架开焊，补焊加固")
    page.fill("[name=planned_start]", start.strftime(FMT))
    page.fill("[name=planned_end]", (start + dt.timedelta(hours=3)).strftime(FMT))
    page.select_option("[name=worker_id]", str(welder.pk))
    page.select_option("[name=fire_watch_id]", str(watch.pk))
    for code in ("combustibles_cleared", "no_flammable_discharge", "extinguishers",
                 "fire_watch_present"):  # fmt: skip
        page.check(f"#m-{code}")
    page.fill("[name=gas_taken_at]", timezone.localtime().strftime(FMT))
    page.fill("[name=gas_lel]", "0")
    page.screenshot(path=f"{SHOTS}-1-form-phone.png", full_page=True)
    page.click("[data-testid=permit-submit]")
    page.wait_for_selector("[data-testid=permit-status]")
    permit = HotWorkPermit.objects.get(place="后厨排烟罩")
    assert permit.status == "submitted"
    assert page.locator("[data-testid=action-approve]").count() == 0  # not the applicant's
    page.screenshot(path=f"{SHOTS}-2-submitted-phone.png", full_page=True)
    sign_out(page)
    browser_login(page, officer.username)
    page.goto(f"{page.base_url}/permits/{permit.pk}/")
    page.click("[data-testid=action-approve] button")
    page.wait_for_selector("[data-testid=permit-status]")
    permit.refresh_from_db()
    assert permit.status == "approved"
    page.screenshot(path=f"{SHOTS}-3-approved-phone.png", full_page=True)
    _english(page)
    page.goto(f"{page.base_url}/permits/{permit.pk}/")
    assert "Approved, work not going on" in page.content()
    page.screenshot(path=f"{SHOTS}-4-approved-phone-en.png", full_page=True)
    page.goto(f"{page.base_url}/permits/new/")
    page.screenshot(path=f"{SHOTS}-5-form-phone-en.png", full_page=True)


@pytest.mark.browser
def test_the_regulator_sees_a_refusal_and_records_a_site_check(browser_page):
    cast = build_cast()
    welder, watch, officer = make_site(cast.unit)
    _w, lapsed, _o = make_site(cast.unit, trained=False)
    live = make_permit(cast.unit, cast.unit_manager, welder, watch)
    refused = make_permit(cast.unit, cast.unit_manager, welder, lapsed, gas_minutes_ago=None)
    services.perform(refused, "approve", actor=officer)
    page = browser_page
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/permits/?show=all")
    page.screenshot(path=f"{SHOTS}-6-list-desktop.png", full_page=True)
    page.goto(f"{page.base_url}/permits/{refused.pk}/")
    assert page.locator("[data-testid=permit-refusal]").is_visible()
    page.screenshot(path=f"{SHOTS}-7-refused-desktop.png", full_page=True)
    page.goto(f"{page.base_url}/permits/{live.pk}/")
    page.check("#s-no")
    page.fill("#s-note", "现场未见灭火器")
    page.click("[data-testid=action-site_check] button")
    page.wait_for_selector("[data-testid=permit-history]")
    assert "现场未见灭火器" in page.content()
    page.screenshot(path=f"{SHOTS}-8-checked-desktop.png", full_page=True)
    _english(page)
    page.goto(f"{page.base_url}/permits/{refused.pk}/")
    assert "has no current fire-safety training record" in page.content()
    page.screenshot(path=f"{SHOTS}-9-refused-desktop-en.png", full_page=True)
    page.goto(f"{page.base_url}/permits/?show=all")
    page.screenshot(path=f"{SHOTS}-10-list-desktop-en.png", full_page=True)
