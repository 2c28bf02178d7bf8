import itertools
import json

from hazardloop.accountability.choices import SourceKind, SubjectKind
from hazardloop.accountability.services import propose_case
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect

_ids = itertools.count(10_000)


def _case(cast):
    """A proposal about cast.unit in Nanguan (through the generic service, as a source does)."""
    from django.utils import timezone

    return propose_case(
        source_kind=SourceKind.HAZARD_TOP_RUNG,
        source_id=next(_ids),
        region_code=cast.unit.region_id,
        title="南关问责测试：疏散通道堵塞逾期未改",
        subject_kind=SubjectKind.UNIT,
        subject_name=cast.unit.name,
        unit=cast.unit,
        facts=[],
        links=[{"kind": "unit", "id": cast.unit.pk, "label": cast.unit.name}],
        now=timezone.now(),
    )


def _confirmed(response, cast, case) -> bool:
    case.refresh_from_db()
    return case.status == "confirmed"


# A case of Nanguan: the regulators over Nanguan and the city's leader. Inspectors, experts,
# duty officers and units' own people hold no accountability permission (404 for a case).
SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=HIDE,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=HIDE,
    expert=HIDE,
    leader=ALLOW,
    unit_manager=HIDE,
    other_unit_manager=HIDE,
)
# The list: 403 for whoever holds no accountability permission anywhere; the neighbour sees
# a list without Nanguan's case.
LIST = {
    **SEE,
    "inspector": DENY,
    "neighbour_inspector": DENY,
    "duty_officer": DENY,
    "expert": DENY,
    "unit_manager": DENY,
    "other_unit_manager": DENY,
}
# Raising a case by hand: whoever may decide somewhere.
CREATE = {**LIST, "neighbour_regulator": ALLOW}

CASES = [
    ScopeCase(
        "accountability list",
        "accountability:list",
        lambda c, o: "/accountability/",
        LIST,
        make=_case,
        is_list=True,
        marker=lambda o: o.title,
    ),
    ScopeCase(
        "accountability case form",
        "accountability:create",
        lambda c, o: "/accountability/new/",
        CREATE,
        marker=lambda o: 'name="subject_kind"',
    ),
    ScopeCase(
        "accountability case page",
        "accountability:detail",
        lambda c, o: f"/accountability/{o.pk}/",
        SEE,
        make=_case,
        marker=lambda o: o.title,
    ),
    ScopeCase(
        "accountability confirm",
        "accountability:act",
        lambda c, o: f"/accountability/{o.pk}/act/",
        SEE,
        make=_case,
        method="post",
        data={"action": "confirm", "version": "1", "note": "属实"},
        redirect=lambda c, o: f"/accountability/{o.pk}/",
        check=_confirmed,
    ),
    ScopeCase(
        "accountability API list",
        "GET /api/v1/accountability/cases",
        lambda c, o: "/api/v1/accountability/cases",
        LIST,
        make=_case,
        api=True,
        is_list=True,
        marker=lambda o: json.dumps(o.title)[1:-1],
    ),
    ScopeCase(
        "accountability API create",
        "POST /api/v1/accountability/cases",
        lambda c, o: "/api/v1/accountability/cases",
        {**CREATE, "neighbour_regulator": HIDE},
        method="post",
        api=True,
        content_type="application/json",
        data={
            "region": "220102",
            "title": "API 问责",
            "subject_kind": "person",
            "subject_name": "某负责人",
            "description": "事实",
        },
        check=lambda r, c, o: r.status_code == 201 and r.json()["status"] == "confirmed",
    ),
    ScopeCase(
        "accountability API case",
        "GET /api/v1/accountability/cases/{case_id}",
        lambda c, o: f"/api/v1/accountability/cases/{o.pk}",
        SEE,
        make=_case,
        api=True,
        marker=lambda o: json.dumps(o.title)[1:-1],
    ),
    ScopeCase(
        "accountability API transition",
        "POST /api/v1/accountability/cases/{case_id}/transitions",
        lambda c, o: f"/api/v1/accountability/cases/{o.pk}/transitions",
        SEE,
        make=_case,
        method="post",
        api=True,
        content_type="application/json",
        data={"action": "confirm", "version": 1},
        check=lambda r, c, o: r.status_code == 200 and _confirmed(r, c, o),
    ),
]
