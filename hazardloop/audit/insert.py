"""Writing a chain's events on PostgreSQL: the INSERT that moves the chain's head in the same
statement, and the head a connection keeps from its last write so that its next one needs no
claim (docs/adr/0003-audit-chain.md, addendum of session 21). `services._append` decides which."""

import functools
import time

from django.db import connection

from hazardloop.audit.chain import HASHED_FIELDS, canonical
from hazardloop.audit.models import AuditChainHead, AuditEvent
from hazardloop.core.prepared import prepared_cursor

# The events' numbers on PostgreSQL (created by migration 0004); SQLite numbers them by chain 1.
SEQUENCE = "audit_event_seq"
INSERT_COLUMNS = [*HASHED_FIELDS, "hash", "chain", "chain_seq"]
# The numbers a connection draws ahead, under its chain's lock, for its next write.
SPARE_NUMBERS = 4
# How long they stay usable (seconds): the trail lists events by number, so a number drawn
# long before its event is written would list that event among older ones.
SPARE_SECONDS = 1.0


def kept(count: int, chains: int) -> tuple[int, int, str, list[int]] | None:
    """The head this connection left on its chain at its last write, with numbers it drew
    then, when enough of them are fresh: (chain, its length, its hash, `count` numbers), else
    None. `chains`: how many chains writers spread over now.

    The numbers were drawn while this connection held the chain, so they are above every
    number in it. They can be used only in the state they were drawn for: the statement that
    uses them (`insert_on_kept_head`) moves the head only if it is still that length and hash,
    and nobody holds it. If another writer has written to the chain since, its numbers were
    drawn later (higher) but the head has moved, so these are discarded and a chain is claimed;
    a gap in `seq` is no evidence of anything."""
    if connection.vendor != "postgresql":
        return None
    held = getattr(connection, "_hl_audit_kept", None)
    if held is None:
        return None
    chain, last, last_hash, spare = held
    if len(spare) < count or chain > chains:
        return None
    if time.monotonic() - spare[0][1] > SPARE_SECONDS:  # the oldest is used first
        return None
    return chain, last, last_hash, [number for number, _drawn in spare[:count]]


def forget() -> None:
    """This connection's next write claims a chain (it wrote without drawing numbers ahead)."""
    connection._hl_audit_kept = None


def _keep(chain: int, last: int, last_hash: str, left: list, drawn: list[int] | None) -> None:
    """Remember the head this connection leaves, and the numbers it holds for its next write:
    those `left` from before (with when they were drawn) and those it just `drawn`."""
    now = time.monotonic()
    spare = [*left, *((number, now) for number in sorted(drawn or ()))]
    connection._hl_audit_kept = (chain, last, last_hash, spare)


def _array_type(name: str) -> str:
    """The array type a column's values are sent as: text for character columns (the INSERT's
    assignment then refuses a value too long, as it would one by one: a cast to varchar(n)
    would cut it silently), the column's own type otherwise."""
    db_type = AuditEvent._meta.get_field(name).db_type(connection)
    return "text[]" if db_type.startswith("varchar") else f"{db_type}[]"


@functools.cache
def _insert_sql(on_kept_head: bool) -> str:
    """The events' INSERT (one array per column, unnest) and the head's move in one statement,
    drawing the numbers of the connection's next write while the chain is held. On the kept
    head, nothing is written unless the chain still has the length and hash the connection
    left and no other transaction holds it (SKIP LOCKED: a writer never waits for a chain's
    lock); after a claim, the chain is already this transaction's."""
    table = AuditEvent._meta.db_table
    head = AuditChainHead._meta.db_table
    quote = connection.ops.quote_name
    names = ", ".join(quote(AuditEvent._meta.get_field(c).column) for c in INSERT_COLUMNS)
    arrays = ", ".join(f"%b::{_array_type(c)}" for c in INSERT_COLUMNS)  # binary: no escaping
    if on_kept_head:
        move = (
            f"UPDATE {head} SET seq = seq + %s, last_hash = %s "  # noqa: S608
            f"WHERE id = (SELECT id FROM {head} WHERE id = %s AND seq = %s AND last_hash = %s "
            "FOR UPDATE SKIP LOCKED)"
        )
        only = " WHERE EXISTS (SELECT FROM head)"
    else:
        move, only = f"UPDATE {head} SET last_hash = %s WHERE id = %s", ""  # noqa: S608
    drawn = f"ARRAY(SELECT nextval('{SEQUENCE}') FROM generate_series(1, %s))"  # noqa: S608
    return (
        f"WITH head AS ({move} RETURNING {drawn} AS spare) "  # noqa: S608
        f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}){only} "
        "RETURNING id, seq, (SELECT spare FROM head)"
    )


def _event_columns(events: list[AuditEvent]) -> list[list]:
    columns: list[list] = [[] for _name in INSERT_COLUMNS]
    for event in events:
        for values, name in zip(columns, INSERT_COLUMNS, strict=True):
            value = getattr(event, name)
            if name in ("before", "after") and value is not None:
                value = canonical(value)
            values.append(value)
    return columns


def _saved(events: list[AuditEvent], rows: list[tuple]) -> list | None:
    """Give the events the ids the INSERT returned; the numbers drawn ahead (or None)."""
    by_seq = {event.seq: event for event in events}
    for pk, seq, _spare in rows:
        event = by_seq[seq]
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias
    return rows[-1][2] if rows else None


def insert_and_move_head(events: list[AuditEvent], chain: int) -> None:
    """INSERT the events of a chain this transaction has claimed and set its head's hash, in
    one statement. Each column's values go as one array (unnest), so the statement is the
    same for one event or a hundred: psycopg converts its text once per process (it would not
    cache a statement of over 50 parameters: three events of 18 columns) and the server
    prepares it once per connection."""
    with prepared_cursor() as cursor:
        params = [events[-1].hash, chain, SPARE_NUMBERS, *_event_columns(events)]
        cursor.execute(_insert_sql(False), params)
        drawn = _saved(events, cursor.fetchall())
    _keep(chain, events[-1].chain_seq, events[-1].hash, [], drawn)


def insert_on_kept_head(events: list[AuditEvent], chain: int, last: int, last_hash: str) -> bool:
    """The events' INSERT and the head's move in one round trip, if the chain is still as this
    connection left it (`kept`); False, with nothing written, if not."""
    count = len(events)
    # As many numbers drawn as are used, so that one writer's numbers stay consecutive.
    params = [count, events[-1].hash, chain, last, last_hash, count, *_event_columns(events)]
    with prepared_cursor() as cursor:
        cursor.execute(_insert_sql(True), params)
        rows = cursor.fetchall()
    if not rows:
        forget()
        return False
    left = connection._hl_audit_kept[3][count:]
    _keep(chain, events[-1].chain_seq, events[-1].hash, left, _saved(events, rows))
    return True
