"""A hazard recorded for a campaign names one the recorder sees and that covers the unit: an
unknown id or another region's campaign is a clear 422 that writes nothing."""

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
