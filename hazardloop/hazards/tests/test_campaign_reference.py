"""A hazard recorded for a campaign names one the recorder sees and that covers the unit: an
unknown id or another region's campaign is a clear 422 that writes nothing. The unit itself is
one the recorder sees, or the answer is a 404 like a missing unit's."""

import pytest

from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.hazards.models import Hazard
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db


def post(cast, campaign_id):
    body = {"unit_id": cast.unit.pk, "description": "安全出口上锁", "campaign_id": campaign_id}
    return api_client(cast.inspector).post("/api/v1/hazards", body, content_type="application/json")


def test_the_campaign_of_a_hazard_is_checked(cast):
    elsewhere = make_campaign(cast.neighbour_regulator, region_code="220103")
    for bad in (987654, elsewhere.pk):
        response = post(cast, bad)
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == "campaign_id"
    assert not Hazard.objects.exists()
    here = make_campaign(cast.regulator, region_code="220102")
    assert post(cast, here.pk).status_code == 201
    assert Hazard.objects.get().campaign_id == here.pk


def test_a_unit_outside_the_scope_is_not_found_and_the_attempt_audited(cast):
    """The unit is read by its id and the scope checked on the row (`in_scope_or_404`): a unit
    of another county answers exactly like a missing one, writes nothing, and is audited; a
    missing one is not."""
    from hazardloop.audit.models import AuditEvent

    def create(unit_id):
        body = {"unit_id": unit_id, "description": "安全出口上锁"}
        client = api_client(cast.neighbour_inspector)
        return client.post("/api/v1/hazards", body, content_type="application/json")

    elsewhere, missing = create(cast.unit.pk), create(987654)
    assert elsewhere.status_code == missing.status_code == 404
    assert elsewhere.json() == missing.json()
    assert not Hazard.objects.exists()
    attempts = AuditEvent.objects.filter(action="access.out_of_scope")
    assert [(e.actor_id, e.object_id) for e in attempts] == [
        (cast.neighbour_inspector.pk, str(cast.unit.pk))
    ]
