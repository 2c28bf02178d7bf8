"""audit.batch(): the events of one change written together, chained like any others."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hazardloop.audit import services as audit
from hazardloop.audit.models import AuditEvent
from hazardloop.audit.services import record_event, record_events, verify_chain

pytestmark = pytest.mark.django_db


def _record(i: int):
    return record_event(
        "unit.updated",
        object_type="units.unit",
        object_id=str(i),
        region_code="220102",
        after={"n": i},
    )


def test_a_batch_writes_its_events_at_its_end_in_two_statements(reference_data):
    _record(0)  # the chain heads exist
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, audit.batch():
            first = _record(1)
            more = record_events([("unit.viewed", {"object_type": "units.unit", "object_id": "2"})])
            with audit.batch():  # nested: joins the outer batch
                last = _record(3)
            assert first.pk is None and AuditEvent.objects.count() == 1  # nothing written yet
            written = len(queries)
        assert len(queries) - written <= 3  # the claim and one INSERT (SQLite: + the head)
    events = [first, *more, last]
    assert all(e.pk for e in events)
    assert [e.action for e in events] == ["unit.updated", "unit.viewed", "unit.updated"]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    stored = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))
    assert [e.hash for e in stored] == [e.hash for e in events]
    assert verify_chain()[1] is None


def test_a_failed_batch_writes_nothing(reference_data):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit.batch():
        _record(1)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    _record(2)  # the chain goes on
    assert verify_chain()[1] is None


def test_the_api_renderer_writes_what_ninjas_would():
    import json

    from ninja.renderers import JSONRenderer

    from hazardloop.api.renderers import OrjsonRenderer

    data = {
        "at": dt.datetime(2026, 12, 5, 1, 2, 3, 456789, tzinfo=dt.UTC),
        "day": dt.date(2026, 12, 5),
        "whole": dt.datetime(2026, 12, 5, 1, 2, 3, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "items": [{"id": 1, "title": "安全出口堵塞", "n": None, "ok": True, 2: 0.5}],
    }
    ours = OrjsonRenderer().render(None, data, response_status=200)
    theirs = JSONRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == json.loads(theirs)
    assert b'"2026-12-05T01:02:03.456Z"' in ours and b"+08:00" in ours


@pytest.mark.django_db
def test_an_early_claim_keeps_the_chain_whole(cast, settings):
    """A batch that claims its chain with its first write (`early_claim`, PostgreSQL with
    several chains) writes the same chain: positions without gaps, the head moved by the
    INSERT, numbers rising; more events than it drew numbers for take a second claim on the
    same chain. Elsewhere there is no early claim."""
    from django.db import connection, transaction

    from hazardloop.audit import services as audit
    from hazardloop.audit.models import AuditChainHead, AuditEvent
    from hazardloop.core.prepared import run_together

    def step(events: int) -> tuple[list, int]:
        """The events, and how many claims at the batch's end (a chain's seq moved)."""
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit.batch():
            claim = audit.early_claim()
            if connection.vendor != "postgresql":
                assert claim is None
            else:
                claimed, _rows = run_together(claim, ("SELECT 1", []))
                audit.take_early_claim(claimed)
            made = [record_event("test.early", actor=cast.inspector) for _ in range(events)]
        late = [q for q in queries if "SET seq = seq + " in q["sql"] and "SKIP LOCKED" in q["sql"]]
        return made, len(late)

    small, late_small = step(2)
    large, late_large = step(audit.EARLY_NUMBERS + 3)
    if connection.vendor == "postgresql":
        assert (late_small, late_large) == (0, 1)  # early claim used; too small for 7 events
    assert all(e.pk for e in small + large)
    assert verify_chain()[1] is None
    for chain in {e.chain for e in small + large}:
        positions = list(
            AuditEvent.objects.filter(chain=chain)
            .order_by("chain_seq")
            .values_list("chain_seq", flat=True)
        )
        assert positions == list(range(1, len(positions) + 1))
        assert AuditChainHead.objects.get(pk=chain).seq == positions[-1]
    assert [e.seq for e in small] == sorted(e.seq for e in small)
    assert audit.early_claim() is None  # outside a batch
