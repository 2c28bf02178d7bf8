"""The inspection frequency policy: how often a unit of each risk level is inspected.

The intervals are configuration (settings.CAMPAIGN_FREQUENCY_DAYS, overridden per region by
FrequencyPolicy rows): no national rule fixes a regulator's visit frequency by risk level.
`generate_due_tasks_once(now)` is the sweep step that creates the due inspection tasks.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from hazardloop.campaigns.choices import TaskSource, TaskStatus
from hazardloop.campaigns.completion import complete_tasks_once
from hazardloop.campaigns.models import FrequencyPolicy, InspectionTask
from hazardloop.campaigns.sources import inspection_fields, inspections
from hazardloop.regions.models import subtree_filter
from hazardloop.units.models import Unit

__all__ = ["complete_tasks_once", "generate_due_tasks_once", "interval_days"]


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


def interval_groups(policies) -> list[tuple[str, str, int, list[str]]]:
    """The policy as disjoint groups of units: (risk level, region prefix, interval days,
    longer prefixes carved out of it) — the setting is the group with the empty prefix."""
    levels = set(settings.CAMPAIGN_FREQUENCY_DAYS) | {p.risk_level for p in policies}
    groups = []
    for risk in sorted(levels):
        rows = [("", settings.CAMPAIGN_FREQUENCY_DAYS.get(risk))] + [
            (p.region_prefix, p.interval_days) for p in policies if p.risk_level == risk
        ]
        prefixes = [prefix for prefix, _days in rows]
        for prefix, days in rows:
            inner = [q for q in prefixes if len(q) > len(prefix) and q.startswith(prefix)]
            if days:
                groups.append((risk, prefix, days, inner))
    return groups


def generate_due_tasks_once(now=None) -> int:
    """Create a frequency task for every unit whose next inspection falls due within
    CAMPAIGN_FREQUENCY_LOOKAHEAD_DAYS and that has no open frequency task. Idempotent.

    Set-based: per policy group, the database picks the due units (latest of creation, last
    inspection, last done frequency task, at least `interval` days before the horizon); only
    those rows come back to be inserted.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=settings.CAMPAIGN_FREQUENCY_LOOKAHEAD_DAYS)
    tz = timezone.get_default_timezone()
    qs, fields = inspections(), inspection_fields()
    frequency = InspectionTask.objects.filter(source=TaskSource.FREQUENCY, unit_id=OuterRef("pk"))
    last_done = (
        frequency.filter(status=TaskStatus.DONE)
        .order_by()
        .values("unit_id")
        .annotate(m=Max("done_at"))
        .values("m")
    )
    created = 0
    for risk, prefix, days, inner in interval_groups(list(FrequencyPolicy.objects.all())):
        # base <= cutoff day  <=>  base < the start of the day after it
        cut = timezone.make_aware(
            dt.datetime.combine(horizon - dt.timedelta(days=days - 1), dt.time.min), tz
        )
        units = Unit.objects.filter(risk_level=risk, created_at__lt=cut)
        if prefix:
            units = units.filter(subtree_filter("region", prefix))
        for q in inner:
            units = units.exclude(subtree_filter("region", q))
        units = units.exclude(
            Exists(frequency.filter(Q(status=TaskStatus.OPEN) | Q(done_at__gte=cut)))
        )
        base = ["created_at", Coalesce(Subquery(last_done), "created_at")]
        if qs is not None:
            seen = qs.filter(unit_id=OuterRef("pk"))
            units = units.exclude(Exists(seen.filter(**{f"{fields['at']}__gte": cut})))
            last_seen = seen.order_by().values("unit_id").annotate(m=Max(fields["at"])).values("m")
            base.append(Coalesce(Subquery(last_seen), "created_at"))
        rows = []
        for pk, code, at in (
            units.annotate(base=Greatest(*base))
            .values_list("pk", "region_id", "base")
            .iterator(chunk_size=5000)
        ):
            due = timezone.localdate(at) + dt.timedelta(days=days)
            rows.append(
                InspectionTask(
                    unit_id=pk,
                    region_code=code,
                    source=TaskSource.FREQUENCY,
                    due_on=max(due, today),
                )
            )
        created += len(
            InspectionTask.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        )
    return created
