"""Writing audit events. Every service that changes data calls `record_event`."""

import contextlib
import contextvars
import datetime as dt
import json
import random
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from hazardloop.audit import insert
from hazardloop.audit.chain import (
    HASHED_FIELDS,
    Canonical,
    canonical,
    event_hash,
    normalise_json,
)
from hazardloop.audit.chain import digest as chain_digest
from hazardloop.audit.insert import SEQUENCE
from hazardloop.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from hazardloop.core.prepared import prepared_cursor
from hazardloop.core.request_context import current_request_meta


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def chain_count() -> int:
    """How many chains writers spread over: settings.AUDIT_CHAINS on PostgreSQL, 1 on SQLite
    (whose writers queue for the one database lock anyway)."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, int(getattr(settings, "AUDIT_CHAINS", 32)))


def genesis(chain: int) -> str:
    """The hash before a chain's first event: all zeros for chain 1 (the one chain of the events
    written before there were several), a keyed hash of the chain's number for the others — so
    an event cannot be moved to the start of another chain."""
    return GENESIS_HASH if chain == 1 else chain_digest(f"hazardloop-audit-chain:{chain}")


_heads_ready: set[str] = set()


def ensure_chains() -> None:
    """Create the head rows of the configured chains that do not exist yet (the migration
    creates them; a flushed test database or a larger AUDIT_CHAINS needs more)."""
    _ensure_heads(chain_count())


def _ensure_heads(chains: int) -> None:
    """Create the head rows of chains 1…`chains` that do not exist yet (one statement)."""
    table = AuditChainHead._meta.db_table
    rows = ", ".join(["(%s, 0, %s)"] * chains)
    params = [v for chain in range(1, chains + 1) for v in (chain, genesis(chain))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, seq, last_hash) VALUES {rows} "  # noqa: S608
            "ON CONFLICT (id) DO NOTHING",
            params,
        )
    _heads_ready.add(connection.alias)


def _check_heads(chains: int) -> None:
    """Create missing head rows (once per process when all are there: one COUNT)."""
    table = AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE id BETWEEN 1 AND %s",  # noqa: S608
            [chains],
        )
        present = cursor.fetchone()[0]
    if present < chains:
        _ensure_heads(chains)
    _heads_ready.add(connection.alias)


# How long a writer that finds every chain held asks again for a free one (seconds), before it
# queues for its preferred chain; the pauses between asks grow from 1 to 50 ms.
CLAIM_PATIENCE = 10.0


def _when_one_frees(cursor, take_free: str, params: list):
    """Ask for a free chain again, with growing pauses, until one is taken (its row) or
    CLAIM_PATIENCE has passed (None)."""
    pause, waited = 0.001, 0.0
    while waited < CLAIM_PATIENCE:
        cursor.execute(take_free, params)
        row = cursor.fetchone()
        if row is not None:
            return row
        time.sleep(pause)
        waited += pause
        pause = min(pause * 2, 0.05)
    return None


def _claim(count: int) -> tuple[int, int, str, list[int]]:
    """Reserve `count` positions in one chain; returns (chain, its first position, the hash
    before it, the events' numbers).

    One UPDATE … RETURNING both takes the chain's lock (PostgreSQL's row lock, held to the end
    of the transaction; SQLite's write lock) and reads its head. On PostgreSQL the writer takes
    the chain it used last if no other transaction holds it, else any chain nobody holds
    (SKIP LOCKED); when every chain is held it asks again until one is free (it never waits
    for one chain's lock, whose holder may wait for a row it holds). A transaction that already
    holds a chain finds it again (its own lock is not skipped), so its events stay together. The
    events' numbers (`seq`) are drawn while the chain is held, so they rise along each chain.
    """
    table = AuditChainHead._meta.db_table
    chains = chain_count()
    numbered = connection.vendor == "postgresql"
    # The events' numbers come back with the claim: one statement whatever their count.
    returning = "RETURNING id, seq, last_hash"
    if numbered:
        returning += (
            f", ARRAY(SELECT nextval('{SEQUENCE}') "  # noqa: S608 (a constant and an int)
            f"FROM generate_series(1, {int(count)}))"
        )
    if connection.alias not in _heads_ready:
        _check_heads(chains)
    preferred = 1
    with prepared_cursor() as cursor:
        row = None
        if chains > 1:
            preferred = getattr(connection, "_hl_audit_chain", None) or random.randint(1, chains)
            take_free = (
                f"UPDATE {table} SET seq = seq + %s WHERE id = ("  # noqa: S608
                f"SELECT id FROM {table} WHERE id BETWEEN 1 AND %s "
                "ORDER BY id = %s DESC, random() LIMIT 1 FOR UPDATE SKIP LOCKED) "
                f"{returning}"
            )
            cursor.execute(take_free, [count, chains, preferred])
            row = cursor.fetchone()
            if row is None:
                # Every chain is held by another transaction, or the head rows are gone (a
                # flushed test database). Wait for any chain to come free by asking again,
                # never by waiting for one chain's lock: its holder may be waiting for a row
                # this transaction holds, and the two would deadlock.
                _check_heads(chains)
                row = _when_one_frees(cursor, take_free, [count, chains, preferred])
        if row is None:
            # One chain (queue for it), or still none free after CLAIM_PATIENCE.
            queue = f"UPDATE {table} SET seq = seq + %s WHERE id = %s {returning}"  # noqa: S608
            cursor.execute(queue, [count, preferred])
            row = cursor.fetchone()
            if row is None:  # the head rows are gone (a flushed test database)
                _check_heads(chains)
                cursor.execute(queue, [count, preferred])
                row = cursor.fetchone()
        chain, last, prev_hash = row[0], row[1], row[2]
        first = last - count + 1
        # One chain (SQLite): its positions are the numbers.
        numbers = sorted(row[3]) if numbered else list(range(first, last + 1))
    connection._hl_audit_chain = chain
    return chain, first, prev_hash, numbers


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
            if translation.get_language() == settings.LANGUAGE_CODE:
                object_repr = str(obj)
            else:
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


# The events of a batch (`batch()`): written together when the batch ends, else None.
_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "audit_pending", default=None
)


@contextlib.contextmanager
def batch():
    """Write the audit events recorded inside the block together when it ends: one chain claim
    and one INSERT for all of them instead of two round trips each (a workflow step records
    its own event, the unit's risk and the notification's).

    Use it inside the transaction of the change, never around it, so that the events commit
    or roll back with it:

        with transaction.atomic(), audit.batch():
            ...

    The events are the same as one by one (same fields, hashes and order, one chain). An
    exception inside the block writes none of them (the transaction rolls back anyway). Only
    for blocks without a savepoint that may roll back on its own: an event recorded inside
    such a savepoint would still be written. `record_event` returns the event unsaved; it is
    saved (pk, hash, seq) when the block ends. Nested batches join the outermost.
    """
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if pending:
        _append([values for values, _event in pending], [event for _values, event in pending])


def _append(rows: list[dict], events: list[AuditEvent] | None = None) -> list[AuditEvent]:
    """Chain and insert already-built rows in order: on PostgreSQL one round trip when this
    connection still holds the head it left (`insert.kept`), else 2 (claim; insert and move the head
    in one statement); 3 elsewhere, whatever their number. `events`: unsaved instances to fill
    in (a batch's), else new ones."""
    # No savepoint inside the caller's transaction (two round trips per event): if the audit
    # row cannot be written, the change it records must not commit either.
    with transaction.atomic(savepoint=False):
        at = timezone.now()
        kept = insert.kept(len(rows), chain_count()) if len(rows) <= 100 else None
        if kept is not None:
            chain, last, prev_hash, numbers = kept
            filled = _fill(rows, events, chain, last + 1, prev_hash, numbers, at)
            if insert.insert_on_kept_head(filled, chain, last, prev_hash):
                return filled
            # Another writer moved the chain on since (or this connection's write of it was
            # rolled back): claim one as if nothing were kept.
        chain, first, prev_hash, numbers = _claim(len(rows))
        filled = _fill(rows, events, chain, first, prev_hash, numbers, at)
        if connection.vendor == "postgresql" and len(filled) <= 100:
            insert.insert_and_move_head(filled, chain)
        else:
            AuditEvent.objects.bulk_create(filled, batch_size=1000)
            AuditChainHead.objects.filter(pk=chain).update(last_hash=filled[-1].hash)
            insert.forget()  # no numbers drawn ahead: claim next time
    return filled


def _fill(rows, events, chain, first, prev_hash, numbers, at) -> list[AuditEvent]:
    """The events of `rows` numbered and linked from (`first`, `prev_hash`) in `chain`."""
    at_text = _utc_iso(at)
    filled = []
    for offset, values in enumerate(rows):
        values = {**values, "seq": numbers[offset], "prev_hash": prev_hash}
        digest = event_hash({**values, "at": at_text})
        fields = {
            **values,
            "at": at,
            "hash": digest,
            "chain": chain,
            "chain_seq": first + offset,
        }
        if events is None:
            filled.append(AuditEvent(**fields))
        else:
            event = events[offset]
            for name, value in fields.items():
                setattr(event, name, value)
            filled.append(event)
        prev_hash = digest
    return filled


def record_event(action: str, **fields) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (or its own).

    Keyword arguments: actor, obj, object_type, object_id, object_repr, region_code, message,
    before, after, actor_label. `obj` may be any model instance: its type, primary key, text and
    `region_code` / `region_id` fill the object fields unless given explicitly. IP address and
    user agent come from the current request, if there is one.
    """
    values = _values(action, **fields)
    pending = _pending.get()
    if pending is not None:
        event = AuditEvent()
        pending.append((values, event))
        return event
    return _append([values])[0]


def record_events(entries: list[tuple[str, dict]]) -> list[AuditEvent]:
    """Append many events at once, e.g. one per row of an import: [(action, fields), ...].

    Same fields as record_event; the whole batch is chained in order with one lock.
    """
    if not entries:
        return []
    meta = current_request_meta()
    rows = [_values(action, meta=meta, **fields) for action, fields in entries]
    pending = _pending.get()
    if pending is not None:
        events = [AuditEvent() for _row in rows]
        pending.extend(zip(rows, events, strict=True))
        return events
    return _append(rows)


_scalar = json.JSONEncoder(ensure_ascii=False).encode
# The row columns in the order of the hashed payload's sorted keys (see _payload_text).
_SORTED = sorted(HASHED_FIELDS)
_COPY_COLUMNS = [*HASHED_FIELDS, "hash", "chain", "chain_seq"]


def _json_text(value) -> str | None:
    """The canonical text of a before/after value as it reads back from the database (the
    round trip of normalise_json), or None. A flat dict with text keys reads back as the same
    text; anything else (nested values, other keys) takes the round trip, unless its writer
    rendered it as chain.Canonical text."""
    if value is None:
        return None
    if isinstance(value, Canonical):
        return str(value)
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
        chain, first, prev_hash, numbers = _claim(len(entries))
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
                seq = numbers[offset]
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
                        chain,
                        first + offset,
                    ]
                )
                prev_hash = digest
        AuditChainHead.objects.filter(pk=chain).update(last_hash=prev_hash)
        insert.forget()  # no numbers drawn ahead: claim next time
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


def chain_heads() -> dict[int, tuple[int, str]]:
    """Each chain's length and newest hash: {chain: (seq, hash)}, for chains with events."""
    return {h.pk: (h.seq, h.last_hash) for h in AuditChainHead.objects.order_by("pk") if h.seq}


def chain_head() -> dict | None:
    """The whole log's head in one line: the newest event's number and one hash over every
    chain's head (what reports print; the published heads keep each chain's)."""
    heads = chain_heads()
    if not heads:
        return None
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return {"seq": newest, "hash": chain_digest(canonical(_heads_json(heads)))}


def _heads_json(heads: dict[int, tuple[int, str]]) -> dict[str, list]:
    return {str(chain): [seq, digest] for chain, (seq, digest) in sorted(heads.items())}


def publish_head_once(now: dt.datetime) -> int:
    """Append the chains' heads (each chain's length and newest hash) to
    settings.AUDIT_HEAD_FILE, outside the database, when one moved and the last line is older
    than AUDIT_HEAD_MINUTES. Returns 1 when a line was written. `verify_chain` checks every
    published head against the events."""
    heads = chain_heads()
    if not heads:
        return 0
    chains = _heads_json(heads)
    published = published_heads()
    if published:
        last = published[-1]
        fresh = now - dt.datetime.fromisoformat(last["at"]) < dt.timedelta(
            minutes=settings.AUDIT_HEAD_MINUTES
        )
        if last["chains"] == chains or fresh:
            return 0
    path = Path(settings.AUDIT_HEAD_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    line = {
        "seq": newest,
        "hash": chain_digest(canonical(chains)),
        "at": _utc_iso(now),
        "chains": chains,
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    return 1


def published_heads(path=None) -> list[dict]:
    """The heads published so far (oldest first), each with `chains`: {chain: [length, hash]}
    (a line from before there were several chains is chain 1's). A line that cannot be read is
    skipped."""
    path = Path(path or settings.AUDIT_HEAD_FILE)
    if not path.exists():
        return []
    out = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            line = json.loads(text)
            chains = line.get("chains") or {"1": [int(line["seq"]), str(line["hash"])]}
            out.append(
                {
                    "seq": int(line["seq"]),
                    "hash": str(line["hash"]),
                    "at": line["at"],
                    "chains": {str(k): [int(v[0]), str(v[1])] for k, v in chains.items()},
                }
            )
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            continue
    return out


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}–#{last}"


def verify_chain(
    batch_size: int = 5000, heads: list[dict] | None = None
) -> tuple[int, AuditEvent | None, str]:
    """Walk every chain in order, checking each event's keyed hash, its link to the previous
    event of its chain and its position there, each chain's head, and that the events at the
    published heads (`published_heads()` unless given) still carry the published hash.
    Returns (events checked, first broken event or None, reason)."""
    head_rows = {h.pk: h for h in AuditChainHead.objects.all()}
    marks: dict[int, dict[int, tuple[str, str]]] = {}
    for line in published_heads() if heads is None else heads:
        chains = line.get("chains") or {"1": [line["seq"], line["hash"]]}
        for chain, (position, digest) in chains.items():
            marks.setdefault(int(chain), {})[int(position)] = (digest, line["at"])
    key = settings.AUDIT_HMAC_KEY.encode()
    state: dict[int, tuple[int, str]] = {}  # chain: (next position, hash it must link to)
    checked = 0
    # Along `seq`, each chain's events come in their chain's order (numbers are drawn under
    # the chain's lock), so one pass checks them all.
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        chain = event.chain
        expected_seq, expected_prev = state.get(chain) or (1, genesis(chain))
        if event.chain_seq != expected_seq:
            if event.chain_seq > expected_seq:
                return (
                    checked,
                    event,
                    f"missing event(s) {_span(expected_seq, event.chain_seq - 1)} of chain "
                    f"{chain} before it",
                )
            return checked, event, f"its place in chain {chain} was changed"
        if event.prev_hash != expected_prev:
            return checked, event, "its link to the previous event does not match"
        values = {name: getattr(event, name) for name in HASHED_FIELDS if name != "at"}
        values["at"] = _utc_iso(event.at)
        if event_hash(values, key) != event.hash:
            return checked, event, "its contents were changed after it was written"
        mark = marks.get(chain, {}).get(event.chain_seq)
        if mark is not None and mark[0] != event.hash:
            return checked, event, f"it differs from the head published at {mark[1]}"
        state[chain] = (expected_seq + 1, event.hash)
        checked += 1
    for chain in sorted(set(state) | set(head_rows)):
        head = head_rows.get(chain)
        next_seq, last_hash = state.get(chain) or (1, genesis(chain))
        if head is None:
            return checked, None, f"chain {chain} has events but no head"
        if head.seq >= next_seq:
            return (
                checked,
                None,
                f"the newest event(s) {_span(next_seq, head.seq)} of chain {chain} were deleted",
            )
        if head.seq and head.last_hash != last_hash:
            return checked, None, f"the head of chain {chain} does not match its newest event"
        if head.seq < next_seq - 1:
            return checked, None, f"chain {chain} holds events beyond its head"
    for chain, positions in sorted(marks.items()):
        next_seq = (state.get(chain) or (1, ""))[0]
        beyond = [p for p in positions if p >= next_seq]
        if beyond:
            return (
                checked,
                None,
                f"event {_span(max(beyond), max(beyond))} of chain {chain} was published but "
                "is missing",
            )
    return checked, None, ""
