"""Assigning campaign tasks to inspectors in one step, from the task list's ticks and through
`POST /api/v1/campaigns/tasks/assign` (one service): inspectors from the assigner's scope chosen
with the search picker, the tasks that fit assigned and each other named with its reason, drawn
tasks untouched, audited."""

from urllib.parse import urlencode

from hazardloop.audit.models import AuditEvent
from hazardloop.campaigns import assigning, drawing, services
from hazardloop.campaigns.models import InspectionTask
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.testing import HOME, NEIGHBOUR, api_client, make_user, web_client

ASSIGN = "/api/v1/campaigns/tasks/assign"


def _campaign_with_tasks(cast, region=HOME, actor=None):
    campaign = make_campaign(actor or cast.regulator, region, title="南关国庆专项整治")
    services.generate_tasks(campaign, actor=actor or cast.regulator, due_on=campaign.ends_on)
    return campaign


def _drawn_task(cast):
    campaign = make_campaign(cast.regulator, title="南关双随机")
    draw = drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=1,
        inspectors_per_unit=1,
        exclude_same_township=False,
        seed="keep",
    )
    return draw.tasks.get()


def test_assigns_ticked_tasks_from_the_page(cast):
    campaign = _campaign_with_tasks(cast)
    tasks = list(campaign.tasks.all())
    assert len(tasks) >= 2
    client = web_client(cast.regulator)
    page = client.get(f"/campaigns/{campaign.pk}/task-list/").content.decode()
    assert f'data-testid="tick-task-{tasks[0].pk}"' in page
    # The inspectors are chosen with the search picker, not from a list of every id.
    assert 'data-testid="inspectors-search"' in page and 'name="inspectors" multiple' not in page
    response = client.post(
        f"/campaigns/{campaign.pk}/task-list/assign/",
        {"tasks": [t.pk for t in tasks], "inspectors": [cast.inspector.pk]},
        follow=True,
    )
    assert response.status_code == 200
    for task in tasks:
        assert list(task.inspectors.all()) == [cast.inspector]
    assert AuditEvent.objects.filter(action="campaign.tasks_assigned").count() == len(tasks)
    # The inspector finds them on their own list.
    mine = web_client(cast.inspector).get("/campaigns/tasks/mine/").content.decode()
    assert cast.unit.name in mine


def test_inspector_picker_offers_only_active_inspectors_in_scope(cast):
    gone = make_user("t-insp-gone", "inspector", region=HOME)
    gone.is_active = False
    gone.save()
    client = web_client(cast.regulator)

    def search(q, picked=()):
        query = urlencode({"inspectors-q": q, "inspectors": list(picked)}, doseq=True)
        return client.get(f"/campaigns/pick/inspectors/?{query}").content.decode()

    found = search("t-insp")
    assert f'value="{cast.inspector.pk}"' in found
    assert f'value="{cast.neighbour_inspector.pk}"' not in found  # another county's
    assert f'value="{gone.pk}"' not in found  # deactivated
    assert f'value="{cast.unit_manager.pk}"' not in search("t-unit")  # a unit's own people
    # A second search keeps the first one's choice, checked, and never offers it twice.
    again = search("nobody-matches", picked=[cast.inspector.pk, cast.neighbour_inspector.pk])
    assert again.count(f'value="{cast.inspector.pk}"') == 1
    assert f'value="{cast.inspector.pk}" checked' in again
    assert f'value="{cast.neighbour_inspector.pk}"' not in again
    # The unit's own people may not search.
    assert web_client(cast.unit_manager).get("/campaigns/pick/inspectors/").status_code == 403


def test_inspectors_not_the_assigners_to_choose_write_nothing(cast):
    campaign = _campaign_with_tasks(cast)
    tasks = list(campaign.tasks.all())
    response = api_client(cast.regulator).post(
        ASSIGN,
        {
            "task_ids": [t.pk for t in tasks],
            "inspector_ids": [cast.inspector.pk, cast.neighbour_inspector.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "检查人员" in response.json()["detail"] or "inspectors" in response.json()["detail"]
    assert all(not t.inspectors.exists() for t in tasks)
    assert not AuditEvent.objects.filter(action="campaign.tasks_assigned").exists()


def test_api_assigns_those_that_fit_and_names_each_refusal(cast):
    campaign = _campaign_with_tasks(cast)
    open_task = campaign.tasks.get(unit=cast.unit)
    drawn = _drawn_task(cast)
    theirs = _campaign_with_tasks(cast, NEIGHBOUR, actor=cast.neighbour_regulator).tasks.first()
    ids = [open_task.pk, drawn.pk, theirs.pk, 2**62]
    response = api_client(cast.regulator).post(
        ASSIGN,
        {"task_ids": ids, "inspector_ids": [cast.inspector.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(t["id"], t["inspector_ids"]) for t in body["assigned"]] == [
        (open_task.pk, [cast.inspector.pk])
    ]
    assert [(r["id"], r["code"]) for r in body["refused"]] == [
        (drawn.pk, "not_allowed_now"),
        (theirs.pk, "not_found"),  # another county's task reads as missing
        (2**62, "not_found"),
    ]
    assert all(r["reason"] for r in body["refused"])
    assert not theirs.inspectors.exists()
    assert AuditEvent.objects.filter(action="campaign.tasks_assigned").count() == 1
    assert AuditEvent.objects.filter(action="access.out_of_scope", object_id=str(theirs.pk))


def test_api_nothing_assigned_is_refused_whole(cast):
    drawn = _drawn_task(cast)
    before = set(drawn.inspectors.values_list("pk", flat=True))
    api = api_client(cast.regulator)
    response = api.post(
        ASSIGN,
        {"task_ids": [drawn.pk], "inspector_ids": [cast.inspector.pk]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_assigned"
    assert f"#{drawn.pk}" in response.json()["errors"][0]["message"]
    assert set(drawn.inspectors.values_list("pk", flat=True)) == before
    # Only other counties' tasks: exactly like one missing task.
    theirs = _campaign_with_tasks(cast, NEIGHBOUR, actor=cast.neighbour_regulator).tasks.first()
    missing = api.post(
        ASSIGN,
        {"task_ids": [theirs.pk], "inspector_ids": [cast.inspector.pk]},
        content_type="application/json",
    )
    assert missing.status_code == 404


def test_api_inputs_are_bounded(cast):
    api = api_client(cast.regulator)
    too_many = list(range(1, assigning.MAX_TASKS + 2))
    for body in (
        {"task_ids": too_many, "inspector_ids": [cast.inspector.pk]},
        {"task_ids": [], "inspector_ids": [cast.inspector.pk]},
        {"task_ids": [1], "inspector_ids": []},
        {"task_ids": [0], "inspector_ids": [cast.inspector.pk]},
    ):
        response = api.post(ASSIGN, body, content_type="application/json")
        assert response.status_code == 422, body
    assert not InspectionTask.objects.filter(inspectors__isnull=False).exists()


def test_page_reports_each_task_not_assigned(cast):
    campaign = _campaign_with_tasks(cast)
    task = campaign.tasks.get(unit=cast.unit)
    other = campaign.tasks.get(unit=cast.other_unit)
    other.status = "cancelled"
    other.save()
    response = web_client(cast.regulator).post(
        f"/campaigns/{campaign.pk}/task-list/assign/",
        {"tasks": [task.pk, other.pk], "inspectors": [cast.inspector.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert list(task.inspectors.all()) == [cast.inspector]
    assert not other.inspectors.exists()
    assert "已分配1项任务" in page
    assert f"任务 #{other.pk}" in page


def test_drawn_task_keeps_its_draw(cast):
    task = _drawn_task(cast)
    before = set(task.inspectors.values_list("pk", flat=True))
    client = web_client(cast.regulator)
    page = client.get(f"/campaigns/{task.campaign_id}/task-list/").content.decode()
    assert f'data-testid="tick-task-{task.pk}"' not in page
    client.post(
        f"/campaigns/{task.campaign_id}/task-list/assign/",
        {"tasks": [task.pk], "inspectors": [cast.inspector.pk]},
    )
    assert set(task.inspectors.values_list("pk", flat=True)) == before
