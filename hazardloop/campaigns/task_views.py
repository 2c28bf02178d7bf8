"""A campaign's task list (what to inspect, with an "inspect" action that opens the phone form
for the unit with the campaign's checklist), the tasks assigned to the signed-in inspector (the
units a draw gave them, across campaigns) and one task's page (its completion)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accounts.access import require, scope_for
from hazardloop.campaigns import assigning, services
from hazardloop.campaigns.access import access_campaign, plan_scope
from hazardloop.campaigns.choices import TASK_BADGE, TaskStatus
from hazardloop.campaigns.completion import campaign_tree_ids
from hazardloop.campaigns.models import InspectionTask
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.core.errors import DomainError

PAGE = 50


def campaign_checklist_id(campaign) -> int | None:
    """The first of the campaign's checklists (given by id or code) as a template id."""
    for ref in campaign.checklists or []:
        text = str(ref)
        found = (
            ChecklistTemplate.objects.filter(pk=int(text))
            if text.isdigit()
            else ChecklistTemplate.objects.filter(code=text)
        )
        pk = found.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            return pk
    return None


def inspect_url(task, checklist_id: int | None) -> str:
    query = {"u": task.unit.public_id, "campaign": task.campaign_id}
    if checklist_id:
        query["checklist"] = checklist_id
    return f"{reverse('inspections:new')}?{urlencode(query)}"


def _prepare(rows, user, checklist_of) -> None:
    """Badge, inspectors, and the "inspect" link where the user may inspect the unit
    (`checklist_of(task)`: the checklist the form opens with)."""
    inspect = scope_for(user, "inspection.create")
    for task in rows:
        task.badge = TASK_BADGE[TaskStatus(task.status)]
        task.people = list(task.inspectors.all())
        if task.status == TaskStatus.OPEN and inspect.covers(task.region_code, task.unit_id):
            task.inspect_url = inspect_url(task, checklist_of(task))


def _status(request) -> str:
    status = request.GET.get("status", TaskStatus.OPEN)
    return status if status in TaskStatus.values else TaskStatus.OPEN


def _visible_tasks(user, campaign):
    tasks = InspectionTask.objects.filter(campaign_id__in=campaign_tree_ids(campaign.pk))
    return plan_scope(user).filter(tasks, "region_code", None)


@login_required
def task_list(request, pk):
    """The tasks of a campaign (and its adoptions) inside the user's scope, open first by due
    date; keyset pages of PAGE rows (`after` = the last task id of the page)."""
    campaign = access_campaign(request.user, pk)
    if plan_scope(request.user).is_empty:
        raise Http404(_("Not found."))
    status = _status(request)
    tasks = _visible_tasks(request.user, campaign).filter(status=status)
    after = request.GET.get("after", "")
    if after.isdigit():
        tasks = tasks.filter(pk__gt=int(after))
    rows = list(
        tasks.select_related("unit", "unit__region")
        .prefetch_related("inspectors")
        .order_by("pk")[: PAGE + 1]
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    checklist = campaign_checklist_id(campaign)
    _prepare(rows, request.user, lambda task: checklist)
    manage = scope_for(request.user, "campaign.manage")
    for task in rows:
        task.assignable = (
            task.status == TaskStatus.OPEN
            and not task.draw_id
            and manage.covers(task.region_code, None)
        )
    can_assign = any(task.assignable for task in rows)
    return render(
        request,
        "campaigns/task_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "status": status,
            "statuses": TaskStatus.choices,
            "next_after": rows[-1].pk if more else None,
            "can_assign": can_assign,
        },
    )


def _ids(values) -> list[int]:
    return [int(v) for v in values[:500] if v.isdigit() and 0 < int(v) < 2**63]


@login_required
@require_POST
def assign_tasks(request, pk):
    """Give the ticked tasks of the task list the chosen inspectors in one step: those that fit
    are assigned, each that does not is named with its reason (assigning.py)."""
    campaign = access_campaign(request.user, pk)
    if plan_scope(request.user).is_empty:
        raise Http404(_("Not found."))
    if scope_for(request.user, "campaign.manage").is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))
    refused = []
    try:
        result = assigning.assign_tasks(
            actor=request.user,
            campaign=campaign,
            task_ids=_ids(request.POST.getlist("tasks")),
            inspector_ids=_ids(request.POST.getlist("inspectors")),
        )
    except assigning.NothingAssigned as exc:
        messages.error(request, str(exc))
        refused = exc.refused
    except (DomainError, Http404, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("Your role does not allow this action here."))
    else:
        messages.success(request, assigning.summary(result))
        refused = result.refused
    for refusal in refused:
        messages.warning(request, assigning.refusal_text(refusal))
    return redirect("campaigns:tasks", pk=campaign.pk)


@login_required
def my_tasks(request):
    """The tasks assigned to the signed-in user (drawn for them), inside their scope, by due
    date; `draw` narrows to one draw (the drawn inspector's notification links here), `status`
    to open, done or cancelled. Keyset pages of PAGE rows (`after` = the last task id)."""
    status = _status(request)
    tasks = plan_scope(request.user).filter(
        InspectionTask.objects.filter(inspectors=request.user, status=status), "region_code", None
    )
    draw = request.GET.get("draw", "")
    if draw.isdigit():
        tasks = tasks.filter(draw_id=int(draw))
    after = _keyset(request.GET.get("after", ""))
    if after:
        tasks = tasks.filter(Q(due_on__gt=after[0]) | Q(due_on=after[0], pk__gt=after[1]))
    rows = list(
        tasks.select_related("unit", "unit__region", "campaign", "draw")
        .prefetch_related("inspectors")
        .order_by("due_on", "pk")[: PAGE + 1]
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    checklists: dict[int, int | None] = {}

    def checklist_of(task):
        if task.campaign_id not in checklists:
            checklists[task.campaign_id] = campaign_checklist_id(task.campaign)
        return checklists[task.campaign_id]

    _prepare(rows, request.user, checklist_of)
    for task in rows:
        task.others = [p for p in task.people if p.pk != request.user.pk]
    last = rows[-1] if more else None
    return render(
        request,
        "campaigns/task_mine.html",
        {
            "rows": rows,
            "status": status,
            "statuses": TaskStatus.choices,
            "draw": draw if draw.isdigit() else "",
            "next_after": f"{last.due_on.isoformat()}.{last.pk}" if last else None,
        },
    )


def _keyset(value: str):
    """(due date, task id) from "2022-10-31.123", or None."""
    day, _dot, pk = value.partition(".")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


@login_required
def task_detail(request, pk):
    """One task: unit, due date, completion and the inspection that completed it; POST checks
    for that inspection now instead of waiting for the sweep."""
    task = (
        plan_scope(request.user)
        .filter(InspectionTask.objects.all(), "region_code", None)
        .select_related("unit", "unit__region", "campaign", "draw")
        .prefetch_related("inspectors")
        .filter(pk=pk)
        .first()
    )
    if task is None or task.campaign_id is None:
        raise Http404(_("Not found."))
    access_campaign(request.user, task.campaign_id)
    if request.method == "POST":
        require(
            request.user,
            "inspection.create",
            region_code=task.region_code,
            unit_id=task.unit_id,
            obj=task,
        )
        try:
            services.complete_task(task, actor=request.user)
            messages.success(request, _("The task is done."))
        except services.CampaignInputError as exc:
            messages.error(request, str(exc))
        return redirect("campaigns:task", pk=task.pk)
    can_inspect = scope_for(request.user, "inspection.create").covers(
        task.region_code, task.unit_id
    )
    return render(
        request,
        "campaigns/task_detail.html",
        {
            "task": task,
            "badge": TASK_BADGE[TaskStatus(task.status)],
            "can_inspect": can_inspect and task.status == TaskStatus.OPEN,
            "inspect_url": inspect_url(task, campaign_checklist_id(task.campaign)),
            "inspection_url": reverse("inspections:detail", args=[task.inspection_id])
            if task.inspection_id
            else None,
        },
    )
