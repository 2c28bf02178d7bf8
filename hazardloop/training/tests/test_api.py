"""`GET/POST /api/v1/trainings` and `GET/POST /api/v1/units/{id}/staff`: attendees by staff id,
the error shape, the query budgets."""

import datetime as dt

import pytest

from hazardloop.audit.models import AuditEvent
from hazardloop.testing import api_client
from hazardloop.training.models import Training
from hazardloop.training.tests.helpers import person, training

pytestmark = pytest.mark.django_db


def _body(cast, staff_ids, **extra):
    body = {
        "unit_id": cast.unit.pk, "topic": "消防安全培训", "items": ["laws", "escape"],
        "trainer": "李教官", "held_at": "2026-01-05T10:00:00+08:00", "duration_minutes": 60,
        "staff_ids": staff_ids,
    }  # fmt: skip
    body.update(extra)
    return body


def test_create_with_attendees_and_read_it_back(cast):
    a, b = person(cast.unit, "甲"), person(cast.unit, "乙")
    client = api_client(cast.unit_manager)
    r = client.post("/api/v1/trainings", _body(cast, [a.pk, b.pk]), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert {x["name"] for x in out["attendees"]} == {"甲", "乙"}
    assert all(x["signed"] == "listed" for x in out["attendees"])
    assert AuditEvent.objects.filter(action="training.recorded").exists()
    listed = api_client(cast.regulator).get(f"/api/v1/trainings?unit_id={cast.unit.pk}").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == out["id"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"items": ["cooking"]}, 422),
        ({"items": []}, 422),
        ({"duration_minutes": 0}, 422),
        ({"held_at": "2030-01-01T10:00:00+08:00"}, 422),
        ({"topic": " "}, 422),
        ({"staff_ids": "OTHER"}, 422),
    ],
)
def test_bad_input_has_the_one_error_shape_and_saves_nothing(cast, change, status):
    a = person(cast.unit, "甲")
    other = person(cast.other_unit, "别家")
    body = _body(cast, [a.pk])
    body.update(change)
    if change.get("staff_ids") == "OTHER":
        body["staff_ids"] = [a.pk, other.pk]
    r = api_client(cast.unit_manager).post(
        "/api/v1/trainings", body, content_type="application/json"
    )
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"detail", "code", "errors"} and body["detail"]
    assert not Training.objects.exists()


def test_staff_api_lists_with_trained_and_adds(cast):
    old = person(cast.unit, "老员工", hired_on=dt.date(2020, 1, 1))
    person(cast.unit, "未培训")
    person(cast.unit, "已离职", left_on=dt.date(2025, 1, 1))
    training(cast.unit, staff=[old])
    client = api_client(cast.unit_manager)
    rows = client.get(f"/api/v1/units/{cast.unit.pk}/staff?current=true").json()["items"]
    assert {r["name"]: r["trained"] for r in rows} == {"老员工": True, "未培训": False}
    r = client.post(
        f"/api/v1/units/{cast.unit.pk}/staff",
        {"name": "新人", "post": "staff", "hired_on": "2026-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["trained"] is False
    r = client.post(
        f"/api/v1/units/{cast.unit.pk}/staff", {"name": "x", "post": "chef"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"]


def test_query_budget_of_the_api_lists(cast, django_assert_max_num_queries):
    people = [person(cast.unit, f"员工{i}") for i in range(30)]
    for i in range(25):
        training(cast.unit, topic=f"培训{i}", staff=people[:10])
    client = api_client(cast.regulator)
    with django_assert_max_num_queries(14):
        r = client.get("/api/v1/trainings?limit=500")
    assert r.json()["count"] == 25
    with django_assert_max_num_queries(14):
        r = client.get(f"/api/v1/units/{cast.unit.pk}/staff?limit=500")
    assert r.json()["count"] == 30
