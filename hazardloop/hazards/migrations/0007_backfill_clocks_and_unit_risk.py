"""Every open hazard gets the clock of its state, and every unit the hazard counts of its risk.

Clocks (hazards/deadlines.py): found → ordered within HAZARD_ORDER_WORKDAYS working days of the
finding (on-the-spot categories: that day), ordered/rectifying → the deadline, submitted → the
re-check or acceptance limit. Set-based: one UPDATE per finding day for found hazards, one for
the ordered ones; submitted hazards (few) row by row. A year without a holiday calendar is
counted in weekdays and flagged, never an error.

Units: open, open major and overdue hazards counted per unit and the risk recomputed with the
formula of units/risk.py (the override, if any, still decides the level). Written without audit
events: this is the first filling of the counts, not a change anyone made.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import migrations
from django.db.models import Count, F, Q
from django.utils import timezone

OPEN = ["found", "ordered", "rectifying", "submitted"]
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def _calendar(apps):
    from hazardloop.lib.workdays import WorkCalendar, parse_year

    calendar = WorkCalendar(strict=False)
    for row in apps.get_model("hazards", "HolidayYear").objects.all():
        calendar.add(parse_year(row.document))
    return calendar


def backfill_clocks(apps, schema_editor):
    from hazardloop.hazards.deadlines import end_of_local_day, order_clock, verify_clock

    Hazard = apps.get_model("hazards", "Hazard")
    calendar = _calendar(apps)
    Hazard.objects.filter(status__in=["ordered", "rectifying"]).update(
        clock="rectify", clock_due_at=F("due_at"), clock_estimated=False, clock_rung=""
    )
    days = {
        timezone.localtime(found_at, LOCAL).date()
        for found_at in Hazard.objects.filter(status="found").values_list("found_at", flat=True)
    }
    on_spot = list(settings.HAZARD_ORDER_ON_SPOT_CATEGORIES)
    for day in sorted(days):
        start = dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)
        found = Hazard.objects.filter(
            status="found", found_at__gte=start, found_at__lt=start + dt.timedelta(days=1)
        )
        found.filter(category__in=on_spot).update(
            clock="order", clock_due_at=end_of_local_day(day), clock_estimated=False, clock_rung=""
        )
        due, estimated = order_clock(start, "", calendar)
        found.exclude(category__in=on_spot).update(
            clock="order", clock_due_at=due, clock_estimated=estimated, clock_rung=""
        )
    submitted = list(Hazard.objects.filter(status="submitted"))
    for hazard in submitted:
        moment = hazard.submitted_at or hazard.updated_at
        hazard.clock = "verify"
        hazard.clock_due_at, hazard.clock_estimated = verify_clock(moment, hazard.grade, calendar)
        hazard.clock_rung = ""
    Hazard.objects.bulk_update(
        submitted, ["clock", "clock_due_at", "clock_estimated", "clock_rung"], batch_size=1000
    )


def backfill_unit_risk(apps, schema_editor):
    from hazardloop.units import risk
    from hazardloop.units.choices import RISK_RANK, RiskLevel

    Hazard = apps.get_model("hazards", "Hazard")
    Unit = apps.get_model("units", "Unit")
    now = timezone.now()
    counts = {
        unit_id: (n, major, overdue)
        for unit_id, n, major, overdue in Hazard.objects.filter(status__in=OPEN)
        .order_by()
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            major=Count("pk", filter=Q(grade="major")),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
        .values_list("unit_id", "n", "major", "overdue")
    }
    stale_ids = set(counts) | set(
        Unit.objects.filter(
            Q(open_hazards__gt=0) | Q(open_major_hazards__gt=0) | Q(overdue_hazards__gt=0)
        ).values_list("pk", flat=True)
    )
    ids = sorted(stale_ids)
    for i in range(0, len(ids), 1000):
        units = list(Unit.objects.filter(pk__in=ids[i : i + 1000]))
        for unit in units:
            n, major, overdue = counts.get(unit.pk, (0, 0, 0))
            unit.open_hazards, unit.open_major_hazards, unit.overdue_hazards = n, major, overdue
            result = risk.compute(
                sector_code=unit.sector_id,
                is_fire_key_unit=unit.is_fire_key_unit,
                is_crowded_place=unit.is_crowded_place,
                is_public_gathering=unit.is_public_gathering,
                gas_use=unit.gas_use,
                lpg_stored_kg=unit.lpg_stored_kg,
                hazard_history=risk.hazard_history_score(major, n, overdue),
                has_open_major_hazard=major > 0,
            )
            unit.risk_score = min(result.score, 32767)
            unit.risk_computed = result.level
            unit.risk_level = unit.risk_override or result.level
            unit.risk_rank = RISK_RANK[RiskLevel(unit.risk_level)]
        Unit.objects.bulk_update(
            units,
            [
                "open_hazards",
                "open_major_hazards",
                "overdue_hazards",
                "risk_score",
                "risk_computed",
                "risk_level",
                "risk_rank",
            ],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0006_hazard_clock"),
        ("units", "0009_overdue_hazards"),
    ]

    operations = [
        migrations.RunPython(backfill_clocks, migrations.RunPython.noop),
        migrations.RunPython(backfill_unit_risk, migrations.RunPython.noop),
    ]
