"""Writing audit events. Every service that changes data calls `record_event`."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from hazardloop.audit.chain import HASHED_FIELDS, canonical, event_hash, normalise_json
from hazardloop.audit.chain import digest as chain_digest
from hazardloop.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from hazardloop.core.request_context import current_request_meta


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _claim(count: int) -> tuple[int, str]:
    """Reserve `count` sequence numbers; returns (first seq, hash before it).

    One UPDATE … RETURNING both takes the lock (SQLite's write lock, PostgreSQL's row lock) and
    reads the head, so concurrent writers queue here and the chain stays linear.
    """
    table = AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET seq = seq + %s WHERE id = 1 RETURNING seq, last_hash",  # noqa: S608
            [count],
        )
        last_seq, last_hash = cursor.fetchone()
    return last_seq - count + 1, last_hash


def _values(
    action,
    *,
    actor=None,
    obj=None,
    object_type="",
    object_id="",
    object_repr="",
    region_code="",
    message="",
    before=None,
    after=None,
    actor_label="",
    meta=None,
) -> dict:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if not object_repr:
            # The trail names objects in the product's own language (their Chinese names),
            # whatever language the person, command or worker writing it had active.
            with translation.override(settings.LANGUAGE_CODE):
                object_repr = str(obj)
        region_code = region_code or str(
            getattr(obj, "region_code", "") or getattr(obj, "region_id", "") or ""
        )
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    meta = meta if meta is not None else current_request_meta()
    return {
        "actor_id": actor.pk if actor else None,
        "actor_label": (actor_label or (actor.get_username() if actor else ""))[:150],
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id)[:64],
        "object_repr": str(object_repr)[:200],
        "region_code": str(region_code)[:12],
        "ip": meta.get("ip", "")[:64],
        "user_agent": meta.get("user_agent", "")[:300],
        "message": str(message)[:500],
        "before": normalise_json(before),
        "after": normalise_json(after),
    }


def _append(rows: list[dict]) -> list[AuditEvent]:
    """Chain and insert already-built rows in order (3 queries whatever their number)."""
    # No savepoint inside the caller's transaction (two round trips per event): if the audit
    # row cannot be written, the change it records must not commit either.
    with transaction.atomic(savepoint=False):
        first_seq, prev_hash = _claim(len(rows))
        at = timezone.now()
        events = []
        for offset, values in enumerate(rows):
            values = {**values, "seq": first_seq + offset, "prev_hash": prev_hash}
            digest = event_hash({**values, "at": _utc_iso(at)})
            events.append(AuditEvent(at=at, hash=digest, **values))
            prev_hash = digest
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev_hash)
    return events


def record_event(action: str, **fields) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (or its own).

    Keyword arguments: actor, obj, object_type, object_id, object_repr, region_code, message,
    before, after, actor_label. `obj` may be any model instance: its type, primary key, text and
    `region_code` / `region_id` fill the object fields unless given explicitly. IP address and
    user agent come from the current request, if there is one.
    """
    return _append([_values(action, **fields)])[0]


def record_events(entries: list[tuple[str, dict]]) -> list[AuditEvent]:
    """Append many events at once, e.g. one per row of an import: [(action, fields), ...].

    Same fields as record_event; the whole batch is chained in order with one lock.
    """
    if not entries:
        return []
    meta = current_request_meta()
    return _append([_values(action, meta=meta, **fields) for action, fields in entries])


_scalar = json.JSONEncoder(ensure_ascii=False).encode
# The row columns in the order of the hashed payload's sorted keys (see _payload_text).
_SORTED = sorted(HASHED_FIELDS)
_COPY_COLUMNS = [*HASHED_FIELDS, "hash"]


def _json_text(value) -> str | None:
    """The canonical text of a before/after value as it reads back from the database (the
    round trip of normalise_json), or None. A flat dict with text keys reads back as the same
    text; anything else (nested values, other keys) takes the round trip."""
    if value is None:
        return None
    text = canonical(value)
    flat = isinstance(value, dict) and all(
        type(k) is str and not isinstance(v, dict | list | tuple) for k, v in value.items()
    )
    return text if flat else canonical(json.loads(text))


def record_many(entries: list[tuple[str, dict]]) -> int:
    """Append many events at once, like record_events, for large batches (an import's rows):
    no model instances are built or returned, and on PostgreSQL the rows go in with COPY.

    The events are the same as record_events writes (same fields, same hash, one chain lock
    for the batch), so `verify_audit` checks them like any other. Returns the number written.
    """
    if not entries:
        return 0
    if connection.vendor != "postgresql":
        return len(record_events(entries))
    meta = current_request_meta()
    key = settings.AUDIT_HMAC_KEY.encode()
    table = AuditEvent._meta.db_table
    with transaction.atomic():
        first_seq, prev_hash = _claim(len(entries))
        at = timezone.now()
        at_text = json.dumps(_utc_iso(at))
        names = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for offset, (action, fields) in enumerate(entries):
                values = _values(action, meta=meta, **{**fields, "before": None, "after": None})
                before = _json_text(fields.get("before"))
                after = _json_text(fields.get("after"))
                seq = first_seq + offset
                payload = {
                    **values,
                    "seq": seq,
                    "prev_hash": prev_hash,
                    "before": before,
                    "after": after,
                }
                digest = chain_digest(_payload_text(payload, at_text), key)
                copy.write_row(
                    [
                        seq,
                        at,
                        values["actor_id"],
                        values["actor_label"],
                        action,
                        values["object_type"],
                        values["object_id"],
                        values["object_repr"],
                        values["region_code"],
                        values["ip"],
                        values["user_agent"],
                        values["message"],
                        before,
                        after,
                        prev_hash,
                        digest,
                    ]
                )
                prev_hash = digest
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev_hash)
    return len(entries)


def _payload_text(payload: dict, at_text: str) -> str:
    """chain.canonical() of the hashed fields, assembled from parts: `before` and `after` are
    already canonical JSON text (or None), `at` is the JSON of its ISO string. json.dumps with
    sorted keys and no spaces is compositional, so this is the same text event_hash hashes."""
    parts = []
    for name in _SORTED:
        if name == "at":
            text = at_text
        elif name in ("before", "after"):
            text = payload[name] if payload[name] is not None else "null"
        else:
            text = _scalar(payload[name])  # str, int or None: the same text as canonical()
        parts.append(f"{json.dumps(name)}:{text}")
    return "{" + ",".join(parts) + "}"


def publish_head_once(now: dt.datetime) -> int:
    """Append the chain head (sequence number and hash) to settings.AUDIT_HEAD_FILE, outside the
    database, when it moved and the last line is older than AUDIT_HEAD_MINUTES. Returns 1 when a
    line was written. `verify_chain` checks every published head against the events."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return 0
    heads = published_heads()
    if heads:
        last = heads[-1]
        fresh = now - dt.datetime.fromisoformat(last["at"]) < dt.timedelta(
            minutes=settings.AUDIT_HEAD_MINUTES
        )
        if last["seq"] == head.seq or fresh:
            return 0
    path = Path(settings.AUDIT_HEAD_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"seq": head.seq, "hash": head.last_hash, "at": _utc_iso(now)}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    return 1


def published_heads(path=None) -> list[dict]:
    """The heads published so far (oldest first); a line that cannot be read is skipped."""
    path = Path(path or settings.AUDIT_HEAD_FILE)
    if not path.exists():
        return []
    out = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            line = json.loads(text)
            out.append({"seq": int(line["seq"]), "hash": str(line["hash"]), "at": line["at"]})
        except (ValueError, KeyError, TypeError):
            continue
    return out


def verify_chain(
    batch_size: int = 5000, heads: list[dict] | None = None
) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order, checking each event's keyed hash and link, and that the events
    at the published heads (`published_heads()` unless given) still carry the published hash.
    Returns (events checked, first broken event or None, reason)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    published = {h["seq"]: h for h in (published_heads() if heads is None else heads)}
    key = settings.AUDIT_HMAC_KEY.encode()
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
        if event_hash(values, key) != event.hash:
            return checked, event, "its contents were changed after it was written"
        mark = published.get(event.seq)
        if mark is not None and mark["hash"] != event.hash:
            return checked, event, f"it differs from the head published at {mark['at']}"
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    if head is not None and head.seq >= expected_seq:
        return checked, None, f"the newest event(s) #{expected_seq}–#{head.seq} were deleted"
    if head is not None and checked and head.last_hash != expected_prev:
        return checked, None, "the chain head does not match the newest event"
    beyond = [seq for seq in published if seq >= expected_seq]
    if beyond:
        return checked, None, f"event #{max(beyond)} was published but is missing"
    return checked, None, ""
