"""Periodic steps (run by `manage.py run_sweeps` and the worker loop; tests call them)."""

import datetime as dt

from django.conf import settings

from hazardloop.hazards import notices
from hazardloop.hazards.models import Hazard

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
