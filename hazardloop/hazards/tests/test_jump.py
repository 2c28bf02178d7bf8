"""Jump by date on the ledger (page and API): the page starts at the newest hazard found on or
before the day, and the keyset cursor goes on from there."""

import datetime as dt

import pytest

from hazardloop.hazards.deadlines import LOCAL
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def days(cast):
    """One hazard found at noon (local) on each of 1–6 March 2026."""
    return [
        hazard(cast, found_at=dt.datetime(2026, 3, d, 12, 0, tzinfo=LOCAL), title=f"三月{d}日")
        for d in range(1, 7)
    ]


def test_api_jumps_to_a_day_and_pages_on(cast, days):
    client = api_client(cast.inspector)
    body = client.get("/api/v1/hazards?limit=2&on_or_before=2026-03-04").json()
    assert [h["id"] for h in body["items"]] == [days[3].pk, days[2].pk]
    more = client.get(
        f"/api/v1/hazards?limit=2&on_or_before=2026-03-04&after={body['next']}"
    ).json()
    assert [h["id"] for h in more["items"]] == [days[1].pk, days[0].pk]
    assert more["next"] is None
    # A day before everything: nothing; the last moment of a day is on that day.
    assert client.get("/api/v1/hazards?on_or_before=2026-02-28").json()["items"] == []
    late = hazard(cast, found_at=dt.datetime(2026, 3, 7, 23, 59, tzinfo=LOCAL))
    first = client.get("/api/v1/hazards?limit=1&on_or_before=2026-03-07").json()["items"][0]
    assert first["id"] == late.pk


def test_api_refuses_a_bad_day(cast, days):
    client = api_client(cast.inspector)
    assert client.get("/api/v1/hazards?on_or_before=2026-13-01").status_code == 422
    assert client.get("/api/v1/hazards?on_or_before=9999-12-31").status_code == 200


def test_ledger_page_jumps(cast, days):
    client = web_client(cast.inspector)
    html = client.get("/hazards/?on_or_before=2026-03-02").content.decode()
    assert "三月2日" in html and "三月1日" in html
    assert "三月3日" not in html and "三月6日" not in html
    assert 'data-testid="jump"' in html and 'value="2026-03-02"' in html
    # A date that cannot be read is ignored, never an error.
    assert client.get("/hazards/?on_or_before=tomorrow").status_code == 200
