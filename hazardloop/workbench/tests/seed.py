"""A Nanguan day in which every list of every role's workbench has something in it, made with
the apps' own services (fixture rows only where a service would need a whole campaign run)."""

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from hazardloop.campaigns.choices import MemberRole, TaskSource
from hazardloop.campaigns.models import (
    InspectionTask,
    SelfInspectionInvite,
    TaskForce,
    TaskForceMember,
)
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.hazards.choices import Source
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.services import (
    assign_expert,
    create_hazard,
    order_hazard,
    request_extension,
    start_rectification,
    submit_rectification,
)
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.hazards.tests.helpers import photo as hazard_photo
from hazardloop.inspections.access import check_submission
from hazardloop.inspections.models import Inspection
from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.services import issue_document
from hazardloop.supervision.tests.helpers import departments
from hazardloop.testing import HOME


@dataclass
class Day:
    found: Hazard
    submitted: Hazard
    due_soon: Hazard
    overdue: Hazard
    document: object
    task: InspectionTask
    lead_task: InspectionTask
    inspection: Inspection
    invite: SelfInspectionInvite
    campaign: object


def _hazard(cast, title, **fields):
    ensure_rules()
    return create_hazard(
        cast.unit,
        actor=cast.inspector,
        source=Source.INSPECTION,
        title=title,
        description=f"{title}（现场检查发现）",
        **fields,
    )


def seed_day(cast) -> Day:
    now = timezone.now()
    today = timezone.localdate()
    found = _hazard(cast, "灭火器压力不足")

    submitted = _hazard(cast, "燃气报警器未安装")
    order_hazard(submitted, actor=cast.inspector, due_at=now + dt.timedelta(days=10))
    start_rectification(submitted, actor=cast.unit_manager)
    after = hazard_photo(cast.unit_manager, cast.unit)
    submit_rectification(submitted, actor=cast.unit_manager, note="已安装", photo_ids=[after.pk])

    due_soon = _hazard(cast, "疏散指示标志损坏")
    order_hazard(
        due_soon,
        actor=cast.inspector,
        due_at=now + dt.timedelta(days=3),
        measures="更换损坏的疏散指示标志",
    )
    request_extension(
        due_soon,
        actor=cast.unit_manager,
        reason="标志需从厂家订购",
        proposed_due_at=now + dt.timedelta(days=20),
    )
    assign_expert(due_soon, actor=cast.regulator, expert_id=cast.expert.pk)

    with time_machine.travel(now - dt.timedelta(days=30), tick=False):
        overdue = _hazard(cast, "安全出口上锁")
        order_hazard(overdue, actor=cast.inspector, due_at=now - dt.timedelta(days=5))
    fire = departments()["fire"]
    document = issue_document(
        due_soon, actor=cast.inspector, kind=DocumentKind.DEADLINE_ORDER, department=fire
    )

    campaign = make_campaign(
        cast.regulator,
        title="冬季燃气安全专项检查",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
    )
    task = InspectionTask.objects.create(
        campaign=campaign,
        root=campaign,
        unit=cast.other_unit,
        region_code=HOME,
        source=TaskSource.DRAW,
        due_on=today,
    )
    task.inspectors.add(cast.inspector)
    force = TaskForce.objects.create(campaign=campaign, region_code=HOME, name="第一检查组")
    TaskForceMember.objects.create(
        task_force=force, user=cast.leader, role=MemberRole.LEADER, home_region_code="220100"
    )
    lead_task = InspectionTask.objects.create(
        campaign=campaign,
        root=campaign,
        unit=cast.unit,
        region_code=HOME,
        source=TaskSource.LIST,
        due_on=today + dt.timedelta(days=2),
        task_force=force,
    )
    invite = SelfInspectionInvite.objects.create(
        campaign=campaign,
        unit=cast.unit,
        region_code=HOME,
        invited_at=now,
        due_on=today + dt.timedelta(days=5),
    )

    _template, version = template_and_version()
    check_submission(cast.inspector, cast.unit, version.pk, "routine")
    body = payload(cast, version, failing=False, device_time=now.isoformat())
    inspection, _created = submit_inspection(
        body, actor=cast.inspector, unit=cast.unit, version=version
    )
    Inspection.objects.filter(pk=inspection.pk).update(leader=cast.leader)
    for h in (found, submitted, due_soon, overdue):
        h.refresh_from_db()
    return Day(
        found, submitted, due_soon, overdue, document, task, lead_task, inspection, invite, campaign
    )
