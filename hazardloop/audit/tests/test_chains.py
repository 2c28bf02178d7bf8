"""Several audit chains (docs/adr/0003-audit-chain.md): concurrent writers take different
chains, and verify_audit still finds every deletion, insertion and alteration."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from hazardloop.audit import insert
from hazardloop.audit.models import AuditChainHead, AuditEvent
from hazardloop.audit.services import (
    chain_head,
    ensure_chains,
    genesis,
    publish_head_once,
    record_event,
    verify_chain,
)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several chains need PostgreSQL's row locks"
)


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _write_concurrently(writers: int, each: int, *, hold: bool = False) -> set[int]:
    """`writers` threads, each with its own connection, write `each` events; with `hold`, all
    of them are inside their transaction (holding their chain) at the same moment. Returns the
    chains they used."""
    barrier = threading.Barrier(writers, timeout=20)
    used, errors = set(), []

    def write(n):
        try:
            for i in range(each):
                with transaction.atomic():
                    event = record_event("thread.write", object_id=f"{n}-{i}", region_code="22")
                    if hold and i == 0:
                        barrier.wait()  # would time out if one chain serialised the writers
                used.add(event.chain)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return used


@pytest.fixture
def spread(transactional_db, reference_data, settings):
    """A log written by 8 concurrent writers over several chains (PostgreSQL)."""
    settings.AUDIT_CHAINS = 16
    connection.__dict__.pop("_hl_audit_chain", None)
    ensure_chains()  # as the migration does (the transactional test flushed the heads)
    used = _write_concurrently(8, 6, hold=True)
    return used


@needs_postgres
def test_concurrent_writers_hold_different_chains_at_once(spread):
    """Eight transactions each hold a chain at the same moment (the barrier inside the
    transaction would time out if they queued for one head row), and the log verifies."""
    assert len(spread) >= 8
    assert verify_chain() == (48, None, "")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(set(seqs)) == 48
    for chain in spread:
        positions = list(
            AuditEvent.objects.filter(chain=chain)
            .order_by("seq")
            .values_list("chain_seq", flat=True)
        )
        assert positions == list(range(1, len(positions) + 1))
        head = AuditChainHead.objects.get(pk=chain)
        assert head.seq == len(positions)


def _chain_with(n: int) -> list[AuditEvent]:
    """A chain holding at least n events, its events in order."""
    for chain in AuditChainHead.objects.filter(seq__gte=n).values_list("pk", flat=True):
        return list(AuditEvent.objects.filter(chain=chain).order_by("chain_seq"))
    pytest.skip("no chain long enough")


@needs_postgres
def test_a_deleted_event_in_one_chain_is_named(spread):
    events = _chain_with(3)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _checked, broken, reason = verify_chain()
    assert broken.pk == events[2].pk
    assert f"#2 of chain {events[0].chain}" in reason


@needs_postgres
def test_a_deleted_newest_event_is_found_by_the_head(spread):
    events = _chain_with(2)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    _checked, broken, reason = verify_chain()
    assert broken is None and "deleted" in reason and f"chain {events[0].chain}" in reason


@needs_postgres
def test_an_altered_event_is_named(spread):
    events = _chain_with(2)
    _sql("UPDATE audit_auditevent SET message = 'nothing' WHERE id = %s", [events[0].pk])
    _checked, broken, reason = verify_chain()
    assert broken.pk == events[0].pk and "changed" in reason


@needs_postgres
def test_an_inserted_event_is_caught(spread):
    """A row slipped in after a chain's newest event, linked to it, with a made-up hash."""
    events = _chain_with(1)
    last = events[-1]
    _sql(
        "INSERT INTO audit_auditevent (seq, at, actor_label, action, object_type, object_id, "
        "object_repr, region_code, ip, user_agent, message, prev_hash, hash, chain, chain_seq) "
        "VALUES (%s, now(), '', 'thread.write', '', 'x', '', '22', '', '', '', %s, %s, %s, %s)",
        [10**9, last.hash, "e" * 64, last.chain, last.chain_seq + 1],
    )
    _checked, broken, reason = verify_chain()
    assert broken.seq == 10**9 and "changed" in reason


@needs_postgres
def test_an_event_moved_to_another_chain_is_caught(spread):
    """Chains are bound by their genesis: the first event of one chain cannot pass as the first
    of another (nor any event as another chain's)."""
    events = _chain_with(1)
    free = next(c for c in range(1, 17) if not AuditEvent.objects.filter(chain=c).exists())
    assert genesis(free) != genesis(events[0].chain)
    _sql(
        "UPDATE audit_auditevent SET chain = %s, chain_seq = 1 WHERE id = %s",
        [free, events[0].pk],
    )
    _checked, broken, _reason = verify_chain()
    assert broken is not None


@needs_postgres
def test_a_truncated_chain_with_its_head_rewound_is_caught_by_the_published_heads(spread):
    publish_head_once(dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC))
    events = _chain_with(2)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    _sql(
        "UPDATE audit_auditchainhead SET seq = seq - 1, last_hash = %s WHERE id = %s",
        [events[-2].hash, events[0].chain],
    )
    _checked, _broken, reason = verify_chain()
    assert "published" in reason


@needs_postgres
def test_the_whole_log_has_one_head_line(spread):
    head = chain_head()
    assert head["seq"] == AuditEvent.objects.order_by("-seq").first().seq
    assert len(head["hash"]) == 64


def test_one_chain_on_sqlite_numbers_events_by_their_place(reference_data):
    """SQLite (and a single-chain setting) keeps one chain: number = place in chain 1."""
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's single chain")
    events = [record_event("unit.viewed", object_id=str(i)) for i in range(3)]
    assert [(e.chain, e.chain_seq) for e in events] == [(1, e.seq) for e in events]
    assert verify_chain() == (3, None, "")


def _lock_waits() -> int:
    """Backends of this test database waiting for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is read once per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _writer_while_both_chains_held(settings, *, chain_2_later: bool) -> tuple:
    """Two chains, each held by its own transaction, and a writer started then; returns
    (release, done, threads): set `release` to free the chains (chain 2 five seconds after
    chain 1 with `chain_2_later`), `done` gets the chain the writer wrote to."""
    import time

    settings.AUDIT_CHAINS = 2
    ensure_chains()
    holding = {1: threading.Event(), 2: threading.Event()}
    release, done = threading.Event(), []

    def hold(chain):
        try:
            with transaction.atomic():
                _sql("SELECT id FROM audit_auditchainhead WHERE id = %s FOR UPDATE", [chain])
                holding[chain].set()
                release.wait(30)
                if chain == 2 and chain_2_later:
                    time.sleep(5)
        finally:
            connection.close()

    def write():
        try:
            with transaction.atomic():
                done.append(record_event("thread.write", object_id="waiter").chain)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold, args=(c,)) for c in (1, 2)]
    for t in threads:
        t.start()
    assert holding[1].wait(30) and holding[2].wait(30)
    threads.append(threading.Thread(target=write))
    threads[-1].start()
    return release, done, threads


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_finds_every_chain_held_waits_for_none_in_particular(
    reference_data, settings
):
    """With every chain held, a writer asks again until one comes free instead of waiting for
    one chain's lock (whose holder might be waiting for a row the writer holds: a deadlock).
    While it waits, PostgreSQL shows it waiting for no lock; it takes the chain freed first."""
    import time

    release, done, threads = _writer_while_both_chains_held(settings, chain_2_later=True)
    time.sleep(0.5)
    waiting_for_a_lock = _lock_waits()
    assert not done  # still waiting: both chains are held
    release.set()
    for t in threads:
        t.join(10)
    assert waiting_for_a_lock == 0
    assert done == [1]
    assert verify_chain()[1] is None


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_still_without_a_chain_after_its_patience_queues_for_one(
    reference_data, settings, monkeypatch
):
    """After CLAIM_PATIENCE without a free chain the writer queues for its preferred chain's
    lock (PostgreSQL shows it waiting) and writes once that chain is released."""
    import time

    from hazardloop.audit import services as audit

    monkeypatch.setattr(audit, "CLAIM_PATIENCE", 0.02)
    release, done, threads = _writer_while_both_chains_held(settings, chain_2_later=False)
    waiting = 0
    for _ in range(100):  # until the writer queues (5 s at most)
        waiting = _lock_waits()
        if waiting:
            break
        time.sleep(0.05)
    assert not done
    release.set()
    for t in threads:
        t.join(10)
    assert waiting == 1
    assert done and done[0] in (1, 2)
    assert verify_chain()[1] is None


def _statements(write) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        write()
    return [q["sql"] for q in captured.captured_queries if "audit_" in q["sql"]]


def _in_thread(work):
    """Run `work` on its own connection, in its own transaction, and wait for it."""
    errors = []

    def run():
        try:
            with transaction.atomic():
                work()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not errors, errors


@pytest.fixture
def kept(transactional_db, reference_data, settings):
    """Four chains; this connection has written once, so it keeps its chain's head."""
    settings.AUDIT_CHAINS = 4
    ensure_chains()
    insert.forget()
    first = record_event("unit.viewed", object_id="first")
    return first


@needs_postgres
def test_a_connection_that_keeps_its_chain_head_writes_in_one_statement(kept):
    """The second write of a connection goes in one statement (the insert moves the head it
    left), the first of them claimed a chain and inserted (two); the log verifies."""
    insert.forget()
    assert len(_statements(lambda: record_event("unit.viewed", object_id="a"))) == 2
    statements = _statements(lambda: record_event("unit.viewed", object_id="b"))
    assert len(statements) == 1 and "SKIP LOCKED" in statements[0]
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.object_id for e in events] == ["first", "a", "b"]
    assert events[2].chain == events[1].chain
    assert events[2].chain_seq == events[1].chain_seq + 1
    assert verify_chain() == (3, None, "")


@needs_postgres
def test_a_kept_head_another_writer_moved_on_is_not_written_to(kept, monkeypatch):
    """Another connection writes to the chain this one kept: the next write finds the head
    moved, writes nothing on it, claims a chain and links to the chain's real head."""
    from hazardloop.audit import services as audit

    chain = kept.chain
    # The other writer prefers the same chain (it is free): its event follows ours in it.
    monkeypatch.setattr(audit.random, "randint", lambda a, b: chain)
    _in_thread(lambda: record_event("unit.viewed", object_id="other"))
    other = AuditEvent.objects.get(object_id="other")
    assert other.chain == chain and other.prev_hash == kept.hash
    statements = _statements(lambda: record_event("unit.viewed", object_id="mine"))
    assert len(statements) == 3  # the kept head refused, a claim, the insert
    mine = AuditEvent.objects.get(object_id="mine")
    # It claims the chain it used last (free again): after the other writer's event.
    assert (mine.chain, mine.chain_seq, mine.prev_hash) == (chain, 3, other.hash)
    assert mine.seq > other.seq
    assert verify_chain() == (3, None, "")


@needs_postgres
def test_a_rolled_back_write_on_the_kept_head_leaves_the_next_one_right(kept):
    """A write on the kept head whose transaction rolls back: the connection's next write does
    not link to the event that was never committed."""

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        record_event("unit.viewed", object_id="undone")
        raise Undo
    after = record_event("unit.viewed", object_id="after")
    assert not AuditEvent.objects.filter(object_id="undone").exists()
    assert (after.chain, after.chain_seq, after.prev_hash) == (
        kept.chain,
        kept.chain_seq + 1,
        kept.hash,
    )
    assert verify_chain() == (2, None, "")


@needs_postgres
def test_numbers_drawn_long_ago_are_not_used(kept, monkeypatch):
    """Numbers drawn ahead are used only while fresh (the trail lists events by number): past
    SPARE_SECONDS the write claims a chain and draws its numbers then."""
    monkeypatch.setattr(insert, "SPARE_SECONDS", 0.0)
    statements = _statements(lambda: record_event("unit.viewed", object_id="late"))
    assert len(statements) == 2 and "SKIP LOCKED" not in statements[1]
    assert verify_chain() == (2, None, "")


@needs_postgres
def test_a_kept_chain_held_by_another_transaction_is_not_waited_for(kept):
    """Another transaction holds the chain this connection kept: the write does not wait for
    its lock (SKIP LOCKED) but takes another chain."""
    holding, release = threading.Event(), threading.Event()

    def hold():
        _sql("SELECT id FROM audit_auditchainhead WHERE id = %s FOR UPDATE", [kept.chain])
        holding.set()
        release.wait(30)

    thread = threading.Thread(target=lambda: _in_thread(hold))
    thread.start()
    assert holding.wait(30)
    try:
        event = record_event("unit.viewed", object_id="elsewhere")
    finally:
        release.set()
        thread.join(30)
    assert event.chain != kept.chain
    assert verify_chain() == (2, None, "")
