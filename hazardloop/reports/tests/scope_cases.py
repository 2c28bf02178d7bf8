from hazardloop.audit.services import record_event
from hazardloop.testing import ALLOW, DENY, LOGIN, ScopeCase

CASES = [
    ScopeCase(
        "overview",
        "reports:home",
        lambda c, o: "/",
        {
            "anonymous": LOGIN,
            "admin": ALLOW,
            "neighbour_inspector": ALLOW,
            "duty_officer": ALLOW,
            "unit_manager": ALLOW,
        },
    ),
    ScopeCase(
        "audit log is for administrators",
        "audit:list",
        lambda c, o: "/audit/",
        {
            "anonymous": LOGIN,
            "admin": ALLOW,
            "province_regulator": DENY,
            "regulator": DENY,
            "duty_officer": DENY,
            "unit_manager": DENY,
        },
    ),
    ScopeCase(
        "an audit event's page is for administrators",
        "audit:event",
        lambda c, o: f"/audit/{o.seq}/",
        {
            "anonymous": LOGIN,
            "admin": ALLOW,
            "province_regulator": DENY,
            "regulator": DENY,
            "unit_manager": DENY,
        },
        make=lambda c: record_event(
            "unit.updated",
            actor=c.regulator,
            obj=c.unit,
            before={"name": "旧"},
            after={"name": "新"},
        ),
    ),
]

from hazardloop.reports.tests.stats_scope_cases import CASES as STATS_CASES  # noqa: E402

CASES += STATS_CASES
