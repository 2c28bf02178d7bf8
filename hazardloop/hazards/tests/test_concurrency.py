"""Two verifiers at once: one wins, the other is told the hazard changed meanwhile."""

import threading

import pytest
from django.db import connection

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
