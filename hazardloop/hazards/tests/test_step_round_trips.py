"""A workflow step asks the database as few times as its guarantees allow (issue 16), and the
answer built from what was read with the hazard is the same as a fresh read.

On PostgreSQL the statements a step sends are counted exactly: a new statement on these paths
is a deliberate change to this file. The hazard moves and its event (and a verify's record of
the check) are written in one statement, the unit's people are read by the notification's
INSERT, and the audit events are written with the chain head's move (in one statement on
the head a connection kept from its last write, numbers drawn then: `audit.insert.kept`,
two with a claim first when it kept none). The hot statements are
kept prepared (`core.prepared.prepared_cursor`); the hazard, its events and the caller's
memberships, the unit and the memberships (a create), and the unit's lock and its hazard count
are sent in one round trip each (`core.prepared.run_together`: pipelined when prepared, one
string of statements when prepared statements are turned off, `DB_PREPARED_STATEMENTS=false`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.audit.models import AuditEvent
from hazardloop.core.prepared import prepares
from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.hazards.unit_risk import _counts_one
from hazardloop.notifications.models import Notification
from hazardloop.notifications.services import send, unit_notice
from hazardloop.testing import (
    IMMEDIATE_TASKS,
    api_client,
    held_prepared,
    make_unit,
    make_user,
    prepared_statements,
)
from hazardloop.units.models import Unit

POSTGRES = connection.vendor == "postgresql"
# PostgreSQL's statements (BEGIN and COMMIT counted), with prepared statements and without,
# on a connection that keeps its audit chain's head; elsewhere a ceiling.
PREPARED_COUNTS = (9, 12, 12)
BATCHED_COUNTS = (6, 7, 10)
ELSEWHERE = (12, 16, 15)


@pytest.fixture(params=["prepared", "unprepared"] if POSTGRES else ["elsewhere"])
def counts(request):
    """The statement counts to expect: on PostgreSQL once with the hot statements prepared
    (the default) and once without (as `DB_PREPARED_STATEMENTS=false` leaves them)."""
    if request.param == "elsewhere":
        yield ELSEWHERE
        return
    with prepared_statements(request.param == "prepared"):
        assert prepares() == (request.param == "prepared")
        yield PREPARED_COUNTS if request.param == "prepared" else BATCHED_COUNTS


def _post(client, path, body):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, body, content_type="application/json")
    return response, len(queries)


def _fresh(client, pk) -> dict:
    response = client.get(f"/api/v1/hazards/{pk}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_order_verify_and_create_keep_their_statement_counts(cast, counts, monkeypatch):
    ORDER, VERIFY, CREATE = counts
    from hazardloop.audit import insert
    from hazardloop.audit.services import record_event

    # The connection has written to the audit log (numbers drawn ahead stay usable here
    # however slowly the test runs); its steps' events then go in one statement.
    monkeypatch.setattr(insert, "SPARE_SECONDS", 3600.0)
    record_event("test.started", object_id="0")
    inspector = api_client(cast.inspector)
    inspector.get("/api/v1/auth/me")  # the token's first use writes last_used_at

    made, n = _post(
        inspector, "/api/v1/hazards", {"unit_id": cast.unit.pk, "description": "安全出口堵塞"}
    )
    assert made.status_code == 201, made.content
    assert (n == CREATE) if POSTGRES else (n <= CREATE), n
    pk = made.json()["id"]
    assert made.json()["events"] == _fresh(inspector, pk)["events"]

    ordered, n = _post(
        inspector,
        f"/api/v1/hazards/{pk}/transitions",
        {"action": "order", "due_at": "2099-06-01T18:00:00+08:00"},
    )
    assert ordered.status_code == 200, ordered.content
    assert (n == ORDER) if POSTGRES else (n <= ORDER), n
    # The events read with the hazard, plus the step's own: what a fresh read gives.
    assert ordered.json() == _fresh(inspector, pk)
    assert [e["kind"] for e in ordered.json()["events"]] == ["created", "order"]

    unit = api_client(cast.unit_manager)
    assert (
        unit.post(
            f"/api/v1/hazards/{pk}/transitions",
            {"action": "start"},
            content_type="application/json",
        ).status_code
        == 200
    )
    after = photo(cast.unit_manager, cast.unit)
    submitted = unit.post(
        f"/api/v1/hazards/{pk}/transitions",
        {"action": "submit", "note": "已整改", "photo_ids": [after.pk]},
        content_type="application/json",
    )
    assert submitted.status_code == 200, submitted.content

    verified, n = _post(
        inspector, f"/api/v1/hazards/{pk}/transitions", {"action": "verify", "reason": ""}
    )
    assert verified.status_code == 200, verified.content
    assert (n == VERIFY) if POSTGRES else (n <= VERIFY), n
    assert verified.json() == _fresh(inspector, pk)
    assert Hazard.objects.get(pk=pk).status == Status.VERIFIED
    # The unit's counts were written under its lock: the hazard no longer counts as open.
    unit_row = Unit.objects.get(pk=cast.unit.pk)
    assert (
        unit_row.open_hazards
        == Hazard.objects.filter(
            unit=cast.unit, status__in=("found", "ordered", "rectifying", "submitted")
        ).count()
    )


@pytest.mark.django_db
@pytest.mark.skipif(not POSTGRES, reason="prepared statements are PostgreSQL's")
def test_the_steps_statements_are_kept_prepared(cast):
    """PostgreSQL plans each hot statement once per connection: after two creates and two
    orders, the connection holds the reads of the token, the memberships, the hazard and
    its events, the compare-and-swap, the notification, the unit's lock and count, and the
    audit chain's claim and write as prepared statements."""
    if not prepares():
        pytest.skip("DB_PREPARED_STATEMENTS=false")
    inspector = api_client(cast.inspector)
    for _ in range(2):  # prepared from their second run on a connection
        made, _n = _post(
            inspector, "/api/v1/hazards", {"unit_id": cast.unit.pk, "description": "安全出口堵塞"}
        )
        pk = made.json()["id"]
        ordered, _n = _post(
            inspector,
            f"/api/v1/hazards/{pk}/transitions",
            {"action": "order", "due_at": "2099-06-01T18:00:00+08:00"},
        )
        assert ordered.status_code == 200, ordered.content
    prepared = held_prepared()

    def held(*parts):
        return any(all(p in statement for p in parts) for statement in prepared)

    assert held('FROM "accounts_apitoken"')
    assert held('FROM "accounts_membership"')
    assert held('FROM "hazards_hazard"', "$1")
    assert held('FROM "hazards_hazardevent"')
    assert held("WITH moved AS (UPDATE hazards_hazard")
    assert held('INSERT INTO "notifications_notification"')
    assert held('INSERT INTO "hazards_hazard"')
    assert held("UPDATE audit_auditchainhead SET seq")
    assert held("WITH head AS (UPDATE audit_auditchainhead")
    assert held('UPDATE "units_unit" SET "open_hazards"')


@pytest.mark.django_db
def test_a_refused_step_answers_nothing_stale(cast):
    """A step refused for a changed version leaves the events as they are."""
    h = hazard(cast)
    client = api_client(cast.inspector)
    stale = client.post(
        f"/api/v1/hazards/{h.pk}/transitions",
        {"action": "order", "due_at": "2099-06-01T18:00:00+08:00", "version": h.version + 5},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert [e["kind"] for e in _fresh(client, h.pk)["events"]] == ["created"]


@pytest.mark.django_db
def test_the_unit_is_told_through_its_active_members_only(
    cast, django_capture_on_commit_callbacks, mailoutbox, settings
):
    """The notification's INSERT reads the unit's people: active people with an active
    membership of this unit, once each, e-mail only to those with an address."""
    settings.TASKS = IMMEDIATE_TASKS
    cast.unit_manager.email = "boss@example.cn"
    cast.unit_manager.save(update_fields=["email"])
    no_mail = make_user("t-unit-2", Role.UNIT_SAFETY_OFFICER, unit=cast.unit)
    gone = make_user("t-unit-gone", Role.UNIT_MANAGER, unit=cast.unit, is_active=False)
    left = make_user("t-unit-left", Role.UNIT_MANAGER, unit=cast.unit, email="l@example.cn")
    Membership.objects.filter(user=left).update(is_active=False)
    elsewhere = make_user("t-unit-else", Role.UNIT_MANAGER, unit=cast.other_unit)
    h = hazard(cast)
    client = api_client(cast.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/hazards/{h.pk}/transitions",
            {"action": "order", "due_at": "2099-06-01T18:00:00+08:00"},
            content_type="application/json",
        )
    assert response.status_code == 200
    told = set(
        Notification.objects.filter(key=f"hazard:{h.pk}:ordered").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {cast.unit_manager.username, no_mail.username}
    assert {gone.username, left.username, elsewhere.username}.isdisjoint(told)
    assert [m.to for m in mailoutbox] == [["boss@example.cn"]]
    # The same event again: nobody is told twice, nothing is audited.
    audit = AuditEvent.objects.count()
    again = send(unit_notice(cast.unit.pk, key=f"hazard:{h.pk}:ordered", message="x", obj=h))
    assert again == [] and AuditEvent.objects.count() == audit
    # A unit nobody holds a role in: nothing written, no error.
    assert send(unit_notice(cast.neighbour_unit.pk, key="t:none", message="x")) == []


@pytest.mark.django_db
@pytest.mark.skipif(not POSTGRES, reason="prepared statements are PostgreSQL's")
def test_the_units_count_keeps_one_plan(cast):
    """A step's count of the unit's open hazards is planned once, not on every run. On a
    table whose statistics know one busy unit and mostly done hazards, PostgreSQL judged the
    count's generic plan dearer than a custom one and planned it again at every bind (9 custom
    plans in 9 runs); the connection now tells it to keep the generic plan of the statements
    it holds prepared (settings.py), which are all rows by key and inserts."""
    if not prepares():
        pytest.skip("DB_PREPARED_STATEMENTS=false")
    units = [cast.unit, *(make_unit(cast.unit.region_id) for _ in range(8))]
    first = hazard(cast)
    ids = ",".join(str(u.pk) for u in units)
    columns = [
        f.column
        for f in Hazard._meta.concrete_fields
        if not f.primary_key and f.column not in ("unit_id", "status")
    ]
    # 3,000 copies of that hazard over the units, most of them at the first and most of them
    # done (as a province's are), then the statistics the planner reads.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO hazards_hazard (unit_id, status, {', '.join(columns)}) "
            f"SELECT (ARRAY[{ids}])[CASE WHEN g %% 3 = 0 THEN 1 ELSE 1 + g %% 9 END], "
            f"(ARRAY['verified', 'closed', 'closed', 'ordered', 'rectifying'])[1 + g %% 5], "
            f"{', '.join(columns)} FROM hazards_hazard, generate_series(1, 3000) g "
            "WHERE id = %s",
            [first.pk],
        )
        cursor.execute("ANALYZE hazards_hazard")
    now = timezone.now()
    for unit in units:
        _counts_one(unit.pk, now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ['%COUNT(CASE WHEN "grade"%'],
        )
        ((generic, custom),) = cursor.fetchall()
    assert generic >= 1 and custom <= 5, (generic, custom)


@pytest.mark.django_db
def test_the_hazard_read_brings_the_callers_memberships(cast, monkeypatch):
    """`access_hazard` asks for the caller's memberships with the hazard (one round trip on
    PostgreSQL) when the request has not read them yet: the scope check then reads nothing
    more, and someone out of scope still gets the 404 that a missing hazard gets."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from hazardloop.accounts import access as accounts_access
    from hazardloop.accounts.access import memberships_of
    from hazardloop.accounts.models import User
    from hazardloop.hazards import access as hazards_access
    from hazardloop.hazards.access import access_hazard

    sent = []
    together = hazards_access.run_together

    def recorded(*queries, **options):
        sent.append([query for query, _args in queries])
        return together(*queries, **options)

    monkeypatch.setattr(hazards_access, "run_together", recorded)
    found = hazard(cast)
    reader = User.objects.get(pk=cast.inspector.pk)  # a fresh object: nothing read yet
    with CaptureQueriesContext(connection) as queries:
        got = access_hazard(reader, found.pk, events=True)
        kept = memberships_of(reader)
    assert kept == list(Membership.objects.filter(user=cast.inspector, is_active=True))
    assert got.pk == found.pk
    # Sent with the hazard and its events, not after them.
    assert sent == [
        [hazards_access._WITH_UNIT, hazards_access.EVENTS, accounts_access._ACTIVE_MEMBERSHIPS]
    ]
    # Pipelined (each statement counted) when prepared; one string of statements when not.
    joined = POSTGRES and not prepares()
    assert len(queries) == (1 if joined else 3), [q["sql"][:60] for q in queries]
    assert "accounts_membership" in queries[-1]["sql"]
    with CaptureQueriesContext(connection) as again:  # read once per request (user object)
        access_hazard(reader, found.pk, events=True)
    assert len(again) == (1 if joined else 2)
    assert not any("accounts_membership" in q["sql"] for q in again)
    assert sent[-1] == [hazards_access._WITH_UNIT, hazards_access.EVENTS]

    stranger = make_user("out-of-scope", region="220104", role=Role.INSPECTOR)
    with pytest.raises(Http404):
        access_hazard(User.objects.get(pk=stranger.pk), found.pk)
    with pytest.raises(Http404):
        access_hazard(AnonymousUser(), found.pk)
