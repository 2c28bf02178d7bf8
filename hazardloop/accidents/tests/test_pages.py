"""The quick report and follow-up pages: what is filed, and bad input shown without losing
what was typed."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.accidents.models import Accident
from hazardloop.accidents.tests.factories import make_accident
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def form(**extra):
    values = {
        "summary": "仓库起火",
        "accident_type": "fire",
        "occurred_at": (timezone.localtime(timezone.now(), LOCAL) - dt.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "region": "220102",
        "course": "电气线路短路引燃货物",
        "deaths": "0",
        "missing": "1",
        "serious_injuries": "0",
        "direct_loss_cny": "10000000",
    }
    values.update(extra)
    return values


def test_a_department_links_the_unit_by_its_code(cast):
    client = web_client(cast.regulator)
    r = client.post("/accidents/new/", form(unit_uscc=cast.unit.uscc.lower()))
    accident = Accident.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/accidents/{accident.pk}/"
    assert accident.unit == cast.unit and accident.grade == "larger"  # 10,000,000 yuan
    assert accident.missing == 1 and accident.steps.get(seq=1).received_by == cast.regulator


def test_bad_input_keeps_what_was_typed(cast):
    client = web_client(cast.regulator)
    r = client.post("/accidents/new/", form(unit_uscc=cast.neighbour_unit.uscc))
    page = r.content.decode()
    assert r.status_code == 200 and "电气线路短路引燃货物" in page
    r = client.post("/accidents/new/", form(occurred_at="2099-01-01T00:00"))
    assert r.status_code == 200 and "电气线路短路引燃货物" in r.content.decode()
    r = client.post("/accidents/new/", form(region="220103"))  # not theirs: not a choice
    assert r.status_code == 200
    assert Accident.objects.count() == 0


def test_a_unit_files_for_itself_and_then_follows_up(cast):
    client = web_client(cast.unit_manager)
    page = client.get("/accidents/new/").content.decode()
    assert "unit_uscc" not in page and cast.unit.name in page
    r = client.post("/accidents/new/", form(region=cast.unit.region_id, accident_type="other"))
    accident = Accident.objects.get()
    assert r.status_code == 302 and accident.unit == cast.unit
    r = client.post(
        f"/accidents/{accident.pk}/update/",
        {
            "note": "失踪人员已找到",
            "deaths": "0",
            "missing": "0",
            "serious_injuries": "0",
            "direct_loss_cny": "10000000",
        },
    )
    assert r.status_code == 302
    assert accident.updates.get().kind == "supplementary"
    accident.refresh_from_db()
    assert accident.missing == 0


def test_receiving_twice_is_refused_with_a_message(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit)
    client = web_client(cast.duty_officer)
    url = f"/accidents/{accident.pk}/chain/1/receive/"
    assert client.post(url).status_code == 302
    r = client.post(url, follow=True)
    assert "本级已签收该报告" in r.content.decode() or "already received" in r.content.decode()
