"""In a real browser: an office adds a person with the unit picker, the person signs in with the
temporary password and must choose their own; a password reset by one-time link; every people
page at 375 px and desktop width, in Chinese and English, without sideways scrolling."""

import re

import pytest

from hazardloop.accounts.models import User
from hazardloop.testing import browser_login, build_cast

pytestmark = pytest.mark.browser
NEW = "my-own-private-phrase"


def _sign_out(page):
    page.context.clear_cookies()


def test_add_a_person_on_a_phone_and_they_choose_their_password(phone_page):
    cast = build_cast()
    page = phone_page
    browser_login(page, "t-reg")
    page.goto(page.base_url + "/people/")
    page.click("[data-testid=person-new]")
    page.fill("input[name=username]", "xiaoli")
    page.fill("input[name=name]", "小李")
    page.select_option("select[name=grant-role]", "unit_safety_officer")
    page.fill("[data-testid=unit-search]", "饺子")
    page.locator("[data-testid=unit-option]").first.wait_for()
    page.locator("label", has_text=cast.unit.name).click()
    page.screenshot(path="/tmp/people-new-phone-zh.png", full_page=True)
    page.click("[data-testid=person-save]")
    temporary = page.locator("[data-testid=temporary-password]").inner_text().strip()
    assert re.fullmatch(r"(\w{4}-){3}\w{4}", temporary)
    page.screenshot(path="/tmp/people-temporary-phone-zh.png", full_page=True)
    person = User.objects.get(username="xiaoli")
    assert person.memberships.get().unit_id == cast.unit.pk

    _sign_out(page)
    browser_login(page, "xiaoli", temporary)
    assert "/account/password/" in page.url  # before anything else
    page.goto(page.base_url + "/hazards/")
    assert "/account/password/" in page.url
    page.fill("input[name=new_password]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("[data-testid=password-required-submit]")
    page.wait_for_load_state("networkidle")
    assert "/account/password/" not in page.url and "/hazards/" in page.url
    person.refresh_from_db()
    assert not person.must_change_password and person.check_password(NEW)


def test_reset_a_password_by_one_time_link(browser_page):
    build_cast()
    page = browser_page
    browser_login(page, "t-reg")
    page.goto(page.base_url + "/people/?q=t-insp")
    page.locator("[data-testid=person-row]", has_text="t-insp").first.click()
    page.click("[data-testid=person-reset]")
    page.check("input[value=link]")
    page.click("[data-testid=reset-submit]")
    link = page.locator("[data-testid=reset-link]").inner_text().strip()
    page.screenshot(path="/tmp/people-link-desktop-zh.png", full_page=True)

    _sign_out(page)
    page.goto(link)
    page.fill("input[name=new_password]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/login/")
    browser_login(page, "t-insp", NEW)
    assert "/login/" not in page.url
    page.goto(link)  # used once: dead
    assert page.locator("h1").inner_text() == "此链接已失效"


PAGES = [
    ("list", "/people/"),
    ("new", "/people/new/"),
    ("import", "/people/import/"),
    ("person", "/people/{pk}/"),
    ("edit", "/people/{pk}/edit/"),
    ("reset", "/people/{pk}/password/"),
    ("deactivate", "/people/{pk}/active/"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("fixture", ["phone_page", "browser_page"])
def test_every_people_page_fits_in_both_languages(request, fixture, language):
    page = request.getfixturevalue(fixture)
    cast = build_cast()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, "t-reg")
    size = "phone" if fixture == "phone_page" else "desktop"
    for name, path in PAGES:
        page.goto(page.base_url + path.format(pk=cast.unit_manager.pk))
        assert page.locator("h1").count() == 1, name
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= page.viewport_size["width"] + 1, f"{name} scrolls sideways: {wide}px"
        page.screenshot(path=f"/tmp/people-{name}-{size}-{language}.png", full_page=True)
    if language == "en":
        page.goto(page.base_url + "/people/")
        assert "People" in page.locator("h1").inner_text()
