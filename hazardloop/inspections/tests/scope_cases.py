from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version
from hazardloop.testing import (
    ALLOW,
    DENY,
    INVALID,
    ScopeCase,
    file_of,
    scope_expectations,
)


def _inspection(cast):
    _t, version = template_and_version(code=f"scope-{cast.unit.pk}")
    inspection, _ = submit_inspection(
        payload(cast, version), actor=cast.inspector, unit=cast.unit, version=version
    )
    return inspection


def _submission(cast, obj):
    _t, version = template_and_version(code=f"scope-post-{cast.unit.pk}")
    return payload(cast, version, user=cast.inspector)


# Whoever sees cast.unit sees its inspections.
SEE = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
# Inspecting (or amending a record): experts and leaders take part; the duty officer reads.
INSPECT = scope_expectations(duty_officer=DENY, expert=ALLOW, leader=ALLOW)


def _record(inspection):
    return f"/inspections/{inspection.pk}/"


CASES = [
    ScopeCase(
        "inspection list",
        "inspections:list",
        lambda c, o: "/inspections/",
        SEE,
        make=_inspection,
        is_list=True,
        marker=_record,
    ),
    ScopeCase(
        "inspection record",
        "inspections:detail",
        lambda c, o: f"/inspections/{o.pk}/",
        SEE,
        make=_inspection,
        marker=lambda o: f"/inspections/{o.pk}/record.pdf",
    ),
    ScopeCase(
        "inspection record PDF",
        "inspections:pdf",
        lambda c, o: f"/inspections/{o.pk}/record.pdf",
        SEE,
        make=_inspection,
        check=file_of("application/pdf"),
    ),
    ScopeCase(
        "amend inspection",
        "inspections:amend",
        lambda c, o: f"/inspections/{o.pk}/amend/",
        # An inspector's record: the inspected unit's people may not amend it (only their own
        # self-inspections).
        {**INSPECT, "unit_manager": DENY},
        make=_inspection,
        marker=lambda o: o.unit.name,
    ),
    ScopeCase(
        "new inspection form",
        "inspections:new",
        lambda c, o: "/inspections/new/",
        # Everyone who may inspect somewhere reaches the unit chooser (neighbours included).
        {
            **INSPECT,
            "neighbour_inspector": ALLOW,
            "neighbour_regulator": ALLOW,
            "other_unit_manager": ALLOW,
        },
        marker=lambda o: "/inspections/new/",
    ),
    ScopeCase(
        "new inspection form for a unit",
        "inspections:new",
        lambda c, o: f"/inspections/new/?unit={o.pk}",
        INSPECT,
        make=lambda c: c.unit,
        marker=lambda o: f'{{"id": {o.pk}, "name": ',  # the unit, preset in the form's data
    ),
    ScopeCase(
        "unit inspections panel",
        "inspections:unit_panel",
        lambda c, o: f"/inspections/unit/{c.unit.pk}/",
        SEE,
        make=_inspection,
        marker=_record,
    ),
    ScopeCase(
        "API: submit inspection",
        "POST /api/v1/inspections",
        lambda c, o: "/api/v1/inspections",
        # The payload is an inspector's routine inspection: a unit's own people may only
        # self-inspect, so theirs is not valid.
        {**INSPECT, "unit_manager": INVALID},
        method="post",
        data=_submission,
        content_type="application/json",
        api=True,
        check=lambda r, c, o: r.status_code == 201 and r.json()["unit_id"] == c.unit.pk,
    ),
    ScopeCase(
        "API: inspection list",
        "GET /api/v1/inspections",
        lambda c, o: "/api/v1/inspections",
        SEE,
        make=_inspection,
        api=True,
        is_list=True,
        marker=lambda o: str(o.client_id),
    ),
    ScopeCase(
        "API: inspection",
        "GET /api/v1/inspections/{inspection_id}",
        lambda c, o: f"/api/v1/inspections/{o.pk}",
        SEE,
        make=_inspection,
        api=True,
        marker=lambda o: f'"id": {o.pk},',
    ),
]
