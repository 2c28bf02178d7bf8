"""Campaign tasks wired to inspections: the inspect action, completion by the sweep and by
the task page, and the set-based frequency policy."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from hazardloop.audit.models import AuditEvent
from hazardloop.campaigns import services
from hazardloop.campaigns.choices import TaskSource, TaskStatus
from hazardloop.campaigns.completion import complete_tasks_once
from hazardloop.campaigns.frequency import generate_due_tasks_once
from hazardloop.campaigns.models import FrequencyPolicy, InspectionTask
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version
from hazardloop.testing import make_unit, web_client
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


def _tasks(cast, **fields):
    template, version = template_and_version(code=f"campaign-{cast.unit.pk}")
    campaign = make_campaign(cast.regulator, checklists=[template.code], **fields)
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    return campaign, template, version


def _inspect(cast, version, unit=None, **overrides):
    unit = unit or cast.unit
    inspection, _ = submit_inspection(
        payload(cast, version, unit=unit, **{"failing": False, **overrides}),
        actor=cast.inspector,
        unit=unit,
        version=version,
    )
    return inspection


def test_inspect_action_opens_the_form_with_unit_checklist_and_campaign(cast):
    campaign, template, _version = _tasks(cast)
    page = web_client(cast.inspector).get(f"/campaigns/{campaign.pk}/task-list/")
    assert page.status_code == 200
    links = [t.inspect_url for t in page.context["rows"] if t.unit_id == cast.unit.pk]
    query = parse_qs(urlparse(links[0]).query)
    assert query == {
        "u": [cast.unit.public_id],
        "campaign": [str(campaign.pk)],
        "checklist": [str(template.pk)],
    }
    form = web_client(cast.inspector).get(links[0])
    boot = form.context["boot"]
    assert boot["unit"]["id"] == cast.unit.pk
    assert (boot["campaign"], boot["checklist"]) == (campaign.pk, template.pk)
    # A duty officer may see the tasks but not inspect: no action offered.
    page = web_client(cast.duty_officer).get(f"/campaigns/{campaign.pk}/task-list/")
    assert page.status_code == 200
    assert not any(getattr(t, "inspect_url", None) for t in page.context["rows"])


def test_a_campaign_inspection_completes_the_task_and_its_hazards_carry_the_campaign(cast):
    campaign, _template, version = _tasks(cast)
    task = InspectionTask.objects.get(campaign=campaign, unit=cast.unit)
    _inspect(cast, version)  # not for the campaign
    _inspect(cast, version, mode="self_inspection", campaign_id=campaign.pk)
    assert complete_tasks_once() == 0
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    inspection = _inspect(cast, version, mode="campaign", campaign_id=campaign.pk)
    assert complete_tasks_once() == 1
    assert complete_tasks_once() == 0  # idempotent
    task.refresh_from_db()
    assert (task.status, task.inspection_id) == (TaskStatus.DONE, inspection.pk)
    assert task.done_at == inspection.received_at
    other = InspectionTask.objects.exclude(pk=task.pk).get(campaign=campaign)
    assert other.status == TaskStatus.OPEN
    assert AuditEvent.objects.filter(action="campaign.tasks_done").count() == 1
    failing = _inspect(cast, version, mode="campaign", campaign_id=campaign.pk, failing=True)
    assert set(Hazard.objects.filter(unit=cast.unit).values_list("campaign_id", flat=True)) == {
        campaign.pk
    }
    assert failing.n_hazards >= 1


def test_an_adoption_s_inspection_completes_the_parent_s_task(cast):
    campaign, _template, version = _tasks(cast, region_code="220100")
    child = services.adopt_campaign(
        campaign, actor=cast.regulator, region=cast.unit.region, unit_filters=[], focus_items=[]
    )
    _inspect(cast, version, mode="campaign", campaign_id=child.pk)
    assert complete_tasks_once() >= 1
    assert InspectionTask.objects.get(campaign=campaign, unit=cast.unit).status == "done"


def test_task_page_checks_for_the_inspection_now(cast):
    campaign, _template, version = _tasks(cast)
    task = InspectionTask.objects.get(campaign=campaign, unit=cast.unit)
    client = web_client(cast.inspector)
    response = client.post(f"/campaigns/tasks/{task.pk}/", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    inspection = _inspect(cast, version, mode="campaign", campaign_id=campaign.pk)
    response = client.post(f"/campaigns/tasks/{task.pk}/", follow=True)
    task.refresh_from_db()
    assert (task.status, task.inspection_id) == (TaskStatus.DONE, inspection.pk)
    assert f"/inspections/{inspection.pk}/" in response.content.decode()
    assert AuditEvent.objects.filter(action="campaign.task_done").count() == 1
    client.post(f"/campaigns/tasks/{task.pk}/")  # again: unchanged, no second event
    assert AuditEvent.objects.filter(action="campaign.task_done").count() == 1


def test_a_unit_s_manager_sees_no_task_list(cast):
    """Tasks are the authorities' plan: not even a unit's own task is shown to its people."""
    campaign, _template, _version = _tasks(cast)
    page = web_client(cast.other_unit_manager).get(f"/campaigns/{campaign.pk}/task-list/")
    assert page.status_code == 404


def test_task_list_query_budget(cast, django_assert_max_num_queries):
    campaign, _template, _version = _tasks(cast)
    for _ in range(30):
        make_unit()
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    client = web_client(cast.regulator)
    with django_assert_max_num_queries(20):
        page = client.get(f"/campaigns/{campaign.pk}/task-list/")
    assert len(page.context["rows"]) == 32


def test_frequency_policy_creates_due_tasks_once_and_respects_overrides(cast):
    now = timezone.now()
    long_ago = now - dt.timedelta(days=400)
    Unit.objects.update(created_at=long_ago, risk_level="blue")
    red, fresh = make_unit(), make_unit()  # the level is computed on save: set it after
    Unit.objects.filter(pk=red.pk).update(created_at=now - dt.timedelta(days=20), risk_level="red")
    Unit.objects.filter(pk=fresh.pk).update(risk_level="blue")
    neighbour = make_unit(region_code="220103")
    Unit.objects.filter(pk=neighbour.pk).update(
        created_at=now - dt.timedelta(days=200), risk_level="blue"
    )
    FrequencyPolicy.objects.create(region_prefix="220103", risk_level="blue", interval_days=180)
    created = generate_due_tasks_once(now)
    due = set(
        InspectionTask.objects.filter(source=TaskSource.FREQUENCY).values_list("unit_id", flat=True)
    )
    # blue 365 days: the old units; red 30 days: due in 10 days, within the 14-day lookahead;
    # the neighbour's override (180 days) makes it due; the new blue unit is not.
    assert {cast.unit.pk, cast.other_unit.pk, red.pk, neighbour.pk} <= due
    assert fresh.pk not in due
    assert created == len(due)
    red_task = InspectionTask.objects.get(unit=red, source=TaskSource.FREQUENCY)
    assert red_task.due_on == timezone.localdate(now - dt.timedelta(days=20)) + dt.timedelta(
        days=30
    )
    assert generate_due_tasks_once(now) == 0  # an open task: nothing more


def test_frequency_counts_from_the_last_inspection(cast):
    now = timezone.now()
    Unit.objects.update(created_at=now - dt.timedelta(days=400), risk_level="blue")
    _template, version = template_and_version(code="freq")
    _inspect(cast, version)  # inspected today: next one due in a year
    generate_due_tasks_once(now)
    due = set(InspectionTask.objects.values_list("unit_id", flat=True))
    assert cast.unit.pk not in due
    assert cast.other_unit.pk in due
    # The other unit's frequency task is done by a regulator's inspection.
    _inspect(cast, version, unit=cast.other_unit)
    assert complete_tasks_once() == 1
    assert InspectionTask.objects.get(unit=cast.other_unit).status == TaskStatus.DONE
    assert generate_due_tasks_once(now) == 0
