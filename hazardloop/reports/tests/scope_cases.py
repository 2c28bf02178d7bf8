from hazardloop.audit.services import record_event
from hazardloop.testing import ALLOW, DENY, ScopeCase, everyone

# The audit log is for administrators only: every other signed-in user is refused.
ADMIN_ONLY = {**everyone(DENY), "admin": ALLOW}


def _event(cast):
    return record_event(
        "unit.updated",
        actor=cast.regulator,
        obj=cast.unit,
        before={"name": "旧"},
        after={"name": "新"},
    )


CASES = [
    ScopeCase(
        "the old overview's address leads to the workbench",
        "reports:home",
        lambda c, o: "/overview/",
        everyone(ALLOW),
        redirect=lambda c, o: "/",
    ),
    ScopeCase(
        "audit log is for administrators",
        "audit:list",
        lambda c, o: "/audit/",
        ADMIN_ONLY,
        make=_event,
        marker=lambda o: f"/audit/{o.seq}/",
    ),
    ScopeCase(
        "an audit event's page is for administrators",
        "audit:event",
        lambda c, o: f"/audit/{o.seq}/",
        ADMIN_ONLY,
        make=_event,
        marker=lambda o: o.action,
    ),
]

from hazardloop.reports.tests.stats_scope_cases import CASES as STATS_CASES  # noqa: E402

CASES += STATS_CASES
