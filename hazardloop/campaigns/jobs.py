"""Sweep steps of the campaigns app (named in settings.SWEEP_STEPS)."""

from django.utils import timezone

from hazardloop.campaigns.frequency import complete_tasks_once, generate_due_tasks_once
from hazardloop.campaigns.models import claim_daily_run


def frequency_tasks_once(now) -> int:
    """Close the tasks whose inspection happened; once a day, create the newly due ones."""
    count = complete_tasks_once(now)
    if claim_daily_run("frequency_tasks", timezone.localdate(now)):
        count += generate_due_tasks_once(now)
    return count
