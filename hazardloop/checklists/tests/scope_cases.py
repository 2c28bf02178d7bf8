from hazardloop.checklists.tests.factories import make_template
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase

READERS = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "province_regulator": ALLOW,
    "regulator": ALLOW,
    "inspector": ALLOW,
    "neighbour_inspector": ALLOW,
    "duty_officer": ALLOW,
    "unit_manager": ALLOW,
}


def _builtin(cast):
    return make_template("scope-builtin", is_builtin=True)


def _nanguan_copy(cast):
    return make_template("scope-local", region_code=cast.unit.region_id)


LOCAL_READERS = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "province_regulator": ALLOW,
    "city_regulator": ALLOW,
    "regulator": ALLOW,
    "inspector": ALLOW,
    "unit_manager": ALLOW,
    "neighbour_inspector": HIDE,
    "neighbour_regulator": HIDE,
}
LOCAL_MANAGERS = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "city_regulator": ALLOW,
    "regulator": ALLOW,
    "inspector": DENY,
    "duty_officer": DENY,
    "unit_manager": DENY,
    "neighbour_regulator": HIDE,
}

CASES = [
    ScopeCase(
        "checklist list",
        "checklists:list",
        lambda c, o: "/checklists/",
        READERS,
        make=_builtin,
        is_list=True,
        marker=lambda o: o.code,
    ),
    ScopeCase(
        "regional checklist in the list",
        "checklists:list",
        lambda c, o: "/checklists/",
        {**LOCAL_READERS, "neighbour_inspector": HIDE},
        make=_nanguan_copy,
        is_list=True,
        marker=lambda o: o.code,
    ),
    ScopeCase(
        "checklist detail",
        "checklists:detail",
        lambda c, o: f"/checklists/{o.pk}/",
        LOCAL_READERS,
        make=_nanguan_copy,
    ),
    ScopeCase(
        "checklist export",
        "checklists:export",
        lambda c, o: f"/checklists/{o.pk}/export.xlsx",
        LOCAL_READERS,
        make=_nanguan_copy,
    ),
    ScopeCase(
        "checklist copy for a region",
        "checklists:copy",
        lambda c, o: f"/checklists/{o.pk}/copy/",
        {
            "anonymous": LOGIN,
            "regulator": ALLOW,
            "city_regulator": ALLOW,
            "neighbour_regulator": ALLOW,
            "inspector": DENY,
            "duty_officer": DENY,
            "unit_manager": DENY,
        },
        make=_builtin,
        method="post",
        data={},
    ),
    ScopeCase(
        "checklist import",
        "checklists:import",
        lambda c, o: f"/checklists/{o.pk}/import/",
        LOCAL_MANAGERS,
        make=_nanguan_copy,
        method="post",
        data={},
    ),
    ScopeCase(
        "checklist item edit",
        "checklists:edit_item",
        lambda c, o: f"/checklists/{o.pk}/items/A1/",
        LOCAL_MANAGERS,
        make=_nanguan_copy,
    ),
    ScopeCase(
        "API: checklists",
        "GET /api/v1/checklists",
        lambda c, o: "/api/v1/checklists",
        {**LOCAL_READERS, "neighbour_inspector": HIDE},
        make=_nanguan_copy,
        api=True,
        is_list=True,
        marker=lambda o: o.code,
    ),
    ScopeCase(
        "API: checklist",
        "GET /api/v1/checklists/{template_id}",
        lambda c, o: f"/api/v1/checklists/{o.pk}",
        LOCAL_READERS,
        make=_nanguan_copy,
        api=True,
    ),
]
