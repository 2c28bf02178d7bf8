"""Every drill page and API endpoint against the standard cast (hazardloop/testing.py).

A drill of cast.unit (Nanguan) is recorded by its manager and read by the authorities over
Nanguan holding drill.view (regulators, inspectors, the city's leader); duty officers and
experts have no part in it. Recording is the unit's own people's alone: the authorities get 403."""

import json
import re

from hazardloop.drills.tests.factories import make_drill, make_plan, pdf_upload, staff
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect, file_of

PDF_TYPE = "application/pdf"
SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=HIDE,
    expert=HIDE,
    leader=ALLOW,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
# In scope but not the unit's own people: 403 (the administrator too: drills are the unit's).
RECORD = {
    **SEE,
    "admin": DENY,
    "province_regulator": DENY,
    "city_regulator": DENY,
    "regulator": DENY,
    "inspector": DENY,
    "leader": DENY,
}


def _drill(cast):
    return make_drill(cast.unit, cast.unit_manager, scenario="范围测试：厨房起火演练")


def _staff(cast):
    return staff(cast.unit, "范围测试员工")


def _form(cast, obj):
    return {
        "held_at": "2026-11-20T15:00",
        "scenario": "范围测试：表单录入的演练",
        "participants": [str(obj.pk)],
        "others_count": "2",
        "rating": "met",
        "plan": "",
    }


def _api(cast, obj):
    return {
        "unit_id": cast.unit.pk,
        "held_at": "2026-11-20T15:00:00+08:00",
        "scenario": "范围测试：接口录入的演练",
        "participant_ids": [obj.pk],
        "rating": "partly",
        "problems": [{"description": "疏散指示灯不亮", "hazard": True}],
    }


CASES = [
    ScopeCase(
        "drill list",
        "drills:list",
        lambda c, o: f"/drills/?unit={c.unit.pk}",
        SEE,
        make=_drill,
        is_list=True,
        marker=lambda o: f'href="/drills/{o.pk}/"',
    ),
    ScopeCase(
        "drill form",
        "drills:new",
        lambda c, o: f"/drills/unit/{c.unit.pk}/new/",
        RECORD,
        marker=lambda o: 'name="scenario"',
    ),
    ScopeCase(
        "record a drill (page)",
        "drills:new",
        lambda c, o: f"/drills/unit/{c.unit.pk}/new/",
        RECORD,
        make=_staff,
        method="post",
        data=_form,
        redirect=lambda c, o: re.compile(r"/drills/\d+/"),
    ),
    ScopeCase(
        "drill page",
        "drills:detail",
        lambda c, o: f"/drills/{o.pk}/",
        SEE,
        make=_drill,
        marker=lambda o: o.scenario,
    ),
    ScopeCase(
        "emergency plan file",
        "drills:plan",
        lambda c, o: f"/drills/plans/{o.pk}/file/",
        SEE,
        make=lambda c: make_plan(c.unit, c.unit_manager),
        check=file_of("application/pdf"),
    ),
    ScopeCase(
        "drills API list",
        "GET /api/v1/drills",
        lambda c, o: f"/api/v1/drills?unit_id={c.unit.pk}&limit=500",
        SEE,
        make=_drill,
        api=True,
        is_list=True,
        marker=lambda o: json.dumps(o.scenario)[1:-1],
    ),
    ScopeCase(
        "drills API record",
        "POST /api/v1/drills",
        lambda c, o: "/api/v1/drills",
        RECORD,
        make=_staff,
        method="post",
        api=True,
        content_type="application/json",
        data=_api,
        check=lambda r, c, o: r.status_code == 201 and r.json()["problems"][0]["hazard_id"],
    ),
    ScopeCase(
        "drills API plan upload",
        "POST /api/v1/drills/plans",
        lambda c, o: "/api/v1/drills/plans",
        RECORD,
        method="post",
        api=True,
        data=lambda c, o: {"unit_id": str(c.unit.pk), "file": pdf_upload(), "title": "预案"},
        check=lambda r, c, o: r.status_code == 201 and r.json()["content_type"] == PDF_TYPE,
    ),
]
