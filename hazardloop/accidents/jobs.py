"""Sweep steps (run by `manage.py run_sweeps`; tests call them with a frozen clock)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_noop

from hazardloop.accidents.choices import AccidentStatus
from hazardloop.accidents.models import Accident, ChainStep
from hazardloop.accidents.routing import receivers
from hazardloop.accidents.rules import reporting_rules
from hazardloop.accidents.services import accident_url
from hazardloop.audit.services import record_event
from hazardloop.notifications.services import notify

BATCH = 500


def follow_ups_once(now: dt.datetime) -> int:
    """Flag open accidents whose follow-up (续报) is overdue: count the miss, tell the people
    who received it at the county and the one who filed it, and set the next due time (once a
    day, twice for 重大 and above). Idempotent: a miss is counted once (compare-and-swap on the
    due time). Returns the misses counted."""
    rules = reporting_rules()
    missed = 0
    due = Accident.objects.filter(status=AccidentStatus.OPEN, follow_up_due_at__lt=now).order_by(
        "follow_up_due_at"
    )[:BATCH]
    for accident in due:
        was = accident.follow_up_due_at
        step = dt.timedelta(hours=rules.follow_up_hours[accident.grade])
        following = was + step
        count = 1
        while following < now:
            following += step
            count += 1
        with transaction.atomic():
            updated = Accident.objects.filter(pk=accident.pk, follow_up_due_at=was).update(
                follow_up_due_at=following, missed_follow_ups=accident.missed_follow_ups + count
            )
            if not updated:
                continue
            missed += count
            record_event(
                "accident.follow_up_missed",
                obj=accident,
                after={"due": was.isoformat(), "missed": count},
            )
            county = accident.steps.filter(seq=1).first()
            people = receivers(county.region_code, now) if county else []
            notify(
                [*people, accident.reported_by],
                key=f"accident.follow_up.{accident.pk}.{int(was.timestamp())}",
                message=gettext_noop(
                    "A follow-up report on the accident “%(summary)s” is overdue: report what "
                    "is new (at least once a day, twice for major accidents and above)."
                ),
                params={"summary": accident.summary},
                link=accident_url(accident),
                obj=accident,
            )
    return missed


def chain_overdue_once(now: dt.datetime) -> int:
    """Flag reporting steps past their deadline and not yet sent (late), and tell the level
    below that still has to report up. Idempotent (a step is flagged once). Returns steps
    flagged."""
    flagged = 0
    steps = (
        ChainStep.objects.filter(sent_at__isnull=True, late=False, due_at__lt=now)
        .select_related("accident")
        .order_by("due_at")[:BATCH]
    )
    for step in steps:
        with transaction.atomic():
            if not ChainStep.objects.filter(pk=step.pk, late=False).update(late=True):
                continue
            flagged += 1
            accident = step.accident
            record_event(
                "accident.step_late",
                obj=accident,
                after={"step": step.seq, "level": step.level, "due": step.due_at.isoformat()},
            )
            below = accident.steps.filter(seq=step.seq - 1).first()
            people = receivers(below.region_code, now) if below else [accident.reported_by]
            notify(
                people,
                key=f"accident.step_late.{step.pk}",
                message=gettext_noop(
                    "The report of the accident “%(summary)s” is late for the next level: "
                    "report it up now."
                ),
                params={"summary": accident.summary},
                link=accident_url(accident),
                obj=accident,
            )
    return flagged
