import re

from hazardloop.checklists.tests.factories import make_template
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    LOGIN,
    ScopeCase,
    everyone,
    expect,
    file_of,
    scope_expectations,
)

# A built-in checklist: every signed-in user may read it.
READERS = everyone(ALLOW)


def _builtin(cast):
    return make_template("scope-builtin", is_builtin=True)


def _nanguan_copy(cast):
    return make_template("scope-local", region_code=cast.unit.region_id)


# Nanguan's own checklist: whoever works in or over Nanguan, its units included.
LOCAL_READERS = scope_expectations(
    duty_officer=ALLOW, expert=ALLOW, leader=ALLOW, other_unit_manager=ALLOW
)
# Changing Nanguan's checklist: regulators of Nanguan and above; readers are refused.
LOCAL_MANAGERS = {
    **LOCAL_READERS,
    "inspector": DENY,
    "duty_officer": DENY,
    "expert": DENY,
    "leader": DENY,
    "unit_manager": DENY,
    "other_unit_manager": DENY,
}
# Copying a checklist for one's own region: any regulator.
COPIERS = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=DENY,
    neighbour_inspector=DENY,
    neighbour_regulator=ALLOW,
    duty_officer=DENY,
    expert=DENY,
    leader=DENY,
    unit_manager=DENY,
    other_unit_manager=DENY,
)

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
        marker=lambda o: o.code,
    ),
    ScopeCase(
        "checklist export",
        "checklists:export",
        lambda c, o: f"/checklists/{o.pk}/export.xlsx",
        LOCAL_READERS,
        make=_nanguan_copy,
        check=file_of("application/vnd.openxmlformats"),
    ),
    ScopeCase(
        "checklist copy for a region",
        "checklists:copy",
        lambda c, o: f"/checklists/{o.pk}/copy/",
        COPIERS,
        make=_builtin,
        method="post",
        data={},
        redirect=lambda c, o: re.compile(r"/checklists/\d+/"),
    ),
    ScopeCase(
        "checklist import",
        "checklists:import",
        lambda c, o: f"/checklists/{o.pk}/import/",
        LOCAL_MANAGERS,
        make=_nanguan_copy,
        method="post",
        data={},
        redirect=lambda c, o: f"/checklists/{o.pk}/",
    ),
    ScopeCase(
        "checklist item edit",
        "checklists:edit_item",
        lambda c, o: f"/checklists/{o.pk}/items/A1/",
        LOCAL_MANAGERS,
        make=_nanguan_copy,
        marker=lambda o: "A1",
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
        # The template the version belongs to (PostgreSQL's jsonb may order nested keys so a marker
        # would match or miss by accident).
        check=lambda r, c, o: r.json()["template_id"] == o.pk,
    ),
]
