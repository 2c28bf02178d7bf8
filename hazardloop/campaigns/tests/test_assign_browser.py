"""A district regulator on a phone ticks two tasks of the campaign's list and assigns them to an
inspector in one step; the inspector's name shows on both."""

import pytest

from hazardloop.campaigns import services
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.testing import browser_login, build_cast


@pytest.mark.browser
def test_assign_two_tasks_on_a_phone(phone_page):
    cast = build_cast()
    campaign = make_campaign(cast.regulator)
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    tasks = list(campaign.tasks.filter(unit__in=[cast.unit, cast.other_unit]))
    page = phone_page
    browser_login(page, cast.regulator.username)
    page.goto(f"{page.base_url}/campaigns/{campaign.pk}/task-list/")
    for task in tasks:
        page.check(f"[data-testid=tick-task-{task.pk}]")
    # The inspector is found by searching a part of the name (the picker), not chosen by id.
    page.fill("[data-testid=inspectors-search]", cast.inspector.username[:4])
    page.check(f"#pick-inspectors-{cast.inspector.pk}")
    page.screenshot(path="/tmp/campaign_assign_phone.png", full_page=True)
    page.click("[data-testid=assign-submit]")
    page.wait_for_load_state("networkidle")
    assert "已分配2项任务" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shown = page.get_by_test_id("task-list").inner_text()
    assert shown.count(str(cast.inspector)) == 2
    page.screenshot(path="/tmp/campaign_assigned_phone.png", full_page=True)
    for task in tasks:
        assert list(task.inspectors.all()) == [cast.inspector]
