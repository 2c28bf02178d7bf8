"""Periodic steps (run by `manage.py run_sweeps` and the worker loop; tests call them)."""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from hazardloop.accounts.models import Membership
from hazardloop.hazards import notices
from hazardloop.hazards.choices import EventKind
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.hazards.exports import run_export_once
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.notifications.services import notify
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import Region

BATCH = 2000


def notify_deadlines_once(now) -> int:
    """Tell units about deadlines within HAZARD_DUE_SOON_DAYS days and deadlines passed.

    Idempotent: each notification is keyed by the hazard and its deadline, so a second run (or
    a run after the same deadline was reached again) notifies nobody twice; a deadline moved by
    an extension is a new deadline and is announced again. Returns notifications created.
    """
    soon = now + dt.timedelta(days=settings.HAZARD_DUE_SOON_DAYS)
    sent = 0
    due_soon = (
        Hazard.objects.open()
        .filter(due_at__gte=now, due_at__lte=soon)
        .select_related("unit")
        .order_by("due_at")[:BATCH]
    )
    for hazard in due_soon:
        stamp = int(hazard.due_at.timestamp())
        sent += len(
            notices.notify_unit(
                hazard, key=f"due_soon:{stamp}", message=notices.MESSAGES["due_soon"]
            )
        )
    # Only deadlines passed within the last day: older ones were announced by earlier runs.
    overdue = (
        Hazard.objects.overdue(now)
        .filter(due_at__gte=now - dt.timedelta(days=1))
        .select_related("unit")
        .order_by("due_at")[:BATCH]
    )
    for hazard in overdue:
        stamp = int(hazard.due_at.timestamp())
        sent += len(
            notices.notify_unit(hazard, key=f"overdue:{stamp}", message=notices.MESSAGES["overdue"])
        )
    return sent


DIGEST_KINDS = (EventKind.SUBMIT, EventKind.EXTENSION_REQUEST)


def notify_digest_once(now) -> int:
    """Give the regulators above the county level one notice a day (for the previous local
    day) summing up the routine events their counties acted on, instead of one notice each.

    Idempotent: the notice is keyed by the day, so further runs that day notify nobody twice.
    Nobody is told of a day without such events. Returns notifications created.
    """
    day = timezone.localtime(now, LOCAL).date() - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL)
    events = list(
        HazardEvent.objects.filter(
            kind__in=DIGEST_KINDS, at__gte=start, at__lt=start + dt.timedelta(days=1)
        ).values_list("hazard__region_code", "kind")
    )
    if not events:
        return 0
    county = region_codes.PREFIX_LENGTHS[region_codes.COUNTY]
    above = [
        m
        for m in Membership.objects.filter(
            role__in=list(notices.ROUTINE_ROLES),
            is_active=True,
            unit__isnull=True,
            user__is_active=True,
        ).select_related("user")
        if len(region_codes.prefix(m.region_id)) < county
    ]
    names = dict(
        Region.objects.filter(code__in={m.region_id for m in above}).values_list("code", "name_zh")
    )
    sent = 0
    for m in above:
        prefix = region_codes.prefix(m.region_id)
        counts = Counter(kind for code, kind in events if code.startswith(prefix))
        if not counts:
            continue
        params = {
            "day": day.isoformat(),
            "region": names.get(m.region_id, m.region_id),
            "submitted": counts[EventKind.SUBMIT],
            "extensions": counts[EventKind.EXTENSION_REQUEST],
        }
        sent += len(
            notify(
                [m.user],
                key=f"hazards:digest:{day.isoformat()}:{m.region_id}",
                message=notices.MESSAGES["digest"],
                params=params,
                link=reverse("hazards:list"),
                region_code=m.region_id,
            )
        )
    return sent


@task()
def run_hazard_export(export_id: int) -> str:
    """The worker's side of a ledger export (hazards/exports.py)."""
    return run_export_once(export_id)
