"""The supervision ladder's moves on hazards: one at a time (`escalate`) or a batch of the
daily sweep (`escalate_many`), and the regulator's missed time limits (`lapse_clocks_many`).
The rules of who climbs when live in the supervision app, which calls these; a hazard's level
only ever goes up, and never on a verified or closed hazard.

The batch functions lock and re-read their rows, decide which move, and write them through
the kernel's bulk form `workflow.apply_many` (one UPDATE per distinct change, bulk events and
audit): the same kernel as `apply()`, without a query per hazard."""

from django.db import transaction

from hazardloop.hazards.choices import (
    CLOCK_RUNG_RANK,
    OPEN_STATUSES,
    REGULATOR_CLOCKS,
    SUPERVISION_RANK,
    ListedLevel,
    SupervisionLevel,
)
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.workflow import BatchRow, HazardChanged, apply, apply_many


def escalate(
    hazard: Hazard,
    *,
    rung: str,
    now,
    actor=None,
    reason: str = "",
    data: dict | None = None,
    listed_level: str = "",
) -> Hazard:
    """Move the hazard up the supervision ladder to `rung` (never down); idempotent.

    A hazard already at or above `rung` is returned unchanged. Otherwise a compare-and-swap
    from the level read moves it up and writes a "supervision" event; when another sweep moved
    it meanwhile, the hazard is read again and the rule applied once more.
    """
    if rung not in SUPERVISION_RANK:
        raise ValueError(f"unknown supervision rung {rung!r}")
    if listed_level and listed_level not in ListedLevel.values:
        raise ValueError(f"unknown listing level {listed_level!r}")
    for _attempt in range(3):
        if SUPERVISION_RANK[hazard.supervision_level] >= SUPERVISION_RANK[rung]:
            return hazard
        if hazard.status not in OPEN_STATUSES:
            return hazard
        changes = {"supervision_level": rung}
        if rung == SupervisionLevel.LISTED or listed_level:
            changes["listed_level"] = listed_level or hazard.listed_level
        try:
            with transaction.atomic():
                apply(
                    hazard,
                    "supervision",
                    actor=actor,
                    now=now,
                    reason=reason,
                    data={"from": hazard.supervision_level, "rung": rung, **(data or {})},
                    changes=changes,
                )
            return hazard
        except HazardChanged:
            hazard.refresh_from_db()
    raise HazardChanged(hazard)


def escalate_many(hazards, *, rung: str, now, reason: str = "", data_for=None, listed_levels=None):
    """Move each hazard up to `rung` (never down) in bulk; returns the ones moved.

    Call inside a transaction. The batch's rows are locked (SELECT … FOR UPDATE) and read again:
    hazards verified, closed or already at or above `rung` by then are left alone (a concurrent
    change wins, nothing is lost). One UPDATE per listing level moves them, their HazardEvents
    are bulk-inserted, and each moved hazard gets its own audit event, all appended under one
    lock of the audit chain. `data_for(hazard)` adds to each event's data; `listed_levels` maps
    hazard id → listing level (for `listed`).
    """
    if rung not in SUPERVISION_RANK:
        raise ValueError(f"unknown supervision rung {rung!r}")
    listed_levels = listed_levels or {}
    below = [lvl for lvl, rank in SUPERVISION_RANK.items() if rank < SUPERVISION_RANK[rung]]
    by_pk = {h.pk: h for h in hazards}
    locked = list(
        Hazard.objects.select_for_update()
        .filter(pk__in=list(by_pk), status__in=OPEN_STATUSES, supervision_level__in=below)
        .order_by("pk")
        .values_list("pk", "supervision_level", "status", "version")
    )
    if not locked:
        return []
    listing = rung == SupervisionLevel.LISTED
    rows = []
    for pk, level_before, status, version in locked:
        hazard = by_pk[pk]
        changes = {"supervision_level": rung}
        if listing:
            changes["listed_level"] = listed_levels.get(pk, "")
        data = {"from": level_before, "rung": rung, **(data_for(hazard) if data_for else {})}
        before = {"supervision_level": level_before}
        rows.append(BatchRow(hazard, status, version, changes, data, before))
    return apply_many("supervision", rows, now=now, reason=reason)


def lapse_clocks_many(hazards, *, rung: str, now, reason: str = "", data_for=None) -> list:
    """Record that the regulator's clock (order, re-check) of each hazard ran out: move its
    `clock_rung` up to `rung` (never down); returns the ones moved.

    Call inside a transaction. The rows are locked (SELECT … FOR UPDATE) and read again: a
    hazard ordered, verified or closed meanwhile (its clock changed), or already at or above
    `rung`, is left alone. One UPDATE moves them, one `clock_lapse` HazardEvent each (bulk) and
    one audit event each, appended under one lock of the audit chain.
    """
    if rung not in CLOCK_RUNG_RANK or not rung:
        raise ValueError(f"unknown clock rung {rung!r}")
    below = [r for r, rank in CLOCK_RUNG_RANK.items() if rank < CLOCK_RUNG_RANK[rung]]
    by_pk = {h.pk: h for h in hazards}
    locked = list(
        Hazard.objects.select_for_update()
        .filter(
            pk__in=list(by_pk),
            status__in=OPEN_STATUSES,
            clock__in=REGULATOR_CLOCKS,
            clock_rung__in=below,
            clock_due_at__lte=now,
        )
        .order_by("pk")
        .values_list("pk", "clock_rung", "status", "version", "clock", "clock_due_at")
    )
    if not locked:
        return []
    rows = []
    for pk, rung_before, status, version, clock, clock_due_at in locked:
        hazard = by_pk[pk]
        hazard.clock, hazard.clock_due_at = clock, clock_due_at
        data = {
            "from": rung_before,
            "rung": rung,
            "clock": clock,
            "clock_due_at": clock_due_at.isoformat(),
            **(data_for(hazard) if data_for else {}),
        }
        before, after = {"clock_rung": rung_before}, {"clock_rung": rung, "clock": clock}
        rows.append(BatchRow(hazard, status, version, {"clock_rung": rung}, data, before, after))
    return apply_many("clock_lapse", rows, now=now, reason=reason)
