"""Two verifiers at once: one wins, the other is told the hazard changed meanwhile."""

import threading
import time

import pytest
from django.db import connection, transaction

from hazardloop.accounts.choices import Role
from hazardloop.hazards import services
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.testing import make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency is checked on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_verifiers_at_once(cast):
    second = make_user("t-insp-2", Role.INSPECTOR, region="220102")
    h = hazard(cast)
    Hazard.objects.filter(pk=h.pk).update(status="rectifying")
    h.refresh_from_db()
    services.submit_rectification(
        h, actor=cast.unit_manager, note="ok", photo_ids=[photo(cast.unit_manager, cast.unit).pk]
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def verify(user, passed):
        try:
            mine = Hazard.objects.get(pk=h.pk)
            barrier.wait()
            services.verify_hazard(mine, actor=user, passed=passed, reason="仍未整改")
            outcomes.append("won")
        except services.HazardChanged:
            outcomes.append("changed")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=verify, args=(cast.inspector, True)),
        threading.Thread(target=verify, args=(second, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["changed", "won"]
    h.refresh_from_db()
    decisions = HazardEvent.objects.filter(hazard=h, kind__in=["verify", "reject"])
    assert decisions.count() == 1
    assert h.status == ("verified" if decisions.get().kind == "verify" else "rectifying")
    assert h.verifications.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_step_waiting_for_its_hazard_holds_no_audit_chain(cast):
    """A step that waits for another transaction's lock on its hazard holds nothing the other
    may need next: no audit chain. (A step that claimed its chain before its compare-and-swap
    deadlocked with a writer that then needed that chain; the chain is claimed last.)"""
    from hazardloop.audit.models import AuditChainHead
    from hazardloop.audit.services import chain_count

    h = hazard(cast)
    Hazard.objects.filter(pk=h.pk).update(status="rectifying")
    h.refresh_from_db()
    services.submit_rectification(
        h, actor=cast.unit_manager, note="ok", photo_ids=[photo(cast.unit_manager, cast.unit).pk]
    )
    outcomes = []

    def verify():
        try:
            services.verify_hazard(Hazard.objects.get(pk=h.pk), actor=cast.inspector, passed=True)
            outcomes.append("won")
        finally:
            connection.close()

    step = threading.Thread(target=verify)
    with transaction.atomic():
        Hazard.objects.select_for_update().get(pk=h.pk)  # the other writer holds the row
        step.start()
        waiting = 0
        with connection.cursor() as cursor:
            for _ in range(200):  # until the step waits for the row (10 s at most)
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE %s",
                    ["%hazards_hazard%"],
                )
                waiting = cursor.fetchone()[0]
                if waiting:
                    break
                time.sleep(0.05)
            # Every chain is free to take while the step waits.
            cursor.execute(
                f"SELECT count(*) FROM (SELECT id FROM {AuditChainHead._meta.db_table} "
                "FOR UPDATE SKIP LOCKED) AS free"
            )
            free = cursor.fetchone()[0]
        assert waiting == 1
        assert free == chain_count()
    step.join(30)
    assert outcomes == ["won"]


@pytest.mark.django_db(transaction=True)
def test_two_steps_at_one_unit_at_once_leave_its_counts_right(cast):
    """Two verifies of different hazards of one unit at the same moment: each step's lock on
    the unit and its count go in the round trip of its compare-and-swap, and the second
    count, asked once the first step has committed, sees both. The unit ends with the
    counts a fresh count gives."""
    from hazardloop.hazards.choices import OPEN_STATUSES
    from hazardloop.units.models import Unit

    second = make_user("t-insp-3", Role.INSPECTOR, region="220102")
    submitted = []
    for _ in range(3):
        h = hazard(cast)
        Hazard.objects.filter(pk=h.pk).update(status="rectifying")
        h.refresh_from_db()
        services.submit_rectification(
            h,
            actor=cast.unit_manager,
            note="ok",
            photo_ids=[photo(cast.unit_manager, cast.unit).pk],
        )
        submitted.append(h.pk)
    barrier = threading.Barrier(2)
    outcomes = []

    def verify(user, pk):
        try:
            mine = Hazard.objects.get(pk=pk)
            barrier.wait()
            services.verify_hazard(mine, actor=user, passed=True)
            outcomes.append("won")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=verify, args=(cast.inspector, submitted[0])),
        threading.Thread(target=verify, args=(second, submitted[1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes == ["won", "won"]
    unit = Unit.objects.get(pk=cast.unit.pk)
    still_open = Hazard.objects.filter(unit=cast.unit, status__in=OPEN_STATUSES).count()
    assert unit.open_hazards == still_open
    assert Hazard.objects.get(pk=submitted[2]).status in OPEN_STATUSES
