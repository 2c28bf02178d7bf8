"""Ordering several found hazards at once: each goes through the one action table, the ones
that may not be ordered are named with their reason, and the rest are ordered all the same."""

import datetime as dt

from django.utils import timezone

from hazardloop.audit.models import AuditEvent
from hazardloop.hazards import services
from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import api_client, web_client

URL = "/api/v1/hazards/bulk/order"


def _due(days=30) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def test_orders_the_rest_and_names_each_refusal(cast):
    a, b = hazard(cast), hazard(cast)
    ordered = hazard(cast)
    services.order_hazard(ordered, actor=cast.regulator, due_at=timezone.now() + dt.timedelta(1))
    outside = hazard(cast, unit=cast.neighbour_unit, actor=cast.neighbour_inspector)
    ids = [a.pk, ordered.pk, outside.pk, b.pk, a.pk]
    response = api_client(cast.regulator).post(
        URL,
        {"ids": ids, "due_at": _due(), "measures": "清理安全出口"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [h["id"] for h in body["ordered"]] == [a.pk, b.pk]
    refused = {r["id"]: r for r in body["refused"]}
    assert set(refused) == {ordered.pk, outside.pk}
    assert refused[outside.pk]["code"] == "not_found"
    assert refused[ordered.pk]["code"] == "not_allowed_now"
    assert "“" in refused[ordered.pk]["reason"]  # the status, named in the language asked
    for h in (a, b):
        h.refresh_from_db()
        assert h.status == Status.ORDERED
        assert h.measures == "清理安全出口"
        assert h.events.filter(kind="order").count() == 1
    outside.refresh_from_db()
    assert outside.status == Status.FOUND
    # The attempt on a hazard out of scope is audited like a single one.
    assert AuditEvent.objects.filter(action="access.out_of_scope", actor=cast.regulator).exists()


def test_nothing_orderable_is_refused_with_reasons(cast):
    ordered = hazard(cast)
    services.order_hazard(ordered, actor=cast.regulator, due_at=timezone.now() + dt.timedelta(1))
    version = Hazard.objects.get(pk=ordered.pk).version
    response = api_client(cast.regulator).post(
        URL, {"ids": [ordered.pk], "due_at": _due()}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "nothing_ordered"
    assert f"#{ordered.pk}" in body["errors"][0]["message"]
    assert Hazard.objects.get(pk=ordered.pk).version == version


def test_out_of_scope_only_is_not_found_and_wrong_role_is_forbidden(cast):
    outside = hazard(cast, unit=cast.neighbour_unit, actor=cast.neighbour_inspector)
    client = api_client(cast.regulator)
    response = client.post(URL, {"ids": [outside.pk]}, content_type="application/json")
    assert response.status_code == 404
    mine = hazard(cast)
    response = api_client(cast.unit_manager).post(
        URL, {"ids": [mine.pk]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Hazard.objects.get(pk=mine.pk).status == Status.FOUND


def test_bad_input_changes_nothing(cast):
    h = hazard(cast)
    client = api_client(cast.regulator)
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    for body in (
        {"ids": []},
        {"ids": list(range(1, 202))},
        {"ids": [h.pk], "due_at": past},
        {"ids": [h.pk], "due_at": 1800000000},
        {"ids": [2**63]},
        {"ids": [h.pk], "measures": "x" * 5001},
    ):
        response = client.post(URL, body, content_type="application/json")
        assert response.status_code == 422, (body, response.content)
        assert set(response.json()) == {"detail", "code", "errors"}
    assert Hazard.objects.get(pk=h.pk).status == Status.FOUND


def test_ledger_offers_ticks_only_on_orderable_rows(cast):
    found, ordered = hazard(cast), hazard(cast)
    services.order_hazard(ordered, actor=cast.regulator, due_at=timezone.now() + dt.timedelta(1))
    page = web_client(cast.regulator).get("/hazards/").content.decode()
    assert f'data-testid="tick-{found.pk}"' in page
    assert f'data-testid="tick-{ordered.pk}"' not in page
    page = web_client(cast.unit_manager).get("/hazards/").content.decode()
    assert "bulk-order" not in page


def test_page_confirms_then_orders_and_reports(cast):
    a, b, done = hazard(cast), hazard(cast), hazard(cast)
    services.order_hazard(done, actor=cast.regulator, due_at=timezone.now() + dt.timedelta(1))
    client = web_client(cast.regulator)
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    form = {"ids": [a.pk, b.pk, done.pk], "due_at": day, "measures": "清理", "back": "status=found"}
    response = client.post("/hazards/bulk-order/", form)
    assert response.status_code == 200
    assert 'data-testid="bulk-confirm"' in response.content.decode()
    assert Hazard.objects.get(pk=a.pk).status == Status.FOUND  # nothing before the confirm
    response = client.post("/hazards/bulk-order/", {**form, "confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/hazards/?status=found"
    text = response.content.decode()
    assert f"#{a.pk}" in text and f"#{done.pk}" in text
    assert Hazard.objects.get(pk=a.pk).status == Status.ORDERED
    assert Hazard.objects.get(pk=b.pk).due_at.date() >= timezone.localdate()


def test_page_return_address_stays_on_the_ledger(cast):
    a = hazard(cast)
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    form = {"ids": [a.pk], "due_at": day, "confirm": "yes", "back": "//evil.example/x"}
    response = web_client(cast.regulator).post("/hazards/bulk-order/", form)
    assert response["Location"] == "/hazards/"
