"""When an inspection task is done: its unit was inspected (not self-inspected) after the task
was created — for a campaign task, by an inspection submitted for that campaign (or another
level's adoption of it, the same campaign). The inspection app knows nothing of tasks; this
module matches them, set-based: one UPDATE per campaign with open tasks (and one for the
frequency tasks), never a walk over rows in Python.
"""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from hazardloop.audit.services import record_events
from hazardloop.campaigns.choices import TaskStatus
from hazardloop.campaigns.models import Campaign, InspectionTask
from hazardloop.campaigns.sources import inspection_fields, inspections


def campaign_tree_ids(campaign_id: int) -> list[int]:
    """The campaign, the one it adopted and every adoption of their root (all one campaign)."""
    row = Campaign.objects.filter(pk=campaign_id).values("pk", "root_id_value").first()
    if row is None:
        return []
    root = row["root_id_value"] or row["pk"]
    return list(
        Campaign.objects.filter(Q(pk=root) | Q(root_id_value=root)).values_list("pk", flat=True)
    )


def matching_inspections(campaign_ids: list[int] | None):
    """Regulators' inspections of the outer task's unit since the task was created, earliest
    first (a queryset to use with OuterRef), or None without the inspections app."""
    qs = inspections()
    if qs is None:
        return None
    fields = inspection_fields()
    at = fields["at"]
    qs = qs.filter(unit_id=OuterRef("unit_id"), **{f"{at}__gte": OuterRef("created_at")})
    if fields.get("mode"):
        qs = qs.exclude(**{fields["mode"]: "self_inspection"})
    if campaign_ids is not None:
        qs = qs.filter(**{f"{fields['campaign']}__in": campaign_ids})
    return qs.order_by(at, "pk")


def _complete(tasks, campaign_ids) -> int:
    match = matching_inspections(campaign_ids)
    if match is None:
        return 0
    at = inspection_fields()["at"]
    return (
        tasks.filter(status=TaskStatus.OPEN)
        .filter(Exists(match))
        .update(
            status=TaskStatus.DONE,
            inspection_id=Subquery(match.values("pk")[:1]),
            done_at=Subquery(match.values(at)[:1]),
        )
    )


def complete_tasks_once(now=None) -> int:
    """Mark open tasks done whose inspection was submitted. Idempotent; one audit event per
    campaign (and one for the frequency tasks) that had tasks completed."""
    now = now or timezone.now()
    if inspections() is None:
        return 0
    total, events = 0, []
    open_tasks = InspectionTask.objects.filter(status=TaskStatus.OPEN)
    n = _complete(open_tasks.filter(campaign__isnull=True), None)
    if n:
        events.append(
            (
                "campaign.tasks_done",
                {"actor_label": "sweep", "message": f"{n} frequency tasks done"},
            )
        )
    total += n
    if inspection_fields().get("campaign"):
        for campaign_id in (
            open_tasks.filter(campaign__isnull=False)
            .values_list("campaign_id", flat=True)
            .distinct()
            .order_by("campaign_id")
        ):
            n = _complete(
                open_tasks.filter(campaign_id=campaign_id), campaign_tree_ids(campaign_id)
            )
            if n:
                campaign = Campaign.objects.get(pk=campaign_id)
                events.append(
                    (
                        "campaign.tasks_done",
                        {
                            "actor_label": "sweep",
                            "obj": campaign,
                            "after": {"done": n},
                            "message": f"{n} tasks done",
                        },
                    )
                )
            total += n
    if events:
        record_events(events)
    return total


def complete_one(task: InspectionTask) -> int:
    """Complete this one task if its inspection was submitted (0 or 1)."""
    if task.campaign_id is None:
        ids = None
    elif inspection_fields().get("campaign"):
        ids = campaign_tree_ids(task.campaign_id)
    else:
        return 0
    return _complete(InspectionTask.objects.filter(pk=task.pk), ids)
