"""Every hazard page and API endpoint, against the standard cast."""

from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, scope_expectations

READ = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
ORDER = {
    "anonymous": LOGIN,
    "inspector": ALLOW,
    "regulator": ALLOW,
    "neighbour_inspector": HIDE,
    "other_unit_manager": HIDE,
    "unit_manager": DENY,
    "duty_officer": DENY,
    "leader": DENY,
}


def _make(cast):
    return hazard(cast)


def _marker(obj):
    return f"/hazards/{obj.pk}/"


def _api_marker(obj):
    return f'"id": {obj.pk},'


CREATE = {
    "anonymous": LOGIN,
    "inspector": ALLOW,
    "regulator": ALLOW,
    "unit_manager": ALLOW,
    "neighbour_inspector": HIDE,
    "other_unit_manager": HIDE,
    "duty_officer": DENY,
    "leader": DENY,
}

CASES = [
    ScopeCase(
        "record a hazard: choose the unit",
        "hazards:record_choose",
        lambda c, o: "/hazards/new/?q=测试",
        {
            "anonymous": LOGIN,
            "inspector": ALLOW,
            "regulator": ALLOW,
            "unit_manager": ALLOW,
            "duty_officer": DENY,
            "leader": DENY,
        },
    ),
    ScopeCase(
        "record a hazard: the form",
        "hazards:record",
        lambda c, o: f"/hazards/units/{c.unit.pk}/new/",
        CREATE,
    ),
    ScopeCase(
        "record a hazard: grade preview",
        "hazards:record",
        lambda c, o: f"/hazards/units/{c.unit.pk}/new/?preview=1&rule_refs=gb35181:6.5",
        CREATE,
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
        lambda c, o: "/hazards/export.xlsx",
        {
            "anonymous": LOGIN,
            "regulator": ALLOW,
            "inspector": ALLOW,
            "leader": ALLOW,
            "duty_officer": DENY,
            "unit_manager": DENY,
        },
        make=_make,
    ),
    ScopeCase("hazard page", "hazards:detail", lambda c, o: f"/hazards/{o.pk}/", READ, make=_make),
    ScopeCase(
        "hazard action (order)",
        "hazards:act",
        lambda c, o: f"/hazards/{o.pk}/order/",
        ORDER,
        make=_make,
        method="post",
        data={"due_date": "2099-01-01", "reason": "x"},
    ),
    ScopeCase(
        "unit hazard panel",
        "hazards:unit_panel",
        lambda c, o: f"/hazards/units/{c.unit.pk}/panel/",
        READ,
        make=_make,
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
    ),
    ScopeCase(
        "API: create hazard",
        "POST /api/v1/hazards",
        lambda c, o: "/api/v1/hazards",
        {
            "anonymous": LOGIN,
            "inspector": ALLOW,
            "unit_manager": ALLOW,
            "neighbour_inspector": HIDE,
            "other_unit_manager": HIDE,
            "duty_officer": DENY,
            "leader": DENY,
        },
        method="post",
        api=True,
        data=lambda c, o: {"unit_id": c.unit.pk, "description": "灭火器过期"},
        content_type="application/json",
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
    ),
]
