"""The accountability API: bounded inputs, the shared error shape, refusals, filters."""

import pytest

from hazardloop.accountability.choices import CaseStatus
from hazardloop.accountability.models import Case
from hazardloop.accountability.tests.factories import proposal
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/accountability/cases"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _shape(response, status, code):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"detail", "code", "errors"} and body["code"] == code
    return body


def test_the_whole_path_through_the_api(cast):
    case = proposal(cast)
    client = api_client(cast.regulator)
    got = client.get(f"{BASE}/{case.pk}").json()
    assert got["status"] == "proposed" and got["source_kind"] == "hazard_top_rung"
    assert got["facts"] and "90" in got["facts"][0]
    assert got["chain"]["unit"]["name"] == cast.unit.name
    assert {link["url"] for link in got["links"]} >= {f"/hazards/{case.source_id}/"}
    url = f"{BASE}/{case.pk}/transitions"
    assert _post(client, url, {"action": "confirm", "version": 1}).json()["status"] == "confirmed"
    # Stale version.
    _shape(_post(client, url, {"action": "decide", "version": 1, "measure": "interview"}), 409,
           "changed")  # fmt: skip
    done = _post(client, url, {"action": "decide", "version": 2, "measure": "interview"})
    assert done.json()["measure"] == "interview"
    # Confirming again: not now.
    _shape(_post(client, url, {"action": "confirm"}), 409, "not_allowed_now")
    closed = _post(client, url, {"action": "close", "outcome": "已约谈"}).json()
    assert closed["status"] == "closed" and closed["outcome"] == "已约谈"


def test_bad_bodies_are_422_and_change_nothing(cast):
    case = proposal(cast)
    client = api_client(cast.regulator)
    url = f"{BASE}/{case.pk}/transitions"
    _shape(_post(client, url, {"action": "dismiss"}), 422, "invalid")  # no reason
    _shape(_post(client, url, {"action": "dismiss", "reason": "   "}), 422, "invalid")
    _shape(_post(client, url, {"action": "dismiss", "reason": "x" * 5001}), 422, "invalid")
    _shape(_post(client, url, {"action": "explode"}), 422, "unknown_action")
    _shape(_post(client, url, {"action": "confirm", "version": 2**31}), 422, "invalid")
    _shape(_post(client, url, [None]), 422, "invalid")
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED and case.version == 1
    _shape(client.get(f"{BASE}/{2**63}"), 422, "invalid")
    _shape(client.get(f"{BASE}/999999"), 404, "not_found")


def test_a_unit_outside_the_region_is_refused(cast):
    client = api_client(cast.regulator)
    body = {
        "region": "220102",
        "title": "宽城单位",
        "subject_kind": "unit",
        "unit_id": cast.neighbour_unit.pk,
        "description": "事实",
    }
    _shape(_post(client, BASE, body), 422, "invalid")
    body["unit_id"] = cast.unit.pk
    made = _post(client, BASE, body)
    assert made.status_code == 201 and made.json()["subject_name"] == cast.unit.name
    assert made.json()["chain"]["unit"]["id"] == cast.unit.pk
    # The same idempotency key twice: one case.
    body["idempotency_key"] = "k-1"
    first, second = _post(client, BASE, body).json(), _post(client, BASE, body).json()
    assert first["id"] == second["id"]
    assert Case.objects.filter(source_kind="manual").count() == 2


def test_filters(cast):
    case = proposal(cast)
    client = api_client(cast.province_regulator)

    def ids(**query):
        return [c["id"] for c in client.get(BASE, query).json()["items"]]

    assert ids() == [case.pk]
    assert ids(status="proposed", source="hazard_top_rung", region="220102") == [case.pk]
    assert ids(status="closed") == []
    assert ids(region="220103") == []
    assert ids(measure="interview") == []
    assert ids(status="nonsense") == []
    _shape(client.get(BASE, {"region": "2" * 13}), 422, "invalid")
