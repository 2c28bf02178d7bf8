"""Writing hazards: every change goes through one of these functions.

Each is `verb_noun(obj, *, actor, ...)`, runs in one transaction, writes its HazardEvent and
audit event through `workflow.apply`, and returns the updated object. Role checks
(PermissionDenied), status checks (NotAllowedNow) and concurrent changes (HazardChanged) are
raised before anything is written. Notifications go out after commit.
"""

from hazardloop.hazards.services.create import create_hazard, record_exclusion, redetermine_unit
from hazardloop.hazards.services.loop import (
    advise_hazard,
    apply_action,
    assign_expert,
    close_hazard,
    decide_extension,
    escalate,
    order_hazard,
    override_grade,
    request_extension,
    save_plan,
    start_rectification,
    submit_rectification,
    verify_hazard,
)
from hazardloop.hazards.workflow import HazardChanged, NotAllowedNow

__all__ = [
    "HazardChanged",
    "NotAllowedNow",
    "advise_hazard",
    "apply_action",
    "assign_expert",
    "close_hazard",
    "create_hazard",
    "decide_extension",
    "escalate",
    "order_hazard",
    "override_grade",
    "record_exclusion",
    "redetermine_unit",
    "request_extension",
    "save_plan",
    "start_rectification",
    "submit_rectification",
    "verify_hazard",
]


# --- Added by the supervision engineer (the ladder sweep at 5,000,000 hazards). ---------------
# One hazard at a time, `escalate` writes one audit event per rung, and the audit chain is a
# single serialised row: a day's sweep at province scale did not fit in 60 s that way. This is
# the same rule in bulk: claim the batch's rows under a row lock, move them in one UPDATE per
# listing level, bulk-append their HazardEvents and write one audit event for the batch.


def escalate_many(hazards, *, rung: str, now, reason: str = "", data_for=None, listed_levels=None):
    """Move each hazard up to `rung` (never down) in one statement; returns the ones moved.

    Call inside a transaction. Hazards that are closed, verified or already at or above `rung`
    when the rows are locked are left alone (a concurrent change wins, nothing is lost).
    `data_for(hazard)` adds to each event's data; `listed_levels` maps hazard id → level.
    """
    from collections import defaultdict

    from django.db.models import F

    from hazardloop.audit.services import record_event
    from hazardloop.hazards.choices import OPEN_STATUSES, SUPERVISION_RANK, SupervisionLevel
    from hazardloop.hazards.models import Hazard, HazardEvent

    below = [lvl for lvl, rank in SUPERVISION_RANK.items() if rank < SUPERVISION_RANK[rung]]
    by_pk = {h.pk: h for h in hazards}
    locked = list(
        Hazard.objects.select_for_update()
        .filter(pk__in=list(by_pk), status__in=OPEN_STATUSES, supervision_level__in=below)
        .values_list("pk", "supervision_level", "status", "version")
    )
    if not locked:
        return []
    groups = defaultdict(list)
    for pk, _level, _status, _version in locked:
        level = (listed_levels or {}).get(pk, "") if rung == SupervisionLevel.LISTED else None
        groups[level].append(pk)
    for level, pks in groups.items():
        changes = {"supervision_level": rung}
        if level is not None:
            changes["listed_level"] = level
        Hazard.objects.filter(pk__in=pks).update(
            version=F("version") + 1, updated_at=now, **changes
        )
    moved = []
    events = []
    for pk, level_before, status, version in locked:
        hazard = by_pk[pk]
        hazard.supervision_level = rung
        if rung == SupervisionLevel.LISTED:
            hazard.listed_level = (listed_levels or {}).get(pk, "")
        hazard.status, hazard.version = status, version + 1
        moved.append(hazard)
        events.append(
            HazardEvent(
                hazard_id=pk,
                kind="supervision",
                from_status=status,
                to_status=status,
                at=now,
                reason=reason,
                data={"from": level_before, "rung": rung, **(data_for(hazard) if data_for else {})},
            )
        )
    HazardEvent.objects.bulk_create(events)
    record_event(
        "hazard.supervision",
        object_type="hazards.hazard",
        object_id=str(moved[0].pk),
        message=f"{len(moved)} hazard(s) → {rung}: {reason}"[:500],
        after={"rung": rung, "hazards": [h.pk for h in moved]},
    )
    return moved
