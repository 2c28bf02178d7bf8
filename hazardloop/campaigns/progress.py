"""A campaign's progress as a task list: per child region of its level, inside the user's
scope — units in scope, adoption, tasks (done, overdue), self-inspection invitations.

The full figures (coverage, hazards, rectification …) are the statistics' (reports.stats);
this is what the campaign itself knows.
"""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from hazardloop.accounts.access import scope_for
from hazardloop.campaigns.choices import TaskStatus
from hazardloop.campaigns.models import Campaign, InspectionTask, SelfInspectionInvite
from hazardloop.campaigns.scoping import units_in_scope
from hazardloop.regions.models import Region, subtree_filter


def progress(user, campaign: Campaign, now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    scope = scope_for(user, "campaign.view")
    children = list(Region.objects.filter(parent_id=campaign.region_code).order_by("code"))
    length = max((len(c.prefix) for c in children), default=len(campaign.region.prefix))

    def row(code: str, name: str, own: bool = False) -> dict:
        return {
            "code": code,
            "name": name,
            "own": own,
            "units_in_scope": 0,
            "adopted_by": None,
            "tasks": 0,
            "tasks_done": 0,
            "tasks_overdue": 0,
            "invited": 0,
        }

    rows = {
        c.prefix: row(c.code, c.name)
        for c in children
        if scope.covers_region(c.code) or any(p.startswith(c.prefix) for p in scope.prefixes)
    }
    # Work at the campaign region's own code, or under no loaded child region (a county without
    # townships), is counted in a "directly under" row, so the rows add up to the totals.
    own = row(campaign.region.code, campaign.region.own_label, own=True)
    child_prefixes = {c.prefix for c in children}

    def row_for(key: str) -> dict | None:
        if key in rows:
            return rows[key]
        return None if key in child_prefixes else own  # a child outside the user's scope

    prefix = campaign.region.prefix
    units = scope.filter(units_in_scope(campaign, prefix), "region", "pk")
    for key, n in (
        units.annotate(k=Substr("region_id", 1, length))
        .values("k")
        .annotate(n=Count("pk"))
        .values_list("k", "n")
    ):
        if (target := row_for(key)) is not None:
            target["units_in_scope"] += n
    for child in Campaign.objects.filter(parent=campaign).values("pk", "region_code"):
        for r in rows.values():
            if r["code"] == child["region_code"]:
                r["adopted_by"] = child["pk"]
    tree = Campaign.objects.filter(
        Q(pk=campaign.pk) | Q(parent=campaign) | Q(parent__parent=campaign)
    )
    # Cancelled tasks (e.g. the duplicates campaigns/0002 merged) are no work to do.
    tasks = scope.filter(
        InspectionTask.objects.filter(campaign__in=tree)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(subtree_filter("region_code", prefix)),
        "region_code",
        "unit",
    )
    for key, n, done, late in (
        tasks.annotate(k=Substr("region_code", 1, length))
        .values("k")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            late=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
        )
        .values_list("k", "n", "done", "late")
    ):
        if (target := row_for(key)) is not None:
            target["tasks"] += n
            target["tasks_done"] += done
            target["tasks_overdue"] += late
    invites = scope.filter(
        SelfInspectionInvite.objects.filter(campaign__in=tree), "region_code", "unit"
    )
    for key, n in (
        invites.annotate(k=Substr("region_code", 1, length))
        .values("k")
        .annotate(n=Count("pk"))
        .values_list("k", "n")
    ):
        if (target := row_for(key)) is not None:
            target["invited"] += n
    out = list(rows.values())
    if not out or any(own[k] for k in ("units_in_scope", "tasks", "invited")):
        out.append(own)
    for r in out:
        r["tasks_done_pct"] = round(r["tasks_done"] * 100 / r["tasks"], 1) if r["tasks"] else None
    return {
        "campaign": campaign.pk,
        "region": campaign.region_code,
        "status": campaign.status,
        "rows": out,
        "totals": {
            k: sum(r[k] for r in out)
            for k in ("units_in_scope", "tasks", "tasks_done", "tasks_overdue", "invited")
        },
    }
