"""Every id in a submission is checked: the leader and team accounts, the campaign, the
location. A bad one is a clear, translated 422 that writes nothing — never a 500."""

import pytest

from hazardloop.accounts.choices import Role
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.checklists.tests.factories import make_template
from hazardloop.inspections.models import Inspection
from hazardloop.inspections.tests.helpers import payload
from hazardloop.testing import api_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(cast):
    return make_template().versions.get()


def post(cast, version, **overrides):
    body = payload(cast, version, **overrides)
    return api_client(cast.inspector).post(
        "/api/v1/inspections", body, content_type="application/json"
    )


def refused(response) -> str:
    assert response.status_code == 422, response.content
    assert not Inspection.objects.exists()
    return " ".join(e["message"] for e in response.json()["errors"]) + response.json()["detail"]


def leader_team(cast, user_id):
    return [
        {"name": "张检查", "role": "cadre", "user_id": cast.inspector.pk},
        {"name": "领导", "role": "leader", "user_id": user_id},
    ]


@pytest.mark.parametrize("bad", [999_999_999, 2**70, -1, "abc", True])
def test_an_unknown_or_malformed_leader_id_is_refused(cast, version, bad):
    response = post(cast, version, mode="leader_led", team=leader_team(cast, bad))
    assert refused(response)


def test_the_leader_must_be_a_leader_covering_the_unit(cast, version):
    # a regulator of the county is not a leading cadre; a leader of the neighbouring city is
    # not over this unit; the city's leader is
    assert refused(
        post(cast, version, mode="leader_led", team=leader_team(cast, cast.regulator.pk))
    )
    far = make_user("t-leader-far", Role.LEADER, region="220200")
    assert refused(post(cast, version, mode="leader_led", team=leader_team(cast, far.pk)))
    response = post(cast, version, mode="leader_led", team=leader_team(cast, cast.leader.pk))
    assert response.status_code in (200, 201), response.content
    assert Inspection.objects.get().leader == cast.leader


def test_a_team_member_from_elsewhere_is_refused(cast, version):
    team = [{"name": "外区人员", "role": "cadre", "user_id": cast.neighbour_inspector.pk}]
    assert refused(post(cast, version, team=team))


def test_the_campaign_must_exist_and_cover_the_unit(cast, version):
    assert refused(post(cast, version, campaign_id=987654))
    elsewhere = make_campaign(cast.neighbour_regulator, region_code="220103")
    assert refused(post(cast, version, campaign_id=elsewhere.pk))
    here = make_campaign(cast.regulator, region_code="220102")
    response = post(cast, version, campaign_id=here.pk)
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("lat,lon", [("north", 125.3), (43.8, None), (95.0, 125.3)])
def test_a_bad_location_is_refused(cast, version, lat, lon):
    assert refused(post(cast, version, latitude=lat, longitude=lon))
