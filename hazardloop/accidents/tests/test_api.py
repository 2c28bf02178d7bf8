"""The API as the issue names it: a quick report returns the grade, its reasoning and the
chain's deadlines; updates regrade; the chain's receive/forward; bounded inputs; the figures."""

import datetime as dt

import pytest
import time_machine

from hazardloop.accidents.models import Accident
from hazardloop.accidents.tests.factories import T0, make_accident
from hazardloop.accounts.choices import Role
from hazardloop.testing import CITY, api_client, build_cast, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    c = build_cast()
    c.city_duty = make_user("t-duty-city", Role.DUTY_OFFICER, region=CITY)
    return c


def section_ids(user) -> list[int]:
    """The accidents on the user's workbench list of reports waiting for their level."""
    from django.utils import timezone

    from hazardloop.workbench.accident_section import awaiting_me
    from hazardloop.workbench.sections import Ctx

    return [item.id for item in awaiting_me(Ctx(user, timezone.now())).items]


def body(**extra):
    values = {
        "occurred_at": "2026-11-24T09:00:00+08:00",
        "region_code": "220102",
        "accident_type": "fire",
        "summary": "饭店后厨起火",
        "deaths": 0,
        "serious_injuries": 12,
        "direct_loss_cny": 1_200_000,
        "unit_overview": "餐饮单位，营业面积300平方米",
        "place_and_scene": "南关区某路12号后厨",
        "course": "液化气软管脱落起火",
        "measures_taken": "已疏散人员并扑灭明火",
        "other": "无",
    }
    values.update(extra)
    return values


def test_quick_report_returns_grade_reason_and_deadlines(cast):
    client = api_client(cast.unit_manager)
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        r = client.post(
            "/api/v1/accidents",
            body(unit_id=cast.unit.pk),
            content_type="application/json",
            headers={"Accept-Language": "en"},
        )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["grade"] == "larger"
    assert "12 serious injuries" in data["grade_reason"] and "Art. 3" in data["grade_reason"]
    assert [s["level"] for s in data["chain"]] == ["county", "prefecture", "province"]
    assert data["chain"][0]["due_at"].startswith("2026-11-24T02:00:00")  # 10:00 in Changchun
    assert data["chain"][0]["sent_at"] and not data["chain"][0]["late"]
    assert data["place_and_scene"] == "南关区某路12号后厨"


@pytest.mark.parametrize(
    "bad",
    [
        {"occurred_at": "2026-11-24T09:00:00"},  # no offset
        {"deaths": -1},
        {"direct_loss_cny": 10**14},
        {"summary": "x" * 201},
        {"accident_type": "meteor"},
        {"region_code": "220100"},  # a prefecture, not where it happened
        {"region_code": "999999"},
        {"occurred_at": "2099-01-01T00:00:00+08:00"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, bad):
    r = api_client(cast.regulator).post(
        "/api/v1/accidents", body(**bad), content_type="application/json"
    )
    assert r.status_code == 422, r.content
    assert Accident.objects.count() == 0


def test_update_regrades_and_reroutes_through_the_api(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, accident_type="other")
    client = api_client(cast.unit_manager)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        r = client.post(
            f"/api/v1/accidents/{accident.pk}/updates",
            {"note": "伤者增至55人", "serious_injuries": 55},
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["grade"] == "major"
    assert data["updates"][0]["kind"] == "supplementary"
    assert [s["level"] for s in data["chain"]][-1] == "state_council"
    r = client.post(
        f"/api/v1/accidents/{accident.pk}/updates", [None], content_type="application/json"
    )
    assert r.status_code == 422


def test_receive_and_forward_through_the_api_and_the_desk(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + dt.timedelta(minutes=5))
    duty = api_client(cast.duty_officer)
    assert section_ids(cast.duty_officer) == [accident.pk]
    listed = duty.get("/api/v1/accidents?awaiting_me=true").json()
    assert [a["id"] for a in listed["items"]] == [accident.pk]
    assert duty.post(f"/api/v1/accidents/{accident.pk}/chain/1/forward").status_code == 409
    r = duty.post(f"/api/v1/accidents/{accident.pk}/chain/1/receive")
    assert r.status_code == 200 and r.json()["chain"][0]["received_by"] == "t-duty"
    assert duty.post(f"/api/v1/accidents/{accident.pk}/chain/9/receive").status_code == 404
    assert section_ids(cast.city_duty) == []
    r = duty.post(f"/api/v1/accidents/{accident.pk}/chain/1/forward")
    assert r.status_code == 200 and r.json()["chain"][1]["sent_at"]
    assert section_ids(cast.duty_officer) == []
    assert section_ids(cast.city_duty) == [accident.pk]
    city = api_client(cast.city_duty)
    assert city.post(f"/api/v1/accidents/{accident.pk}/chain/2/receive").status_code == 200
    # The prefecture is the top of a general accident's route: nothing further to forward.
    assert city.post(f"/api/v1/accidents/{accident.pk}/chain/2/forward").status_code == 409


def test_figures_compare_with_the_same_period_last_year(cast):
    for year, deaths in ((2025, 4), (2025, 1), (2026, 2)):
        make_accident(
            cast.regulator,
            region_code="220102",
            occurred_at=T0.replace(year=year),
            deaths=deaths,
            now=T0.replace(year=year) + dt.timedelta(minutes=5),
        )
    make_accident(cast.neighbour_regulator, region_code="220103", deaths=5)
    client = api_client(cast.regulator)
    r = client.get("/api/v1/accidents/stats?start=2026-01-01&end=2026-12-31&group_by=type")
    assert r.status_code == 200, r.content
    data = r.json()
    total = data["total"]
    assert (total["accidents"], total["deaths"]) == (1, 2)
    assert (total["last_year"]["accidents"], total["last_year"]["deaths"]) == (2, 5)
    assert total["both_down"] is True
    assert [row["key"] for row in data["rows"]] == ["fire"]
    city = api_client(cast.city_regulator).get(
        "/api/v1/accidents/stats?start=2026-01-01&end=2026-12-31&group_by=region"
    )
    rows = {row["key"]: row for row in city.json()["rows"]}
    assert rows["220102"]["deaths"] == 2 and rows["220103"]["deaths"] == 5
    assert city.json()["total"]["both_down"] is False
    bad = client.get("/api/v1/accidents/stats?start=2026-12-31&end=2026-01-01")
    assert bad.status_code == 422
    assert client.get("/api/v1/accidents/stats?group_by=colour").status_code == 422
    assert client.get("/api/v1/accidents/stats?start=0001-01-01").status_code == 422
    assert client.get("/api/v1/accidents/stats?region_code=00000000000").status_code == 422
    assert client.get("/api/v1/accidents/stats?end=9999-12-31").status_code == 422
    assert client.get("/api/v1/accidents/stats?region_code=220103").status_code == 404
