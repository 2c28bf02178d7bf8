import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hazardloop.audit.models import AppendOnlyError, AuditEvent
from hazardloop.audit.services import record_event, record_events, record_many, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(reference_data):
    return [
        record_event(
            "unit.updated",
            object_type="units.unit",
            object_id=str(i),
            object_repr=f"单位{i}",
            region_code="220102",
            before={"name": f"旧名{i}", "n": i},
            after={"name": f"新名{i}", "n": i + 1},
        )
        for i in range(1, 8)
    ]


def test_chain_links_every_event(events):
    assert [e.seq for e in events] == list(range(1, 8))
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    assert verify_chain() == (7, None, "")
    call_command("verify_audit")


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_altered_row_is_named(events):
    _sql("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["篡改", 4])
    checked, broken, reason = verify_chain()
    assert checked == 3 and broken.seq == 4 and "changed" in reason
    with pytest.raises(CommandError, match="#4"):
        call_command("verify_audit")


def test_an_altered_before_value_is_named(events):
    _sql("UPDATE audit_auditevent SET after = %s WHERE seq = %s", ['{"name": "x", "n": 0}', 6])
    assert verify_chain()[1].seq == 6


def test_a_deleted_row_is_found(events):
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    _checked, broken, reason = verify_chain()
    assert broken.seq == 4 and "#3" in reason


def test_a_deleted_last_row_is_found(events):
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [7])
    checked, _broken, reason = verify_chain()
    assert checked == 6 and "#7" in reason
    with pytest.raises(CommandError, match="deleted"):
        call_command("verify_audit")


def test_a_recomputed_forgery_still_breaks_the_next_link(events):
    """Rewriting a row and its own hash is caught by the following row's link."""
    _sql("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, 5])
    assert verify_chain()[1].seq == 5


def test_events_cannot_be_changed_through_the_orm(events):
    event = AuditEvent.objects.get(seq=2)
    event.message = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_object_fields_come_from_the_object(cast):
    event = record_event("unit.viewed", actor=cast.regulator, obj=cast.unit)
    assert event.object_type == "units.unit"
    assert event.object_id == str(cast.unit.pk)
    assert event.region_code == "220102"
    assert event.actor_label == "t-reg"


def test_many_events_at_once_chain_in_order(events):
    batch = record_events(
        [("unit.imported", {"object_id": str(n), "region_code": "220102"}) for n in range(50)]
    )
    # In order after the earlier events (numbers drawn ahead and not used leave gaps: ADR 0003).
    numbers = [e.seq for e in batch]
    assert numbers == sorted(set(numbers)) and numbers[0] > events[-1].seq
    assert [e.chain_seq for e in batch] == list(range(8, 58))
    assert batch[0].prev_hash == events[-1].hash
    assert verify_chain() == (57, None, "")
    assert record_events([]) == []


def test_bulk_append_hashes_like_single_events(events):
    """record_many (COPY on PostgreSQL) writes events verify_chain accepts, whatever the JSON."""
    awkward = [
        None,
        {"name": "饺子馆 “老张”", "floors": 3, "area": 120.5, "key": True, "gas": None},
        {"contacts": [{"phone": "13800000000", "name": "王\\伟"}], "nested": {"b": 1, "a": [1, 2]}},
        {"tab\tand\nnewline": "\\N", "emoji": "🔥", "zero": 0},
        {1: "an integer key"},
    ]
    entries = [
        (
            "unit.import_rows",
            {
                "object_id": str(n),
                "object_repr": f"第{n}行",
                "region_code": "220102",
                "message": "tab\there",
                "before": awkward[n % len(awkward)],
                "after": awkward[(n + 1) % len(awkward)],
            },
        )
        for n in range(25)
    ]
    assert record_many(entries) == 25
    assert verify_chain() == (32, None, "")
    stored = AuditEvent.objects.get(action="unit.import_rows", object_id="1")  # after: awkward[2]
    assert stored.after == {
        "contacts": [{"phone": "13800000000", "name": "王\\伟"}],
        "nested": {"a": [1, 2], "b": 1},
    }
    assert record_many([]) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(reference_data):
    """Threads writing at once on PostgreSQL (SQLite serialises writers anyway)."""
    import threading

    from django.db import connection as default_connection

    if default_connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions")

    def write(n):
        try:
            for i in range(10):
                record_event("thread.write", object_id=f"{n}-{i}")
        finally:
            default_connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert verify_chain() == (60, None, "")


# --- keyed hashes and published heads ------------------------------------------------------


def test_a_row_rehashed_without_the_key_is_caught(events):
    """Someone with database access recomputes an edited row's hash the old, unkeyed way."""
    import hashlib

    from hazardloop.audit.chain import HASHED_FIELDS, canonical
    from hazardloop.audit.services import _utc_iso

    event = AuditEvent.objects.get(seq=7)
    values = {name: getattr(event, name) for name in HASHED_FIELDS if name != "at"}
    values.update(at=_utc_iso(event.at), message="nothing happened")
    forged = hashlib.sha256(canonical(values).encode()).hexdigest()
    _sql(
        "UPDATE audit_auditevent SET message = %s, hash = %s WHERE seq = 7",
        [values["message"], forged],
    )
    _sql("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [forged])
    assert verify_chain()[1].seq == 7


def test_another_key_does_not_verify(events, settings):
    settings.AUDIT_HMAC_KEY = "another-key"
    assert verify_chain()[1].seq == 1


@pytest.fixture
def head_file(settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "audit" / "heads.jsonl"
    settings.AUDIT_HEAD_MINUTES = 60
    return settings.AUDIT_HEAD_FILE


def test_the_head_is_published_outside_the_database(events, head_file):
    import datetime as dt

    from hazardloop.audit.services import publish_head_once, published_heads

    t0 = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)
    assert publish_head_once(t0) == 1
    assert publish_head_once(t0 + dt.timedelta(minutes=5)) == 0  # head unchanged
    record_event("unit.updated", object_type="units.unit", object_id="9")
    assert publish_head_once(t0 + dt.timedelta(minutes=30)) == 0  # too soon
    assert publish_head_once(t0 + dt.timedelta(minutes=61)) == 1
    assert [h["seq"] for h in published_heads()] == [7, 8]
    assert verify_chain() == (8, None, "")


def test_a_rewrite_with_the_key_is_caught_by_the_published_heads(events, head_file):
    """Even an attacker holding the key who re-chains from an edited row is caught."""
    import datetime as dt

    from hazardloop.audit.chain import HASHED_FIELDS, event_hash
    from hazardloop.audit.services import _utc_iso, publish_head_once

    publish_head_once(dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC))
    prev = AuditEvent.objects.get(seq=4).prev_hash
    for event in AuditEvent.objects.filter(seq__gte=4).order_by("seq"):
        values = {name: getattr(event, name) for name in HASHED_FIELDS if name != "at"}
        values.update(at=_utc_iso(event.at), prev_hash=prev)
        if event.seq == 4:
            values["object_repr"] = "篡改"
        new = event_hash(values)
        _sql(
            "UPDATE audit_auditevent SET object_repr = %s, prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [values["object_repr"], prev, new, event.seq],
        )
        prev = new
    _sql("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev])
    _checked, broken, reason = verify_chain()
    assert broken.seq == 7 and "published" in reason
    with pytest.raises(CommandError, match="#7"):
        call_command("verify_audit")


def test_deleting_published_events_is_caught(events, head_file):
    import datetime as dt

    from hazardloop.audit.services import publish_head_once

    publish_head_once(dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC))
    _sql("DELETE FROM audit_auditevent WHERE seq >= %s", [6])
    _sql(
        "UPDATE audit_auditchainhead SET seq = 5, last_hash = "
        "(SELECT hash FROM audit_auditevent WHERE seq = 5) WHERE id = 1",
        [],
    )
    assert "published" in verify_chain()[2]


@pytest.mark.django_db
def test_objects_are_named_in_the_products_language_whatever_is_active(cast):
    from django.utils import translation

    from hazardloop.audit.services import record_event
    from hazardloop.checklists.models import ChecklistTemplate

    template = ChecklistTemplate.objects.create(
        code="t-x", title_zh="工贸检查表", title_en="Trade list"
    )
    with translation.override("en"):
        event = record_event("checklist.template_created", actor=cast.admin, obj=template)
    assert event.object_repr == "工贸检查表"
