"""Writing audit events. Every service that changes data calls `record_event`."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hazardloop.audit.chain import HASHED_FIELDS, event_hash, normalise_json
from hazardloop.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from hazardloop.core.request_context import current_request_meta


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def record_event(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    message: str = "",
    before: dict | None = None,
    after: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (or its own).

    `obj` may be any model instance: its type, primary key, text and `region_id` /
    `region_code` attribute fill the object fields unless given explicitly. IP address and user
    agent come from the current request, if there is one.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
        region_code = region_code or str(
            getattr(obj, "region_code", "") or getattr(obj, "region_id", "") or ""
        )
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    meta = current_request_meta()
    with transaction.atomic():
        # The update takes the write lock (SQLite) / row lock (PostgreSQL) before we read.
        AuditChainHead.objects.filter(pk=1).update(seq=F("seq") + 1)
        head = AuditChainHead.objects.get(pk=1)
        at = timezone.now()
        values = {
            "seq": head.seq,
            "at": _utc_iso(at),
            "actor_id": actor.pk if actor else None,
            "actor_label": (actor_label or (actor.get_username() if actor else ""))[:150],
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id)[:64],
            "object_repr": str(object_repr)[:200],
            "region_code": region_code[:12],
            "ip": meta.get("ip", "")[:64],
            "user_agent": meta.get("user_agent", "")[:300],
            "message": str(message)[:500],
            "before": normalise_json(before),
            "after": normalise_json(after),
            "prev_hash": head.last_hash,
        }
        digest = event_hash(values)
        fields = {k: v for k, v in values.items() if k != "at"}
        event = AuditEvent.objects.create(at=at, hash=digest, **fields)
        AuditChainHead.objects.filter(pk=1).update(last_hash=digest)
    return event


def verify_chain(batch_size: int = 5000) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first broken event or None, reason)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return checked, event, f"missing event(s) #{expected_seq}–#{event.seq - 1} before it"
        if event.prev_hash != expected_prev:
            return checked, event, "its link to the previous event does not match"
        values = {name: getattr(event, name) for name in HASHED_FIELDS if name != "at"}
        values["at"] = _utc_iso(event.at)
        if event_hash(values) != event.hash:
            return checked, event, "its contents were changed after it was written"
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    if head is not None and head.seq >= expected_seq:
        return checked, None, f"the newest event(s) #{expected_seq}–#{head.seq} were deleted"
    if head is not None and checked and head.last_hash != expected_prev:
        return checked, None, "the chain head does not match the newest event"
    return checked, None, ""
