"""Sweep step: the stored count of each unit's lapsed duties (UnitDutyCount)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from hazardloop.obligations.choices import DutyKind, DutyState
from hazardloop.obligations.models import UnitDutyCount
from hazardloop.obligations.rules import RuleBook
from hazardloop.obligations.schedule import calendar
from hazardloop.units.models import Unit
from hazardloop.units.services import record_lapsed_duties

BATCH = 2000


def count_lapsed(windows) -> tuple[int, int]:
    patrols = sum(1 for w in windows if w.state == DutyState.LAPSED and w.kind == DutyKind.PATROL)
    other = sum(1 for w in windows if w.state == DutyState.LAPSED and w.kind != DutyKind.PATROL)
    return patrols, other


def refresh_lapsed_once(now) -> int:
    """Recount every unit's lapsed duties over the last DUTY_LAPSED_DAYS days up to `now`
    (windows still open are not lapsed, nor windows that ended before the unit was on the
    register), and feed each count into the unit's risk level.
    Idempotent: the same `now` gives the same rows.
    Returns the number of units counted."""
    # At most once per DUTY_LAPSED_REFRESH_MINUTES: a recount costs about 1.4 ms of CPU per
    # unit, so every sweep loop (a minute) would keep a core busy (docs/performance.md, "Many
    # users at once").
    last_run = UnitDutyCount.objects.aggregate(last=Max("computed_at"))["last"]
    if last_run is not None and last_run <= now < last_run + timedelta(
        minutes=settings.DUTY_LAPSED_REFRESH_MINUTES
    ):
        return 0
    start = now - timedelta(days=settings.DUTY_LAPSED_DAYS)
    book = RuleBook()
    done = 0
    last = 0
    while True:
        units = list(
            Unit.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "region_id", "sector_id", "uscc", "business_hours",
                  "is_public_gathering", "is_fire_key_unit", "created_at")[:BATCH]
        )  # fmt: skip
        if not units:
            return done
        last = units[-1].pk
        cal = calendar(units, start, now, now=now, book=book)
        rows = []
        for u in units:
            # The windows that ended within the counted period (a month that began before it
            # counts when it ends inside it).
            # A window that ended before the unit was on the register was not its duty here: a
            # unit imported today has lapsed nothing yet.
            wins = [w for w in cal[u.pk] if max(start, u.created_at) < w.end <= now]
            p, o = count_lapsed(wins)
            rows.append(
                UnitDutyCount(
                    unit_id=u.pk, region_code=u.region_id, sector_id=u.sector_id,
                    lapsed=p + o, lapsed_patrols=p, lapsed_other=o, computed_at=now,
                )
            )  # fmt: skip
        with transaction.atomic():
            UnitDutyCount.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["unit"],
                update_fields=["region_code", "sector_id", "lapsed", "lapsed_patrols",
                               "lapsed_other", "computed_at"],
            )  # fmt: skip
            # The count feeds the unit's risk level (docs/units.md).
            record_lapsed_duties({r.unit_id: r.lapsed for r in rows})
        done += len(units)
