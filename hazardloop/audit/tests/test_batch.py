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
