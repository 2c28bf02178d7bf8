"""The campaign task list on a phone: "inspect" opens the form for the unit with the campaign's
checklist chosen and the campaign carried; the desktop task page shows completion."""

import pytest

from hazardloop.campaigns import services
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.testing import browser_login, build_cast


@pytest.mark.browser
def test_inspect_from_the_task_list_on_a_phone(phone_page):
    cast = build_cast()
    load_builtin_templates()
    template = ChecklistTemplate.objects.get(code="fire-life-channels", region_code="")
    campaign = make_campaign(cast.regulator, checklists=[template.code])
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    page = phone_page
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/campaigns/{campaign.pk}/task-list/")
    page.screenshot(path="/tmp/campaign_tasks_phone.png", full_page=True)
    row = page.get_by_test_id("task-list").locator(".list-group-item", has_text=cast.unit.name)
    row.get_by_test_id("inspect").click()
    page.wait_for_load_state("networkidle")
    assert f"campaign={campaign.pk}" in page.url
    page.get_by_test_id("campaign-note").wait_for()
    page.wait_for_function(
        "id => document.querySelector('[data-testid=template-select]').value === String(id)",
        arg=template.pk,
    )
    page.screenshot(path="/tmp/campaign_inspect_phone.png", full_page=True)


@pytest.mark.browser
def test_task_page_on_a_desktop(browser_page):
    cast = build_cast()
    campaign = make_campaign(cast.regulator)
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    task = campaign.tasks.get(unit=cast.unit)
    page = browser_page
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/campaigns/tasks/{task.pk}/")
    page.get_by_test_id("check-done").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("task-status").inner_text().strip() in ("To do", "待办", "待完成")
    page.screenshot(path="/tmp/campaign_task_desktop.png", full_page=True)
