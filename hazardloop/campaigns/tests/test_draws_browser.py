"""A draw's page and the drawn inspector's task list, on a phone and a desktop, in Chinese and
English: the drawn units with their inspectors, the units that could not be drawn, no sideways
scrolling on a phone."""

import pytest

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.campaigns import drawing
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.regions.models import Region
from hazardloop.testing import browser_login, build_cast, make_unit, make_user

TEXT = {
    "zh-hans": {"mine": "我的任务", "left_out": "未能参与抽取的单位", "drawn": "已抽取"},
    "en": {"mine": "My tasks", "left_out": "Units that could not be drawn", "drawn": "units drawn"},
}


def _setting():
    cast = build_cast()
    Region.objects.get_or_create(
        code="220102001",
        defaults={
            "parent_id": "220102",
            "level": "township",
            "name_zh": "南岭街道",
            "name_en": "Nanling Subdistrict",
        },
    )
    for i in range(6):
        make_unit("220102001", name=f"南岭街道第{i + 1}家长名字的饺子馆和火锅店")
    make_unit("220104", name="朝阳区没有检查人员的饭店")
    make_user("t-insp-2", Role.INSPECTOR, region="220102", kind="fire")
    Membership.objects.create(  # Nanguan's third inspector lives in Nanling
        user=make_user("t-insp-3", Role.INSPECTOR, region="220102", kind="fire"),
        role=Role.INSPECTOR,
        department=None,
        region_id="220102001",
    )
    city = make_campaign(cast.city_regulator, "220100", title="国庆节前消防安全专项整治")
    draw = drawing.draw_units(
        city, actor=cast.city_regulator, unit_count=5, inspectors_per_unit=2, seed="ui"
    )
    # Sign in as somebody the draw named.
    return User.objects.get(pk=draw.result[0]["inspectors"][0]), draw


def _look(page, draw, language: str, name: str) -> None:
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    words = TEXT[language]
    page.goto(f"{page.base_url}/campaigns/tasks/mine/")
    page.get_by_test_id("my-task-list").wait_for()
    assert words["mine"] in page.content()
    assert page.get_by_test_id("my-task-list").locator(".list-group-item").count() >= 1
    page.screenshot(path=f"/tmp/campaign_my_tasks_{name}_{language}.png", full_page=True)
    _no_sideways_scroll(page)
    page.goto(f"{page.base_url}/campaigns/draws/{draw.pk}/")
    page.get_by_test_id("draw-rows").wait_for()
    body = page.content()
    assert words["drawn"] in body and words["left_out"] in body
    assert "朝阳区没有检查人员的饭店" in page.get_by_test_id("draw-left-out").text_content()
    page.screenshot(path=f"/tmp/campaign_draw_{name}_{language}.png", full_page=True)
    _no_sideways_scroll(page)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_draw_and_my_tasks_on_a_phone(phone_page, language):
    person, draw = _setting()
    browser_login(phone_page, person.username)
    _look(phone_page, draw, language, "phone")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_draw_and_my_tasks_on_a_desktop(browser_page, language):
    person, draw = _setting()
    browser_login(browser_page, person.username)
    _look(browser_page, draw, language, "desktop")
