"""A campaign's task list (what to inspect, with an "inspect" action that opens the phone form
for the unit with the campaign's checklist) and one task's page (its completion)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hazardloop.accounts.access import require, scope_for
from hazardloop.campaigns import services
from hazardloop.campaigns.access import access_campaign
from hazardloop.campaigns.choices import TASK_BADGE, TaskStatus
from hazardloop.campaigns.completion import campaign_tree_ids
from hazardloop.campaigns.models import InspectionTask
from hazardloop.checklists.models import ChecklistTemplate

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


def _visible_tasks(user, campaign):
    tasks = InspectionTask.objects.filter(campaign_id__in=campaign_tree_ids(campaign.pk))
    return scope_for(user, "campaign.view").filter(tasks, "region_code", "unit")


@login_required
def task_list(request, pk):
    """The tasks of a campaign (and its adoptions) inside the user's scope, open first by due
    date; keyset pages of PAGE rows (`after` = the last task id of the page)."""
    campaign = access_campaign(request.user, pk)
    status = request.GET.get("status", TaskStatus.OPEN)
    if status not in TaskStatus.values:
        status = TaskStatus.OPEN
    tasks = _visible_tasks(request.user, campaign).filter(status=status)
    after = request.GET.get("after", "")
    if after.isdigit():
        tasks = tasks.filter(pk__gt=int(after))
    rows = list(tasks.select_related("unit", "unit__region").order_by("pk")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    checklist = campaign_checklist_id(campaign)
    inspect = scope_for(request.user, "inspection.create")
    for task in rows:
        task.badge = TASK_BADGE[TaskStatus(task.status)]
        if task.status == TaskStatus.OPEN and inspect.covers(task.region_code, task.unit_id):
            task.inspect_url = inspect_url(task, checklist)
    return render(
        request,
        "campaigns/task_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "status": status,
            "statuses": TaskStatus.choices,
            "next_after": rows[-1].pk if more else None,
        },
    )


@login_required
def task_detail(request, pk):
    """One task: unit, due date, completion and the inspection that completed it; POST checks
    for that inspection now instead of waiting for the sweep."""
    task = (
        scope_for(request.user, "campaign.view")
        .filter(InspectionTask.objects.all(), "region_code", "unit")
        .select_related("unit", "unit__region", "campaign")
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
