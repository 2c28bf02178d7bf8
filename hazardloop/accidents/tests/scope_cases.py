import json

from hazardloop.accidents import services
from hazardloop.accidents.models import ChainStep
from hazardloop.accidents.tests.factories import make_accident
from hazardloop.testing import ALLOW, DENY, HIDE, INVALID, LOGIN, ScopeCase, expect

MARK = "ACC-SCOPE 南关饭店起火"


def _accident(cast):
    """A quick report filed by cast.unit's manager: step 1 (Nanguan) sent, not received."""
    return make_accident(cast.unit_manager, unit=cast.unit, summary=MARK)


def _received(cast):
    accident = _accident(cast)
    services.receive_step(accident, 1, actor=cast.duty_officer)
    return accident


def _api_mark(o):
    return json.dumps(MARK)[1:-1]


# An accident of cast.unit in Nanguan: department roles over Nanguan and the unit see it.
SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=ALLOW,
    expert=HIDE,
    leader=ALLOW,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
# Filing follow-ups: who sees it and may report.
REPORT = {**SEE, "inspector": DENY, "leader": DENY}
# Receiving and forwarding at Nanguan: only Nanguan's duty officer and regulator.
RECEIVE = {
    **SEE,
    "admin": DENY,
    "province_regulator": DENY,
    "city_regulator": DENY,
    "inspector": DENY,
    "leader": DENY,
    "unit_manager": DENY,
}
# A new quick report: roles that may report, each in their own area.
NEW = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=DENY,
    neighbour_inspector=DENY,
    neighbour_regulator=ALLOW,
    duty_officer=ALLOW,
    expert=DENY,
    leader=DENY,
    unit_manager=ALLOW,
    other_unit_manager=ALLOW,
)
# The figures: department roles with accident.view, each over their own regions.
FIGURES = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=ALLOW,
    neighbour_regulator=ALLOW,
    duty_officer=ALLOW,
    expert=DENY,
    leader=ALLOW,
    unit_manager=DENY,
    other_unit_manager=DENY,
)


def _step_received(response, cast, o) -> bool:
    return ChainStep.objects.get(accident=o, seq=1).received_at is not None


def _step_forwarded(response, cast, o) -> bool:
    return ChainStep.objects.get(accident=o, seq=1).forwarded_at is not None


CASES = [
    ScopeCase(
        "accident list",
        "accidents:list",
        lambda c, o: "/accidents/",
        {**SEE, "expert": DENY},
        make=_accident,
        is_list=True,
        marker=lambda o: MARK,
    ),
    ScopeCase(
        "quick report form",
        "accidents:create",
        lambda c, o: "/accidents/new/",
        NEW,
        marker=lambda o: 'data-testid="report-submit"',
    ),
    ScopeCase(
        "accident page",
        "accidents:detail",
        lambda c, o: f"/accidents/{o.pk}/",
        SEE,
        make=_accident,
        marker=lambda o: MARK,
    ),
    ScopeCase(
        "follow-up form",
        "accidents:update",
        lambda c, o: f"/accidents/{o.pk}/update/",
        REPORT,
        make=_accident,
        marker=lambda o: 'data-testid="update-submit"',
    ),
    ScopeCase(
        "receive on the page",
        "accidents:step",
        lambda c, o: f"/accidents/{o.pk}/chain/1/receive/",
        RECEIVE,
        make=_accident,
        method="post",
        redirect=lambda c, o: f"/accidents/{o.pk}/",
        check=_step_received,
    ),
    ScopeCase(
        "accident figures",
        "accidents:stats",
        lambda c, o: "/accidents/figures/",
        FIGURES,
        make=_accident,
        marker=lambda o: 'data-testid="total-accidents"',
    ),
    ScopeCase(
        "accidents API list",
        "GET /api/v1/accidents",
        lambda c, o: "/api/v1/accidents",
        SEE,
        make=_accident,
        api=True,
        is_list=True,
        marker=_api_mark,
    ),
    ScopeCase(
        "accidents API quick report",
        "POST /api/v1/accidents",
        lambda c, o: "/api/v1/accidents",
        {**NEW, "neighbour_regulator": INVALID, "other_unit_manager": INVALID},
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {
            "occurred_at": "2026-11-24T09:00:00+08:00",
            "region_code": "220102",
            "accident_type": "gas_explosion",
            "summary": "API 快报",
            "unit_id": c.unit.pk,
            "deaths": 3,
        },
        check=lambda r, c, o: r.status_code == 201 and r.json()["grade"] == "larger",
    ),
    ScopeCase(
        "accidents API figures",
        "GET /api/v1/accidents/stats",
        lambda c, o: "/api/v1/accidents/stats",
        FIGURES,
        make=_accident,
        api=True,
        check=lambda r, c, o: r.status_code == 200 and "both_down" in r.json()["total"],
    ),
    ScopeCase(
        "accident API detail",
        "GET /api/v1/accidents/{accident_id}",
        lambda c, o: f"/api/v1/accidents/{o.pk}",
        SEE,
        make=_accident,
        api=True,
        marker=_api_mark,
    ),
    ScopeCase(
        "accident API follow-up",
        "POST /api/v1/accidents/{accident_id}/updates",
        lambda c, o: f"/api/v1/accidents/{o.pk}/updates",
        REPORT,
        make=_accident,
        method="post",
        api=True,
        content_type="application/json",
        data={"note": "现场已清理", "serious_injuries": 2},
        check=lambda r, c, o: (
            r.status_code == 201 and r.json()["updates"][0]["kind"] == "supplementary"
        ),
    ),
    ScopeCase(
        "accident API receive",
        "POST /api/v1/accidents/{accident_id}/chain/{step}/receive",
        lambda c, o: f"/api/v1/accidents/{o.pk}/chain/1/receive",
        RECEIVE,
        make=_accident,
        method="post",
        api=True,
        check=lambda r, c, o: r.status_code == 200 and _step_received(r, c, o),
    ),
    ScopeCase(
        "accident API forward",
        "POST /api/v1/accidents/{accident_id}/chain/{step}/forward",
        lambda c, o: f"/api/v1/accidents/{o.pk}/chain/1/forward",
        RECEIVE,
        make=_received,
        method="post",
        api=True,
        check=lambda r, c, o: r.status_code == 200 and _step_forwarded(r, c, o),
    ),
]
