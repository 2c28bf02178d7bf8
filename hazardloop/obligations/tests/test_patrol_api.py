"""The patrol API creates a self-found hazard; the calendar API; a province's region rule."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.audit.models import AuditEvent
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Inspection
from hazardloop.inspections.tests.helpers import photo
from hazardloop.obligations.models import DutyRule
from hazardloop.testing import api_client, build_cast, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def cast():
    c = build_cast()
    load_builtin_templates()
    c.unit.is_public_gathering = True
    c.unit.business_hours = "10:00-22:00"
    c.unit.save()
    return c


# At 14:00 in Shanghai, inside every unit's opening hours (the cast's unit has none recorded: the
# default hours), whatever the time of day the suite runs.
@time_machine.travel(dt.datetime(2027, 3, 4, 6, 0, tzinfo=dt.UTC), tick=True)
def test_manager_patrol_with_exit_blocked_raises_self_found_hazard(cast):
    pic = photo(cast, cast.unit_manager)
    body = {"unit_id": cast.unit.pk, "failed": [
        {"code": "P02", "note": "后门堆放纸箱", "photo_ids": [pic.pk]}]}  # fmt: skip
    r = api_client(cast.unit_manager).post("/api/v1/patrols", body, content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert len(out["hazard_ids"]) == 1
    h = Hazard.objects.get(pk=out["hazard_ids"][0])
    assert h.source == "self_inspection" and h.unit_id == cast.unit.pk
    assert "安全出口被封堵、锁闭" in h.description
    insp = Inspection.objects.get(pk=out["inspection_id"])
    assert insp.mode == "patrol" and insp.inspector_id == cast.unit_manager.pk
    # The calendar counts it as the unit's patrol.
    day = timezone.localtime(insp.received_at).date().isoformat()
    cal = api_client(cast.unit_manager).get(
        f"/api/v1/units/{cast.unit.pk}/duties", {"start": day}
    ).json()  # fmt: skip
    assert any(d["kind"] == "patrol" and d["done_at"] for d in cal["duties"])


def test_patrol_needs_a_photo_of_each_problem_and_a_known_item(cast):
    client = api_client(cast.unit_manager)
    r = client.post("/api/v1/patrols", {"unit_id": cast.unit.pk, "failed": [
        {"code": "P02", "photo_ids": []}]}, content_type="application/json")  # fmt: skip
    assert r.status_code == 422
    pic = photo(cast, cast.unit_manager)
    r = client.post("/api/v1/patrols", {"unit_id": cast.unit.pk, "failed": [
        {"code": "ZZ", "photo_ids": [pic.pk]}]}, content_type="application/json")  # fmt: skip
    assert r.status_code == 422
    assert not Inspection.objects.exists()


def test_all_clear_patrol_and_retry_is_idempotent(cast):
    client = api_client(cast.unit_manager)
    body = {"unit_id": cast.unit.pk, "client_id": "5b3a3c1e-1111-4111-8111-111111111111"}
    assert client.post("/api/v1/patrols", body, content_type="application/json").status_code == 201
    r = client.post("/api/v1/patrols", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["hazard_ids"] == []
    assert Inspection.objects.count() == 1


def test_regulator_cannot_patrol_as_the_unit(cast):
    r = api_client(cast.regulator).post(
        "/api/v1/patrols", {"unit_id": cast.unit.pk}, content_type="application/json"
    )
    assert r.status_code == 403
    r = api_client(cast.other_unit_manager).post(
        "/api/v1/patrols", {"unit_id": cast.unit.pk}, content_type="application/json"
    )
    assert r.status_code == 404


def test_province_overrides_a_rule_for_a_region_city_may_not(cast):
    body = {"kind": "patrol", "applies_to": "public_gathering", "region": "2201",
            "every": 3, "every_unit": "hour", "while_open": True}  # fmt: skip
    url = f"/api/v1/units/{cast.unit.pk}/duties"
    r = api_client(cast.city_regulator).post(url, body, content_type="application/json")
    assert r.status_code == 403
    r = api_client(cast.province_regulator).post(url, body, content_type="application/json")
    assert r.status_code == 200, r.content
    rule = DutyRule.objects.get(region_prefix="2201", kind="patrol")
    assert rule.every == 3 and not rule.verified
    assert next(x for x in r.json()["rules"] if x["kind"] == "patrol")["every"] == 3
    assert AuditEvent.objects.filter(action="duty_rule.changed").count() == 1
    bad = dict(body, region="2202")
    r = api_client(cast.province_regulator).post(url, bad, content_type="application/json")
    assert r.status_code == 422


def test_calendar_period_is_bounded(cast):
    url = f"/api/v1/units/{cast.unit.pk}/duties"
    client = api_client(cast.unit_manager)
    assert client.get(url, {"start": "2026-01-01", "end": "2026-06-01"}).status_code == 422
    r = client.get(url, {"start": "2026-03-02"})
    assert r.status_code == 200
    assert [d["state"] for d in r.json()["duties"] if d["kind"] == "patrol"].count("lapsed") == 6
    assert make_user(role=Role.UNIT_MANAGER, unit=cast.other_unit)
