"""An accident's unit in the months before: its inspections, the hazards found there and which
were still open when the accident happened. Read through the hazards' and inspections' own
scope, so a reader sees only what they may see anyway."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from hazardloop.hazards.models import Hazard
from hazardloop.inspections.access import visible_inspections

# How far back the history looks, and how many rows of each list it shows.
YEARS_BACK = 3
SHOWN = 20


@dataclass
class UnitHistory:
    inspections: list = field(default_factory=list)
    hazards: list = field(default_factory=list)  # (hazard, open at the time of the accident)
    open_then: int = 0
    found: int = 0
    inspected: int = 0


def open_at(at: dt.datetime) -> Q:
    """Hazards open at `at`: found by then, neither verified nor closed by then."""
    return (
        Q(found_at__lte=at)
        & (Q(verified_at__isnull=True) | Q(verified_at__gt=at))
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=at))
    )


def unit_history(user, accident) -> UnitHistory | None:
    if accident.unit_id is None:
        return None
    at = accident.occurred_at
    since = at - dt.timedelta(days=365 * YEARS_BACK)
    hazards = Hazard.objects.visible_to(user, "hazard.view").filter(
        unit_id=accident.unit_id, found_at__lte=at, found_at__gte=since
    )
    inspections = visible_inspections(user).filter(
        unit_id=accident.unit_id, received_at__lte=at, received_at__gte=since
    )
    open_ids = set(hazards.filter(open_at(at)).values_list("pk", flat=True))
    rows = list(hazards.order_by("-found_at")[:SHOWN])
    return UnitHistory(
        inspections=list(inspections.select_related("inspector").order_by("-received_at")[:SHOWN]),
        hazards=[(h, h.pk in open_ids) for h in rows],
        open_then=len(open_ids),
        found=hazards.count(),
        inspected=inspections.count(),
    )
