from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, scope_expectations


def _inspection(cast):
    _t, version = template_and_version(code=f"scope-{cast.unit.pk}")
    inspection, _ = submit_inspection(
        payload(cast, version), actor=cast.inspector, unit=cast.unit, version=version
    )
    return inspection


def _submission(cast, obj):
    _t, version = template_and_version(code=f"scope-post-{cast.unit.pk}")
    return payload(cast, version, user=cast.inspector)


CASES = [
    ScopeCase(
        "inspection list",
        "inspections:list",
        lambda c, o: "/inspections/",
        scope_expectations(duty_officer=ALLOW, neighbour_inspector=HIDE, other_unit_manager=HIDE),
        make=_inspection,
        is_list=True,
        marker=lambda o: f"/inspections/{o.pk}/",
    ),
    ScopeCase(
        "inspection record",
        "inspections:detail",
        lambda c, o: f"/inspections/{o.pk}/",
        scope_expectations(duty_officer=ALLOW),
        make=_inspection,
    ),
    ScopeCase(
        "inspection record PDF",
        "inspections:pdf",
        lambda c, o: f"/inspections/{o.pk}/record.pdf",
        scope_expectations(),
        make=_inspection,
    ),
    ScopeCase(
        "amend inspection",
        "inspections:amend",
        lambda c, o: f"/inspections/{o.pk}/amend/",
        scope_expectations(duty_officer=DENY),
        make=_inspection,
    ),
    ScopeCase(
        "new inspection form",
        "inspections:new",
        lambda c, o: "/inspections/new/",
        {"anonymous": LOGIN, "inspector": ALLOW, "unit_manager": ALLOW, "duty_officer": DENY},
    ),
    ScopeCase(
        "new inspection form for a unit",
        "inspections:new",
        lambda c, o: f"/inspections/new/?unit={c.unit.pk}",
        {
            "anonymous": LOGIN,
            "inspector": ALLOW,
            "regulator": ALLOW,
            "unit_manager": ALLOW,
            "neighbour_inspector": HIDE,
            "other_unit_manager": HIDE,
        },
    ),
    ScopeCase(
        "unit inspections panel",
        "inspections:unit_panel",
        lambda c, o: f"/inspections/unit/{c.unit.pk}/",
        scope_expectations(duty_officer=ALLOW),
        make=_inspection,
    ),
    ScopeCase(
        "API: submit inspection",
        "POST /api/v1/inspections",
        lambda c, o: "/api/v1/inspections",
        {"anonymous": LOGIN, "inspector": ALLOW, "neighbour_inspector": HIDE, "duty_officer": DENY},
        method="post",
        data=_submission,
        content_type="application/json",
        api=True,
    ),
    ScopeCase(
        "API: inspection list",
        "GET /api/v1/inspections",
        lambda c, o: "/api/v1/inspections",
        scope_expectations(neighbour_inspector=HIDE, other_unit_manager=HIDE),
        make=_inspection,
        api=True,
        is_list=True,
        marker=lambda o: str(o.client_id),
    ),
    ScopeCase(
        "API: inspection",
        "GET /api/v1/inspections/{inspection_id}",
        lambda c, o: f"/api/v1/inspections/{o.pk}",
        scope_expectations(),
        make=_inspection,
        api=True,
    ),
]
