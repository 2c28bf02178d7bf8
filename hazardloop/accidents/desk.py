"""The duty officer's desk: the reporting steps that wait for the user's level — reports sent
to it and not yet received, and reports it received and has yet to pass up — with the deadline
each counts down to."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from hazardloop.accidents.models import ChainStep
from hazardloop.accidents.routing import RECEIVING_ROLES
from hazardloop.accounts.access import memberships_of


def my_levels(user) -> list[str]:
    """The regions whose authority the user acts for (receives and forwards reports)."""
    return sorted(
        {
            m.region_id
            for m in memberships_of(user)
            if m.unit_id is None and m.role in RECEIVING_ROLES
        }
    )


def awaiting(user):
    """Steps waiting for the user's level, the nearest deadline first."""
    regions = my_levels(user)
    if not regions:
        return ChainStep.objects.none()
    above = ChainStep.objects.filter(accident=OuterRef("accident"), seq=OuterRef("seq") + 1)
    return (
        ChainStep.objects.filter(region_code__in=regions)
        .annotate(has_next=Exists(above))
        .filter(
            Q(sent_at__isnull=False, received_at__isnull=True)
            | Q(received_at__isnull=False, forwarded_at__isnull=True, has_next=True)
        )
        .select_related("accident", "accident__unit")
        .order_by("due_at", "pk")
    )


@dataclass
class Waiting:
    step: ChainStep
    action: str  # "receive" or "forward"
    deadline: object  # the time the countdown runs to


def waiting_rows(user, limit: int | None = None) -> list[Waiting]:
    qs = awaiting(user)
    if limit is not None:
        qs = qs[:limit]
    rows = []
    steps = list(qs)
    nexts = {
        (s.accident_id, s.seq): s
        for s in ChainStep.objects.filter(accident_id__in=[s.accident_id for s in steps])
    }
    for step in steps:
        # The level's own clock: when the next level must have it (the top level has none).
        following = nexts.get((step.accident_id, step.seq + 1))
        action = "receive" if step.received_at is None else "forward"
        rows.append(Waiting(step, action, following.due_at if following else None))
    return rows
