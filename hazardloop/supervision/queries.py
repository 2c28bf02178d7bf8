"""Read-side helpers for the pages and the API: explicit, bounded queries."""

import datetime as dt

from django.utils import timezone

from hazardloop.accounts.access import can
from hazardloop.hazards.choices import SupervisionLevel
from hazardloop.hazards.deadlines import work_calendar
from hazardloop.hazards.models import Hazard
from hazardloop.regions.models import Region, subtree_filter
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.clocks import clocks_for
from hazardloop.supervision.models import AccountabilityProposal, EnforcementDocument
from hazardloop.supervision.services import issuing_departments

PUBLIC_PAGE_SIZE = 50


def can_enforce(user, hazard) -> bool:
    return can(user, "hazard.enforce", region_code=hazard.region_code, unit_id=hazard.unit_id)


def hazard_documents(hazard):
    return (
        EnforcementDocument.objects.filter(hazard=hazard)
        .select_related("department")
        .order_by("issued_at", "id")
    )


def panel_context(user, hazard, now=None) -> dict:
    """The documents of a hazard with their clocks, and what the user may do."""
    now = now or timezone.now()
    calendar = work_calendar()
    docs = list(hazard_documents(hazard))
    for doc in docs:
        doc.hazard = hazard
        doc.clocks = clocks_for(doc, now=now, calendar=calendar, unrecorded=True)
    return {
        "hazard": hazard,
        "documents": docs,
        "proposal": AccountabilityProposal.objects.filter(hazard=hazard).first(),
        "may_issue": hazard.is_open
        and can_enforce(user, hazard)
        and bool(issuing_departments(user, hazard)),
    }


def _parse_before(value: str):
    try:
        stamp, pk = value.split("_", 1)
        return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def listed_page(*, region: str = "", after: str = "") -> dict:
    """One page of the public list: open hazards listed for supervision, most overdue first.

    Keyset pagination on (due_at, id) over the partial index of open hazards' deadlines;
    `region` narrows to a prefecture or county by code. Each row carries its listing notice
    (when the ladder issued one) for the document number and the verification link.
    """
    qs = Hazard.objects.open().filter(
        supervision_level__in=[SupervisionLevel.LISTED, SupervisionLevel.ACCOUNTABILITY],
        due_at__isnull=False,
    )
    regions = list(Region.objects.filter(level="prefecture").order_by("code"))
    chosen = next((r for r in regions if r.code == region), None)
    if chosen is None and region:
        chosen = Region.objects.filter(code=region).first()
    if chosen is not None:
        qs = qs.filter(subtree_filter("region_code", chosen.prefix))
    cursor = _parse_before(after) if after else None
    if cursor is not None:
        at, pk = cursor
        qs = qs.filter(due_at__gte=at).exclude(due_at=at, id__lte=pk)
    rows = list(qs.select_related("unit__region").order_by("due_at", "id")[: PUBLIC_PAGE_SIZE + 1])
    more = len(rows) > PUBLIC_PAGE_SIZE
    rows = rows[:PUBLIC_PAGE_SIZE]
    notices = {
        d.hazard_id: d
        for d in EnforcementDocument.objects.filter(
            kind=DocumentKind.LISTING_NOTICE, hazard__in=rows
        ).select_related("department")
    }
    for hazard in rows:
        hazard.listing = notices.get(hazard.pk)
    next_cursor = f"{rows[-1].due_at.timestamp()}_{rows[-1].pk}" if more else ""
    return {
        "rows": rows,
        "regions": regions,
        "region": chosen,
        "next_cursor": next_cursor,
        "now": timezone.now(),
    }
