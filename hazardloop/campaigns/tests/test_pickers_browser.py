"""A district regulator launches a campaign choosing its region and checklist by searching
their names, then sets up a task force choosing its members the same way, and assigns a task to
an inspector found by name: at desktop and at 375 px, in Chinese and in English."""

import pytest

from hazardloop.campaigns import services
from hazardloop.campaigns.models import Campaign, TaskForce
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.testing import browser_login, build_cast

WORDS = {
    "zh-hans": {"launched": "专项行动已部署", "force": "专班已组建", "assigned": "已分配1项任务"},
    "en": {"launched": "The campaign is launched.", "force": "The task force is set up.",
           "assigned": "1 task assigned."},
}  # fmt: skip


def _fits(page, name):
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"] + 1, f"{name} scrolls sideways: {wide}px"


def _pick(page, name, text, value):
    """Type into the picker `name`, wait for the option `value` and tick it."""
    page.fill(f"[data-testid={name}-search]", text)
    option = page.locator(f"#pick-{name}-{value}")
    option.wait_for()
    option.check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("fixture", ["phone_page", "browser_page"])
def test_campaign_task_force_and_tasks_with_pickers(request, fixture, language):
    page = request.getfixturevalue(fixture)
    size = "phone" if fixture == "phone_page" else "desktop"
    words = WORDS[language]
    cast = build_cast()
    checklist = ChecklistTemplate.objects.create(
        code="nanguan-gas", region_code="220102", title_zh="南关区燃气专项检查表",
        title_en="Nanguan gas checklist",
    )  # fmt: skip
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    browser_login(page, cast.regulator.username)

    page.goto(f"{page.base_url}/campaigns/new/")
    page.fill("input[name=title]", "国庆节前燃气专项整治")
    page.fill("input[name=starts_on]", "2022-09-28")
    page.fill("input[name=ends_on]", "2022-10-31")
    _pick(page, "scope_regions", "南关", "220102")
    _pick(page, "checklists", "燃气专项", str(checklist.pk))
    # A second search keeps the region chosen by the first.
    page.fill("[data-testid=scope_regions-search]", "不存在的地区")
    page.locator("[data-testid=scope_regions-none]").wait_for()
    assert page.is_checked("#pick-scope_regions-220102")
    _fits(page, "campaign form")
    page.screenshot(path=f"/tmp/campaign-form-pickers-{size}-{language}.png", full_page=True)
    page.click("[data-testid=campaign-submit]")
    page.wait_for_load_state("networkidle")
    assert words["launched"] in page.inner_text("body")
    campaign = Campaign.objects.get()
    assert campaign.scope_regions == ["220102"] and campaign.checklists == [str(checklist.pk)]
    assert checklist.title_zh[:4] in page.inner_text("body") or "Nanguan gas" in page.inner_text(
        "body"
    )

    # The task force: members found by name.
    page.fill("input[name=name]", "燃气专班")
    _pick(page, "members", cast.inspector.username, cast.inspector.pk)
    _fits(page, "campaign page")
    page.screenshot(path=f"/tmp/campaign-members-picker-{size}-{language}.png", full_page=True)
    page.locator("form[action$='/task-force/'] button").click()
    page.wait_for_load_state("networkidle")
    assert words["force"] in page.inner_text("body")
    force = TaskForce.objects.get()
    assert list(force.members.values_list("user_id", flat=True)) == [cast.inspector.pk]

    # The task list: one task to an inspector found by name.
    services.generate_tasks(campaign, actor=cast.regulator, due_on=campaign.ends_on)
    task = campaign.tasks.get(unit=cast.unit)
    page.goto(f"{page.base_url}/campaigns/{campaign.pk}/task-list/")
    page.check(f"[data-testid=tick-task-{task.pk}]")
    _pick(page, "inspectors", cast.inspector.username[:4], cast.inspector.pk)
    _fits(page, "task list")
    page.screenshot(path=f"/tmp/campaign-inspectors-picker-{size}-{language}.png", full_page=True)
    page.click("[data-testid=assign-submit]")
    page.wait_for_load_state("networkidle")
    assert words["assigned"] in page.inner_text("body")
    assert list(task.inspectors.all()) == [cast.inspector]
