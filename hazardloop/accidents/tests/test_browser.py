"""On a phone (375 px): a unit files a quick report; the county's duty officer sees it waiting
with a live countdown, receives it and reports it up; the city then sees it waiting."""

import pytest

from hazardloop.accidents.models import Accident
from hazardloop.accounts.choices import Role
from hazardloop.core.tests.test_browser_shell import sign_out
from hazardloop.testing import CITY, browser_login, build_cast, make_user

SHOTS = "/tmp/accidents"


@pytest.mark.browser
def test_a_unit_reports_and_the_duty_officer_forwards_it_on_a_phone(phone_page):
    cast = build_cast()
    make_user("t-duty-city", Role.DUTY_OFFICER, region=CITY)
    page = phone_page
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/accidents/new/")
    page.fill("[name=summary]", "后厨液化气起火")
    page.select_option("[name=accident_type]", "fire")
    page.fill("[name=course]", "液化气软管脱落起火")
    page.fill("[name=serious_injuries]", "2")
    page.fill("[name=direct_loss_cny]", "300000")
    page.screenshot(path=f"{SHOTS}-1-form-phone.png", full_page=True)
    page.click("[data-testid=report-submit]")
    page.wait_for_load_state("networkidle")
    accident = Accident.objects.get()
    assert page.url.endswith(f"/accidents/{accident.pk}/")
    assert page.get_by_test_id("grade-badge").inner_text().strip() == "一般事故"
    assert "第三条" in page.get_by_test_id("grade-reason").inner_text()
    page.screenshot(path=f"{SHOTS}-2-filed-phone.png", full_page=True)
    sign_out(page)

    browser_login(page, cast.duty_officer.username)
    page.goto(f"{page.base_url}/accidents/")
    row = page.get_by_test_id(f"waiting-{accident.pk}")
    countdown = row.get_by_test_id("countdown")
    # The script replaces the server's time with a running "remaining" sentence.
    page.wait_for_function(
        "el => el.dataset.state === 'left' && el.textContent.includes('剩余')",
        arg=countdown.element_handle(),
    )
    first = countdown.inner_text()
    page.wait_for_timeout(1200)
    assert countdown.inner_text() != first  # it counts down live
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    page.screenshot(path=f"{SHOTS}-3-desk-phone.png", full_page=True)
    row.get_by_test_id(f"receive-{accident.pk}").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("received-1").wait_for()
    page.get_by_test_id("forward-1").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("forwarded-1").wait_for()
    page.screenshot(path=f"{SHOTS}-4-forwarded-phone.png", full_page=True)
    step = accident.steps.get(seq=1)
    assert step.received_by == cast.duty_officer and step.forwarded_by == cast.duty_officer
    assert accident.steps.get(seq=2).sent_at is not None
    assert not step.late


@pytest.mark.browser
def test_pages_in_english_on_a_desktop(browser_page):
    from hazardloop.accidents.tests.factories import make_accident

    cast = build_cast()
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=3)
    page = browser_page
    browser_login(page, cast.duty_officer.username)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(f"{page.base_url}/accidents/{accident.pk}/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-countdown]')].some(e => e.dataset.state)"
    )
    assert "Larger" in page.get_by_test_id("grade-badge").inner_text()
    page.screenshot(path=f"{SHOTS}-5-detail-en.png", full_page=True)
    page.goto(f"{page.base_url}/accidents/")
    page.screenshot(path=f"{SHOTS}-6-list-en.png", full_page=True)
    page.goto(f"{page.base_url}/accidents/figures/")
    page.screenshot(path=f"{SHOTS}-7-figures-en.png", full_page=True)
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": page.base_url}]
    )
    page.goto(f"{page.base_url}/accidents/{accident.pk}/")
    page.screenshot(path=f"{SHOTS}-8-detail-zh.png", full_page=True)
    page.goto(f"{page.base_url}/accidents/figures/")
    page.screenshot(path=f"{SHOTS}-9-figures-zh.png", full_page=True)
    page.goto(f"{page.base_url}/")
    page.screenshot(path=f"{SHOTS}-10-workbench-zh.png", full_page=True)
