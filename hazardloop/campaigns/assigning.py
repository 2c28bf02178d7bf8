"""Assigning campaign inspection tasks to inspectors in one step (the task list's ticks and
`POST /api/v1/campaigns/tasks/assign`: one service for both).

Who may assign: whoever may run campaigns (`campaign.manage`) over a task's region.
Whom: people with a department membership whose role may inspect (`inspection.create`) inside
the assigner's scope (`assignable_inspectors`), each of whom may inspect the task's unit and
holds no role in it. A drawn task keeps the inspectors its double-random draw chose, and only
open tasks are assigned.

The inspectors are the request itself: if one of them is not the assigner's to choose, nothing
is written (`DomainError`). The tasks are a list, handled as an officer expects from a list
(like ordering several hazards, hazards/bulk.py): the tasks that fit are assigned, each one that
does not is named with its reason (`Refusal`), and a refusal never undoes the others. When none
fits, the whole request is refused: 404 when no task is in the caller's scope (out of scope
reads as missing and is audited), 403 when the caller's role may assign none of them, otherwise
`NothingAssigned` (409) with the reasons. The chosen inspectors replace a task's earlier ones;
each task's change is audited, and the inspectors are told once per campaign (their "My tasks"
lists the tasks).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from hazardloop.accounts.access import belongs_to_unit, scope_for
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import User
from hazardloop.accounts.permissions import role_has
from hazardloop.audit.services import record_event, record_events
from hazardloop.campaigns.access import plan_scope
from hazardloop.campaigns.choices import TaskStatus
from hazardloop.campaigns.completion import campaign_tree_ids
from hazardloop.campaigns.models import InspectionTask
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.notifications.services import notify
from hazardloop.regions.codes import subtree_filter

MAX_TASKS = 200
MAX_PEOPLE = 20


@dataclass(frozen=True)
class Refusal:
    task_id: int
    code: str  # not_found, permission_denied, not_allowed_now, invalid
    reason: str  # translated, for the user


@dataclass
class AssignResult:
    assigned: list = field(default_factory=list)  # the tasks, as assigned
    refused: list[Refusal] = field(default_factory=list)


class NothingAssigned(Conflict):
    """No task of the list could be assigned; `errors` names each one's reason."""

    code = "nothing_assigned"

    def __init__(self, refused: list[Refusal]):
        super().__init__(_("No task was assigned."))
        self.refused = refused
        self.errors = [refusal_text(r) for r in refused]


def refusal_text(refusal: Refusal) -> str:
    return _("Task #%(id)s: %(reason)s") % {"id": refusal.task_id, "reason": refusal.reason}


def summary(result: AssignResult) -> str:
    count = len(result.assigned)
    return ngettext("%(count)s task assigned.", "%(count)s tasks assigned.", count) % {
        "count": count
    }


def office_people(user, roles, where: Q | None = None):
    """Active people with an active office (department) membership of one of `roles` inside
    the user's campaign.manage scope, that same membership also meeting `where`."""
    scope = scope_for(user, "campaign.manage")
    if scope.is_empty:
        return User.objects.none()
    condition = Q(
        memberships__is_active=True, memberships__unit__isnull=True, memberships__role__in=roles
    )
    if where is not None:
        condition &= where
    if not scope.everything:
        inside = Q()
        for p in scope.prefixes:
            inside |= subtree_filter("memberships__region_id", p)
        condition &= inside
    # One filter() call: every condition is on the same membership row.
    return User.objects.filter(condition, is_active=True).distinct().order_by("username")


def inspecting_roles() -> list[str]:
    return [r for r in Role.values if role_has(r, "inspection.create")]


def assignable_inspectors(user):
    """People who may inspect, with a department membership inside the user's campaign scope."""
    return office_people(user, inspecting_roles())


def _check(task, people, manage) -> tuple[str, str] | None:
    """Why `task` may not be given `people` (code, reason), or None."""
    if not manage.covers(task.region_code, None):
        return "permission_denied", _("Your role does not allow this action here.")
    if task.status != TaskStatus.OPEN:
        return "not_allowed_now", _("The task is no longer open.")
    if task.draw_id:
        return "not_allowed_now", _("A drawn task keeps the inspectors the draw chose.")
    misfits = [
        str(person)
        for person in people
        if belongs_to_unit(person, task.unit_id)
        or not scope_for(person, "inspection.create").covers(task.region_code, task.unit_id)
    ]
    if misfits:
        return "invalid", _("%(people)s may not inspect %(unit)s.") % {
            "people": "、".join(misfits),
            "unit": task.unit.name,
        }
    return None


def assign_tasks(*, actor, task_ids, inspector_ids, campaign=None) -> AssignResult:
    """Give every chosen task that fits the chosen inspectors; name each one that does not.

    `campaign` (the task list's page) limits the tasks to that campaign and its adoptions;
    a task outside it reads as missing. Raises DomainError for lists empty or too long or an
    inspector not the actor's to choose (nothing written); Http404 / PermissionDenied when
    every task was out of scope / role; NothingAssigned when none fits for other reasons.
    """
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
    people = list(assignable_inspectors(actor).filter(pk__in=inspector_ids))
    if len(people) != len(inspector_ids):
        raise DomainError(_("Choose the inspectors from the list."))
    result = AssignResult()
    with transaction.atomic():
        visible = plan_scope(actor).filter(InspectionTask.objects.all(), "region_code", None)
        if campaign is not None:
            visible = visible.filter(campaign_id__in=campaign_tree_ids(campaign.pk))
        tasks = {
            t.pk: t
            for t in visible.filter(pk__in=task_ids)
            .select_related("unit", "campaign")
            .select_for_update(of=("self",))
        }
        hidden = [pk for pk in task_ids if pk not in tasks]
        for task in InspectionTask.objects.filter(pk__in=hidden):
            record_event(
                "access.out_of_scope",
                actor=actor,
                obj=task,
                message="campaign.manage refused: outside the user's scope",
            )
        for pk in task_ids:
            task = tasks.get(pk)
            if task is None:
                result.refused.append(Refusal(pk, "not_found", _("Not found.")))
            elif problem := _check(task, people, manage):
                result.refused.append(Refusal(pk, *problem))
            else:
                result.assigned.append(task)
        _write(result.assigned, people, actor)
    if not result.assigned:
        codes = {r.code for r in result.refused}
        if codes == {"not_found"}:
            raise Http404(_("Not found."))
        if codes <= {"not_found", "permission_denied"}:
            raise PermissionDenied(_("Your role does not allow this action here."))
        raise NothingAssigned(result.refused)
    return result


def _write(tasks, people, actor) -> None:
    """Set the inspectors, audit each task, tell the inspectors once per campaign."""
    if not tasks:
        return
    names = "、".join(str(p) for p in people)
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
    by_campaign: dict = {}
    for task in tasks:
        by_campaign.setdefault(task.campaign_id, [task.campaign, 0])[1] += 1
    for campaign, count in by_campaign.values():
        if campaign is None:  # the frequency policy's tasks belong to no campaign
            notify(
                people,
                key=f"tasks.assigned.{stamp}",
                message=gettext_noop("You were assigned %(count)s inspection tasks."),
                params={"count": count},
                link=reverse("campaigns:my_tasks"),
                region_code=tasks[0].region_code,
            )
            continue
        notify(
            people,
            key=f"campaign.assigned.{campaign.pk}.{stamp}",
            message=gettext_noop(
                "You were assigned %(count)s inspection tasks of the campaign “%(title)s”."
            ),
            params={"count": count, "title": campaign.title},
            link=reverse("campaigns:my_tasks"),
            obj=campaign,
            region_code=campaign.region_code,
        )
