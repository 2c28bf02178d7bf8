"""Assigning ticked campaign tasks to inspectors in one step: all or nothing, inspectors from
the assigner's scope who may inspect each unit, drawn tasks untouched, audited."""

from hazardloop.audit.models import AuditEvent
from hazardloop.campaigns import assigning, drawing, services
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.testing import web_client


def _campaign_with_tasks(cast):
    campaign = make_campaign(cast.regulator, title="南关国庆专项整治")
    services.generate_tasks(campaign, actor=cast.regulator, due_on=campaign.ends_on)
    return campaign


def test_assigns_ticked_tasks_from_the_page(cast):
    campaign = _campaign_with_tasks(cast)
    tasks = list(campaign.tasks.all())
    assert len(tasks) >= 2
    client = web_client(cast.regulator)
    page = client.get(f"/campaigns/{campaign.pk}/task-list/").content.decode()
    assert f'data-testid="tick-task-{tasks[0].pk}"' in page
    assert f'<option value="{cast.inspector.pk}">' in page
    assert f'<option value="{cast.neighbour_inspector.pk}">' not in page  # outside the scope
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


def test_one_misfit_assigns_nothing_and_names_it(cast):
    campaign = _campaign_with_tasks(cast)
    tasks = list(campaign.tasks.all())
    # A neighbour's inspector is not the regulator's to choose.
    try:
        assigning.assign_tasks(
            campaign,
            actor=cast.regulator,
            task_ids=[t.pk for t in tasks],
            inspector_ids=[cast.inspector.pk, cast.neighbour_inspector.pk],
        )
    except assigning.DomainError as exc:
        assert "检查人员" in str(exc) or "inspectors" in str(exc)
    else:
        raise AssertionError("a neighbour's inspector was accepted")
    assert all(not t.inspectors.exists() for t in tasks)
    assert not AuditEvent.objects.filter(action="campaign.tasks_assigned").exists()


def test_drawn_task_keeps_its_draw(cast):
    campaign = make_campaign(cast.regulator, title="南关国庆专项整治")
    draw = drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=1,
        inspectors_per_unit=1,
        exclude_same_township=False,
        seed="keep",
    )
    task = draw.tasks.get()
    before = set(task.inspectors.values_list("pk", flat=True))
    client = web_client(cast.regulator)
    page = client.get(f"/campaigns/{campaign.pk}/task-list/").content.decode()
    assert f'data-testid="tick-task-{task.pk}"' not in page
    client.post(
        f"/campaigns/{campaign.pk}/task-list/assign/",
        {"tasks": [task.pk], "inspectors": [cast.inspector.pk]},
    )
    assert set(task.inspectors.values_list("pk", flat=True)) == before
