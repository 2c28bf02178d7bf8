"""The inspection frequency policy: how often a unit of each risk level is inspected.

The intervals are configuration (settings.CAMPAIGN_FREQUENCY_DAYS, overridden per region by
FrequencyPolicy rows): no national rule fixes a regulator's visit frequency by risk level.
`generate_due_tasks_once(now)` is the sweep step that creates the due inspection tasks.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from hazardloop.campaigns.choices import TaskSource, TaskStatus
from hazardloop.campaigns.models import FrequencyPolicy, InspectionTask
from hazardloop.campaigns.sources import inspection_fields, inspections
from hazardloop.units.models import Unit


def interval_days(region_code: str, risk_level: str, policies=None) -> int | None:
    """The interval for a unit: the row with the longest matching prefix, else the setting."""
    rows = policies if policies is not None else list(FrequencyPolicy.objects.all())
    best = None
    for row in rows:
        matches = row.risk_level == risk_level and region_code.startswith(row.region_prefix)
        if matches and (best is None or len(row.region_prefix) > len(best.region_prefix)):
            best = row
    if best is not None:
        return best.interval_days
    return settings.CAMPAIGN_FREQUENCY_DAYS.get(risk_level)


def last_inspected() -> dict[int, dt.datetime]:
    """Each unit's latest inspection (regulators' and self-inspections alike)."""
    qs = inspections()
    if qs is None:
        return {}
    at = inspection_fields()["at"]
    return dict(qs.values("unit_id").annotate(last=Max(at)).values_list("unit_id", "last"))


def generate_due_tasks_once(now=None) -> int:
    """Create a frequency task for every unit whose next inspection falls due within
    CAMPAIGN_FREQUENCY_LOOKAHEAD_DAYS and that has no open frequency task. Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=settings.CAMPAIGN_FREQUENCY_LOOKAHEAD_DAYS)
    policies = list(FrequencyPolicy.objects.all())
    last = last_inspected()
    done = dict(
        InspectionTask.objects.filter(source=TaskSource.FREQUENCY, status=TaskStatus.DONE)
        .values("unit_id")
        .annotate(last=Max("done_at"))
        .values_list("unit_id", "last")
    )
    busy = set(
        InspectionTask.objects.filter(
            source=TaskSource.FREQUENCY, status=TaskStatus.OPEN
        ).values_list("unit_id", flat=True)
    )
    rows = []
    units = Unit.objects.values_list("pk", "region_id", "risk_level", "created_at")
    for pk, code, risk, created in units.iterator(chunk_size=5000):
        if pk in busy:
            continue
        days = interval_days(code, risk, policies)
        if not days:
            continue
        base = max(d for d in (last.get(pk), done.get(pk), created) if d is not None)
        due = timezone.localdate(base) + dt.timedelta(days=days)
        if due <= horizon:
            rows.append(
                InspectionTask(
                    unit_id=pk,
                    region_code=code,
                    source=TaskSource.FREQUENCY,
                    due_on=max(due, today),
                )
            )
    created_rows = InspectionTask.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(created_rows)


def complete_tasks_once(now=None) -> int:
    """Mark open tasks done when their unit was inspected (not self-inspected) after the task
    was created. Idempotent."""
    qs = inspections()
    if qs is None:
        return 0
    fields = inspection_fields()
    count = 0
    open_tasks = InspectionTask.objects.filter(status=TaskStatus.OPEN).values_list(
        "pk", "unit_id", "created_at"
    )
    by_unit: dict[int, list] = {}
    for pk, unit_id, created in open_tasks.iterator(chunk_size=5000):
        by_unit.setdefault(unit_id, []).append((pk, created))
    if not by_unit:
        return 0
    found = qs.filter(unit_id__in=list(by_unit))
    if fields.get("mode"):
        found = found.exclude(**{fields["mode"]: "self_inspection"})
    for unit_id, last_at, last_pk in (
        found.values("unit_id")
        .annotate(last=Max(fields["at"]), pk=Max("pk"))
        .values_list("unit_id", "last", "pk")
    ):
        for pk, created in by_unit.get(unit_id, []):
            if last_at and last_at >= created:
                count += InspectionTask.objects.filter(pk=pk, status=TaskStatus.OPEN).update(
                    status=TaskStatus.DONE, done_at=last_at, inspection_id=last_pk
                )
    return count
