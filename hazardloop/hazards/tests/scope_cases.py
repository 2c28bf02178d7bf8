"""Every hazard page and API endpoint, against the standard cast."""

import re

from hazardloop.hazards import services
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    ScopeCase,
    everyone,
    file_of,
    scope_expectations,
)

# Whoever sees cast.unit sees its hazards.
READ = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
# Ordering rectification: regulators and inspectors; the unit and the read-only roles are refused.
ORDER = scope_expectations(duty_officer=DENY, expert=DENY, leader=DENY, unit_manager=DENY)
# Ordering several at once: a role that may order nowhere (any unit's manager) is refused
# before any hazard is looked at; a hazard out of scope is 404 as for one order.
BULK_ORDER = {**ORDER, "other_unit_manager": DENY}
# Recording a hazard at cast.unit: regulators, inspectors and the unit's own people.
CREATE = scope_expectations(duty_officer=DENY, expert=DENY, leader=DENY)
# Choosing the unit: everyone who may record hazards somewhere reaches the chooser.
CHOOSE = {
    **CREATE,
    "neighbour_inspector": ALLOW,
    "neighbour_regulator": ALLOW,
    "other_unit_manager": ALLOW,
}
# Exporting: whoever may export gets their own scope's rows.
EXPORT = {
    **READ,
    "neighbour_inspector": ALLOW,
    "neighbour_regulator": ALLOW,
    "duty_officer": DENY,
    "expert": DENY,
    "unit_manager": DENY,
    "other_unit_manager": DENY,
}


def _make(cast):
    return hazard(cast)


def _export(cast):
    from hazardloop.hazards.exports import run_export_once
    from hazardloop.hazards.models import HazardExport

    hazard(cast)
    job = HazardExport.objects.create(created_by=cast.regulator, params={})
    run_export_once(job.pk)
    job.refresh_from_db()
    return job


def _assigned(cast):
    h = hazard(cast)
    services.assign_expert(h, actor=cast.regulator, expert_id=cast.expert.pk)
    return h


def _marker(obj):
    return f"/hazards/{obj.pk}/"


def _api_marker(obj):
    return f'"id": {obj.pk},'


def _ordered(response, cast, obj) -> bool:
    return Hazard.objects.get(pk=obj.pk).status == "ordered"


CASES = [
    ScopeCase(
        "record a hazard: choose the unit",
        "hazards:record_choose",
        lambda c, o: "/hazards/new/?q=测试",
        CHOOSE,
        marker=lambda o: 'name="q"',
        # A unit's own people go straight to their unit's form.
        redirect=lambda c, o: re.compile(r"/hazards/units/\d+/new/"),
    ),
    ScopeCase(
        "record a hazard: the form",
        "hazards:record",
        lambda c, o: f"/hazards/units/{o.pk}/new/",
        CREATE,
        make=lambda c: c.unit,
        marker=lambda o: o.name,
    ),
    ScopeCase(
        "record a hazard: grade preview",
        "hazards:record",
        lambda c, o: f"/hazards/units/{c.unit.pk}/new/?preview=1&rule_refs=gb35181:6.5",
        CREATE,
        marker=lambda o: 'data-testid="preview-grade"',
    ),
    ScopeCase(
        "record a hazard: save",
        "hazards:record",
        lambda c, o: f"/hazards/units/{c.unit.pk}/new/",
        CREATE,
        method="post",
        data={
            "description": "灭火器过期",
            "category": "fire_facilities",
            "default_grade": "general",
        },
        redirect=lambda c, o: re.compile(r"/hazards/\d+/"),
        check=lambda r, c, o: Hazard.objects.filter(unit=c.unit, description="灭火器过期").exists(),
    ),
    ScopeCase(
        "hazard ledger",
        "hazards:list",
        lambda c, o: "/hazards/",
        READ,
        make=_make,
        is_list=True,
        marker=_marker,
    ),
    ScopeCase(
        "hazard export",
        "hazards:export",
        lambda c, o: "/hazards/export/",
        EXPORT,
        make=_make,
        method="post",
        redirect=lambda c, o: re.compile(r"/hazards/exports/\d+/"),
    ),
    ScopeCase(
        "hazard export page",
        "hazards:export_job",
        lambda c, o: f"/hazards/exports/{o.pk}/",
        # An export is its creator's (the county regulator's) alone.
        {**everyone(HIDE), "regulator": ALLOW},
        make=_export,
        marker=lambda o: 'data-testid="export-status"',
    ),
    ScopeCase(
        "hazard export download",
        "hazards:export_download",
        lambda c, o: f"/hazards/exports/{o.pk}/download/",
        {**everyone(HIDE), "regulator": ALLOW},
        make=_export,
        check=file_of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ),
    ScopeCase(
        "hazard page",
        "hazards:detail",
        lambda c, o: f"/hazards/{o.pk}/",
        READ,
        make=_make,
        marker=lambda o: o.title,
    ),
    ScopeCase(
        "hazard action (order)",
        "hazards:act",
        lambda c, o: f"/hazards/{o.pk}/order/",
        ORDER,
        make=_make,
        method="post",
        data={"due_at": "2099-01-01", "reason": "x"},
        redirect=lambda c, o: f"/hazards/{o.pk}/",
        check=_ordered,
    ),
    ScopeCase(
        "expert picker",
        "hazards:expert_picker",
        lambda c, o: f"/hazards/{o.pk}/experts/?q=expert",
        ORDER,
        make=_make,
        marker=lambda o: "t-expert",  # the cast's expert, of Changchun: in scope
    ),
    ScopeCase(
        "experts: assigned to me",
        "hazards:list",
        lambda c, o: "/hazards/?assigned=me",
        # Only the assigned expert has the hazard on this list; for everyone else it is empty.
        {**everyone(HIDE), "expert": ALLOW},
        make=_assigned,
        is_list=True,
        marker=_marker,
    ),
    ScopeCase(
        "API: experts: assigned to me",
        "GET /api/v1/hazards",
        lambda c, o: "/api/v1/hazards?assigned=me",
        {**everyone(HIDE), "expert": ALLOW},
        make=_assigned,
        api=True,
        is_list=True,
        marker=_api_marker,
    ),
    ScopeCase(
        "unit hazard panel",
        "hazards:unit_panel",
        lambda c, o: f"/hazards/units/{c.unit.pk}/panel/",
        READ,
        make=_make,
        marker=_marker,
    ),
    ScopeCase(
        "API: hazard ledger",
        "GET /api/v1/hazards",
        lambda c, o: "/api/v1/hazards",
        READ,
        make=_make,
        api=True,
        is_list=True,
        marker=_api_marker,
    ),
    ScopeCase(
        "API: one hazard",
        "GET /api/v1/hazards/{hazard_id}",
        lambda c, o: f"/api/v1/hazards/{o.pk}",
        READ,
        make=_make,
        api=True,
        marker=_api_marker,
    ),
    ScopeCase(
        "API: create hazard",
        "POST /api/v1/hazards",
        lambda c, o: "/api/v1/hazards",
        CREATE,
        method="post",
        api=True,
        data=lambda c, o: {"unit_id": c.unit.pk, "description": "灭火器过期"},
        content_type="application/json",
        check=lambda r, c, o: r.status_code == 201 and r.json()["unit_id"] == c.unit.pk,
    ),
    ScopeCase(
        "API: transition",
        "POST /api/v1/hazards/{hazard_id}/transitions",
        lambda c, o: f"/api/v1/hazards/{o.pk}/transitions",
        ORDER,
        make=_make,
        method="post",
        api=True,
        data={"action": "order", "due_at": "2099-01-01T12:00:00+08:00"},
        content_type="application/json",
        check=_ordered,
    ),
    ScopeCase(
        "API: bulk order",
        "POST /api/v1/hazards/bulk/order",
        lambda c, o: "/api/v1/hazards/bulk/order",
        BULK_ORDER,
        make=_make,
        method="post",
        api=True,
        data=lambda c, o: {"ids": [o.pk], "due_at": "2099-01-01T12:00:00+08:00"},
        content_type="application/json",
        check=_ordered,
    ),
    ScopeCase(
        "bulk order from the ledger",
        "hazards:bulk_order",
        lambda c, o: "/hazards/bulk-order/",
        BULK_ORDER,
        make=_make,
        method="post",
        data=lambda c, o: {"ids": [o.pk], "due_at": "2099-01-01", "confirm": "yes"},
        redirect=lambda c, o: "/hazards/",
        check=_ordered,
    ),
]

# Holiday calendars, deadline policies and a hazard's clock (calendar_scope_cases.py).
from hazardloop.hazards.tests.calendar_scope_cases import CALENDAR_CASES  # noqa: E402

CASES += CALENDAR_CASES

# Rule sets, determinations and exclusions (grading_scope_cases.py).
from hazardloop.hazards.tests.grading_scope_cases import GRADING_CASES  # noqa: E402

CASES += GRADING_CASES
