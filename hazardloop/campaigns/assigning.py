"""Assigning campaign inspection tasks to inspectors in one step (the task list's ticks).

Who may assign: whoever may run campaigns (`campaign.manage`) over every chosen task's region.
Whom: people with a department membership whose role may inspect (`inspection.create`) inside
the assigner's scope (`assignable_inspectors`), each of whom may inspect every chosen task's unit
and holds no role in it. A drawn task keeps the inspectors its double-random draw chose, and only
open tasks are assigned.

All or nothing: the officer ticked one list for one team, so if any chosen task or person does not
fit, nothing is written and the message names each one that does not. The chosen inspectors
replace the task's earlier ones; each task's change is audited, and the inspectors are told once
(their "My tasks" lists the tasks).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accounts.access import belongs_to_unit, scope_for
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import User
from hazardloop.accounts.permissions import role_has
from hazardloop.audit.services import record_events
from hazardloop.campaigns.choices import TaskStatus
from hazardloop.campaigns.completion import campaign_tree_ids
from hazardloop.campaigns.models import InspectionTask
from hazardloop.core.errors import DomainError
from hazardloop.notifications.services import notify
from hazardloop.regions.codes import subtree_filter

MAX_TASKS = 200
MAX_PEOPLE = 20


class AssignmentRefused(DomainError):
    """Nothing was assigned; `errors` names each task or person that does not fit."""

    def __init__(self, problems: list[str]):
        super().__init__(_("Nothing was assigned: %(problems)s") % {"problems": " ".join(problems)})
        self.errors = problems


def assignable_inspectors(user):
    """People who may inspect, with a department membership inside the user's campaign scope."""
    scope = scope_for(user, "campaign.manage")
    if scope.is_empty:
        return User.objects.none()
    roles = [r for r in Role.values if role_has(r, "inspection.create")]
    where = Q(
        memberships__is_active=True, memberships__unit__isnull=True, memberships__role__in=roles
    )
    if not scope.everything:
        inside = Q()
        for p in scope.prefixes:
            inside |= subtree_filter("memberships__region_id", p)
        where &= inside
    return User.objects.filter(where, is_active=True).distinct().order_by("username")


def assign_tasks(campaign, *, actor, task_ids, inspector_ids) -> list[InspectionTask]:
    """Give every chosen task the chosen inspectors, or refuse the whole (nothing written)."""
    task_ids = list(dict.fromkeys(task_ids))
    inspector_ids = list(dict.fromkeys(inspector_ids))
    manage = scope_for(actor, "campaign.manage")
    if manage.is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))
    if not task_ids:
        raise DomainError(_("Choose at least one task."))
    if not inspector_ids:
        raise DomainError(_("Choose at least one inspector."))
    if len(task_ids) > MAX_TASKS or len(inspector_ids) > MAX_PEOPLE:
        raise DomainError(
            _("Assign at most %(tasks)s tasks to at most %(people)s inspectors at once.")
            % {"tasks": MAX_TASKS, "people": MAX_PEOPLE}
        )
    tasks = list(
        InspectionTask.objects.filter(
            pk__in=task_ids, campaign_id__in=campaign_tree_ids(campaign.pk)
        ).select_related("unit")
    )
    problems = []
    found = {t.pk for t in tasks}
    if missing := [pk for pk in task_ids if pk not in found]:
        problems.append(
            _("Tasks not in this campaign: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        )
    people = list(assignable_inspectors(actor).filter(pk__in=inspector_ids))
    if len(people) != len(inspector_ids):
        problems.append(_("Choose the inspectors from the list."))
    for task in tasks:
        name = task.unit.name
        if not manage.covers(task.region_code, None):
            problems.append(_("%(unit)s: outside your scope.") % {"unit": name})
        elif task.status != TaskStatus.OPEN:
            problems.append(_("%(unit)s: the task is no longer open.") % {"unit": name})
        elif task.draw_id:
            problems.append(
                _("%(unit)s: a drawn task keeps the inspectors the draw chose.") % {"unit": name}
            )
        for person in people:
            if belongs_to_unit(person, task.unit_id) or not scope_for(
                person, "inspection.create"
            ).covers(task.region_code, task.unit_id):
                problems.append(
                    _("%(person)s may not inspect %(unit)s.") % {"person": person, "unit": name}
                )
    if problems:
        raise AssignmentRefused(problems)
    names = "、".join(str(p) for p in people)
    with transaction.atomic():
        for task in tasks:
            task.inspectors.set(people)
        record_events(
            [
                (
                    "campaign.tasks_assigned",
                    {
                        "actor": actor,
                        "obj": task,
                        "region_code": task.region_code,
                        "message": f"task {task.pk} assigned to {names}",
                    },
                )
                for task in tasks
            ]
        )
        stamp = int(timezone.now().timestamp() * 1000)
        notify(
            people,
            key=f"campaign.assigned.{campaign.pk}.{stamp}",
            message=gettext_noop(
                "You were assigned %(count)s inspection tasks of the campaign “%(title)s”."
            ),
            params={"count": len(tasks), "title": campaign.title},
            link=reverse("campaigns:my_tasks"),
            obj=campaign,
            region_code=campaign.region_code,
        )
    return tasks
