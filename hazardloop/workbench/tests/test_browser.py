"""Each role's workbench in a browser, on a 375-px phone and on a desktop: sign in, the lists hold
the seeded rows, one click acts, and the row leaves its list. Screenshots of every role's
workbench in both languages go to /tmp/workbench-<role>-<size>-<lang>.png."""

import pytest
from django.core.cache import cache

from hazardloop.campaigns.completion import complete_one
from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version
from hazardloop.testing import browser_login, build_cast
from hazardloop.workbench.tests.seed import seed_day

SIZES = ["phone_page", "browser_page"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture(params=SIZES)
def size_page(request, live_server, transactional_db):
    """Each test runs at 375 px (phone) and at desktop size."""
    page = request.getfixturevalue(request.param)
    page.size = request.param
    return page


def _shots(page, role: str, size: str) -> None:
    """The workbench in Chinese and in English (then back to Chinese)."""
    name = "phone" if size == "phone_page" else "desktop"
    page.goto(page.base_url + "/")
    page.screenshot(path=f"/tmp/workbench-{role}-{name}-zh.png", full_page=True)
    cookie = {"name": "django_language", "value": "en", "url": page.base_url}
    page.context.add_cookies([cookie])
    page.goto(page.base_url + "/")
    assert "Workbench" in page.inner_text("h1")
    page.screenshot(path=f"/tmp/workbench-{role}-{name}-en.png", full_page=True)
    page.context.add_cookies([{**cookie, "value": "zh-hans"}])
    page.goto(page.base_url + "/")


def _ids(page, key: str) -> list[str]:
    return page.locator(f"[data-testid^='item-{key}-']").evaluate_all(
        "els => els.map(e => e.dataset.testid.split('-').pop())"
    )


@pytest.mark.browser
def test_the_county_office_orders_and_verifies_in_one_click(size_page):
    page, size = size_page, size_page.size
    cast = build_cast()
    day = seed_day(cast)
    browser_login(page, cast.regulator.username)
    assert page.url.rstrip("/") == page.base_url
    _shots(page, "office", size)
    assert _ids(page, "to_order") == [str(day.found.pk)]
    assert _ids(page, "to_verify") == [str(day.submitted.pk)]
    assert _ids(page, "overdue") == [str(day.overdue.pk)]
    assert _ids(page, "documents") == [str(day.document.pk)]
    assert _ids(page, "due_soon") == [str(day.due_soon.pk)]
    assert len(_ids(page, "extensions")) == 1 and _ids(page, "campaign_tasks")
    assert page.get_by_test_id("nav-count-todo").first.inner_text().startswith("3")

    page.get_by_test_id(f"do-order-{day.found.pk}").click()
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.inner_text(".hl-messages")
    assert _ids(page, "to_order") == []
    page.get_by_test_id(f"do-verify-{day.submitted.pk}").click()
    page.wait_for_load_state("networkidle")
    assert _ids(page, "to_verify") == []
    assert Hazard.objects.get(pk=day.found.pk).status == Status.ORDERED
    assert Hazard.objects.get(pk=day.submitted.pk).status == Status.VERIFIED


@pytest.mark.browser
def test_the_inspector_sees_tasks_a_draft_and_rechecks(size_page):
    page, size = size_page, size_page.size
    cast = build_cast()
    day = seed_day(cast)
    browser_login(page, cast.inspector.username)
    # A draft left on this device by the phone form.
    page.evaluate(
        "([id, name]) => localStorage.setItem('hl-inspection-draft-' + id, JSON.stringify("
        "{unit: {id: 1, name: name}, answers: {A1: {result: 'pass'}}, started_at:"
        " '2026-12-04T09:30:00+08:00', version: {items: [{}, {}, {}]}}))",
        [cast.inspector.pk, "草稿里的饭店"],
    )
    _shots(page, "inspector", size)
    assert page.get_by_test_id("drafts").is_visible()
    assert "草稿里的饭店" in page.inner_text("[data-testid=drafts]")
    assert "1 / 3" in page.inner_text("[data-testid=drafts]")
    assert _ids(page, "my_tasks") == [str(day.task.pk)]
    assert _ids(page, "recent_inspections") == [str(day.inspection.pk)]
    new = page.get_by_test_id("new-inspection").bounding_box()
    first_list = page.get_by_test_id("group-inspector").bounding_box()
    if size == "phone_page":  # "new inspection" comes first on a phone
        assert new["y"] < first_list["y"] and new["height"] >= 44

    page.get_by_test_id(f"do-verify-{day.submitted.pk}").click()
    page.wait_for_load_state("networkidle")
    assert _ids(page, "rechecks") == []
    page.get_by_test_id("draft-continue").click()
    page.wait_for_load_state("networkidle")
    assert "/inspections/new/" in page.url


@pytest.mark.browser
def test_the_expert_gives_advice_and_it_leaves_the_list(size_page):
    page, size = size_page, size_page.size
    cast = build_cast()
    day = seed_day(cast)
    browser_login(page, cast.expert.username)
    _shots(page, "expert", size)
    assert _ids(page, "assigned") == [str(day.due_soon.pk)]
    assert _ids(page, "advice_due") == [str(day.due_soon.pk)]
    page.get_by_test_id(f"open-advice_due-{day.due_soon.pk}").click()
    page.wait_for_load_state("networkidle")
    form = page.get_by_test_id("action-advise")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    page.fill("#text-advise", "建议先临时张贴疏散指示，再更换灯具")
    page.get_by_test_id("do-advise").click()
    page.wait_for_load_state("networkidle")
    page.goto(page.base_url + "/")
    assert _ids(page, "advice_due") == []
    assert _ids(page, "assigned") == [str(day.due_soon.pk)]


@pytest.mark.browser
def test_the_leader_opens_the_inspection_to_lead(size_page):
    page, size = size_page, size_page.size
    cast = build_cast()
    day = seed_day(cast)
    browser_login(page, cast.leader.username)
    _shots(page, "leader", size)
    assert _ids(page, "lead_tasks") == [str(day.lead_task.pk)]
    assert _ids(page, "led_inspections") == [str(day.inspection.pk)]
    assert _ids(page, "overdue") == [str(day.overdue.pk)]
    assert page.get_by_test_id("figure-overdue").inner_text().startswith("1")

    page.get_by_test_id(f"open-lead_tasks-{day.lead_task.pk}").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("mode-select").input_value() == "leader_led"
    assert cast.unit.name in page.inner_text("[data-testid=step-setup]")
    # The inspection is submitted (as the form would) and the task is done: it leaves the list.
    _template, version = template_and_version(code="leader-list")
    body = payload(cast, version, user=cast.leader, failing=False, campaign_id=day.campaign.pk)
    submit_inspection(body, actor=cast.leader, unit=cast.unit, version=version)
    complete_one(day.lead_task)
    page.goto(page.base_url + "/")
    assert _ids(page, "lead_tasks") == []


@pytest.mark.browser
def test_the_unit_manager_rectifies_and_self_inspects(size_page):
    page, size = size_page, size_page.size
    cast = build_cast()
    day = seed_day(cast)
    browser_login(page, cast.unit_manager.username)
    _shots(page, "unit", size)
    hazards = _ids(page, "unit_hazards")
    assert hazards[0] == str(day.overdue.pk) and len(hazards) == 4
    assert "更换损坏的疏散指示标志" in page.inner_text(
        f"[data-testid=item-unit_hazards-{day.due_soon.pk}]"
    )
    assert _ids(page, "self_inspection_due") == [str(day.invite.pk)]
    assert _ids(page, "latest_inspection") == [str(day.inspection.pk)]
    assert page.get_by_test_id("new-inspection").inner_text().strip() == "立即自查"

    page.get_by_test_id(f"open-unit_hazards-{day.due_soon.pk}").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("do-start").click()
    page.wait_for_load_state("networkidle")
    assert Hazard.objects.get(pk=day.due_soon.pk).status == Status.RECTIFYING

    page.goto(page.base_url + "/")
    page.get_by_test_id(f"open-self_inspection_due-{day.invite.pk}").click()
    page.wait_for_load_state("networkidle")
    modes = page.get_by_test_id("mode-select").locator("option")
    assert modes.count() == 1 and page.get_by_test_id("mode-select").input_value() == (
        "self_inspection"
    )
    assert cast.unit.name in page.inner_text("[data-testid=step-setup]")
    _template, version = template_and_version(code="self-list")
    body = payload(cast, version, user=cast.unit_manager, failing=False, mode="self_inspection")
    submit_inspection(body, actor=cast.unit_manager, unit=cast.unit, version=version)
    page.goto(page.base_url + "/")
    assert _ids(page, "self_inspection_due") == []


@pytest.mark.browser
def test_changing_the_mode_keeps_the_draft(phone_page):
    page = phone_page
    cast = build_cast()
    template, _version = template_and_version(code="mode-list")
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/inspections/new/?unit={cast.unit.pk}")
    page.get_by_test_id("template-select").select_option(str(template.pk))
    page.get_by_test_id("start-checklist").click()
    page.get_by_test_id("item-A1").locator("button[data-answer=pass]").click()
    page.get_by_test_id("mode-select-items").select_option("patrol")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("step-items").is_visible()
    assert page.get_by_test_id("mode-select-items").input_value() == "patrol"
    draft = page.evaluate(
        f"JSON.parse(localStorage.getItem('hl-inspection-draft-{cast.inspector.pk}'))"
    )
    assert draft["mode"] == "patrol" and draft["answers"]["A1"]["result"] == "pass"
    # Opened again from a link that asks for another mode: the same draft, in that mode.
    page.goto(f"{page.base_url}/inspections/new/?unit={cast.unit.pk}&mode=unannounced")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("mode-select-items").input_value() == "unannounced"
    draft = page.evaluate(
        f"JSON.parse(localStorage.getItem('hl-inspection-draft-{cast.inspector.pk}'))"
    )
    assert draft["answers"]["A1"]["result"] == "pass"
