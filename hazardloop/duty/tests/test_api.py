"""/api/v1/duty: refusals come back in the shared error shape with their codes; who is on
duty answers for regions above one's own, never a neighbour's; inputs are bounded."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from hazardloop.duty import services
from hazardloop.duty.tests.helpers import roster, shift
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_gap_and_a_double_booking_are_refused_with_their_codes(cast):
    r = roster(cast)
    shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    client = api_client(cast.regulator)
    url = f"/api/v1/duty/rosters/{r.pk}/shifts"
    gap = _post(client, url, {"starts_at": "2026-12-06T09:00:00+08:00",
                              "ends_at": "2026-12-07T08:00:00+08:00"})  # fmt: skip
    assert gap.status_code == 422 and gap.json()["code"] == "gap"
    assert "2026-12-06 08:00" in gap.json()["detail"]
    booked = _post(
        client,
        url,
        {"starts_at": "2026-12-06T08:00:00+08:00", "ends_at": "2026-12-07T08:00:00+08:00",
         "officers": [{"user_id": cast.duty_officer.pk}, {"user_id": cast.duty_officer.pk}]},
    )  # fmt: skip
    assert booked.status_code == 422 and booked.json()["code"] == "double_booked"
    ok = _post(
        client,
        url,
        {"starts_at": "2026-12-06T08:00:00+08:00", "ends_at": "2026-12-07T08:00:00+08:00",
         "officers": [{"user_id": cast.duty_officer.pk}]},
    )  # fmt: skip
    assert (
        ok.status_code == 201 and ok.json()["officers"][0]["person"]["id"] == cast.duty_officer.pk
    )
    stranger = _post(
        client,
        url,
        {"starts_at": "2026-12-07T08:00:00+08:00", "ends_at": "2026-12-08T08:00:00+08:00",
         "officers": [{"user_id": cast.unit_manager.pk}]},
    )  # fmt: skip
    assert stranger.status_code == 422 and stranger.json()["code"] == "not_eligible"
    too_long = _post(client, url, {"starts_at": "2026-12-07T08:00:00+08:00",
                                   "ends_at": "2026-12-09T08:00:00+08:00"})  # fmt: skip
    assert too_long.status_code == 422 and too_long.json()["code"] == "bad_times"


def test_bad_patterns_and_bounds(cast):
    client = api_client(cast.regulator)
    dept = cast.regulator.memberships.get().department_id
    bad = _post(client, "/api/v1/duty/rosters",
                {"department_id": dept, "shift_starts": ["25:00"]})  # fmt: skip
    assert bad.status_code == 422 and "25:00" in bad.json()["detail"]
    many = _post(client, "/api/v1/duty/rosters",
                 {"department_id": dept, "shift_starts": ["08:00"] * 7})  # fmt: skip
    assert many.status_code == 422
    zero = _post(
        client,
        "/api/v1/duty/rosters",
        {"department_id": dept, "shift_starts": ["08:00"], "officers_per_shift": 0},
    )
    assert zero.status_code == 422
    made = _post(client, "/api/v1/duty/rosters",
                 {"department_id": dept, "shift_starts": ["08:00", "20:00"]})  # fmt: skip
    assert made.status_code == 201
    again = _post(client, "/api/v1/duty/rosters",
                  {"department_id": dept, "shift_starts": ["08:00"]})  # fmt: skip
    assert again.status_code == 409


def test_who_is_on_duty_for_the_region_above_but_not_a_neighbours(cast):
    r = roster(cast)
    shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    client = api_client(cast.neighbour_inspector)
    url = "/api/v1/duty/now?region_code={}&at=2026-12-05T09:00:00%2B08:00"
    assert client.get(url.format("220102")).status_code == 404  # a neighbour county
    above = client.get(url.format("220100"))  # Changchun, where Kuancheng reports to
    assert above.status_code == 200 and above.json()["roster_region_code"] is None
    mine = api_client(cast.duty_officer).get(url.format("220102001"))  # a township below
    body = mine.json()
    assert (
        body["roster_region_code"] == "220102" and body["officers"][0]["id"] == cast.duty_officer.pk
    )
    assert body["duty_phone"] == r.duty_phone
    assert api_client(cast.duty_officer).get(url.format("229999")).status_code == 404
    assert api_client(cast.admin).get(url.format("229999")).status_code == 404  # no such county
    assert api_client(cast.admin).get(url.format("229999001")).status_code == 404
    assert api_client(cast.duty_officer).get(url.format("abc")).status_code == 404
    assert api_client(cast.expert).get(url.format("220102")).status_code == 403


def test_check_in_through_the_api(cast):
    r = roster(cast)
    now = timezone.now()
    s = services.add_shift(
        r, actor=cast.regulator, starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=2), officers=[(cast.duty_officer, None)],
    )  # fmt: skip
    client = api_client(cast.duty_officer)
    first = client.post(f"/api/v1/duty/shifts/{s.pk}/check-in")
    assert first.status_code == 200 and first.json()["late"] is True
    again = client.post(f"/api/v1/duty/shifts/{s.pk}/check-in")
    assert again.status_code == 409 and again.json()["code"] == "already"
