"""Writing hazards: every change goes through one of these functions.

Each is `verb_noun(obj, *, actor, ...)`, runs in one transaction, writes its HazardEvent and
audit event through `workflow.apply`, and returns the updated object. Each checks the actor's
permission itself (`workflow.check`: PermissionDenied, NotAllowedNow), never its caller;
status checks (NotAllowedNow) and concurrent changes (HazardChanged) are raised before
anything is written. Notifications go out after commit. The API and the pages run a person's
action through `workflow.perform`, which finds the service in the action table.
"""

from hazardloop.hazards.services.create import create_hazard, redetermine_unit, resolve_pending
from hazardloop.hazards.services.judging import (
    end_exclusion,
    record_determination,
    record_exclusion,
    save_rule_set,
)
from hazardloop.hazards.services.ladder import escalate, escalate_many, lapse_clocks_many
from hazardloop.hazards.services.loop import (
    advise_hazard,
    assign_expert,
    close_hazard,
    decide_extension,
    order_hazard,
    override_grade,
    request_extension,
    save_plan,
    start_rectification,
    submit_rectification,
    verify_hazard,
)
from hazardloop.hazards.workflow import HazardChanged, NotAllowedNow

__all__ = [
    "HazardChanged",
    "NotAllowedNow",
    "advise_hazard",
    "assign_expert",
    "close_hazard",
    "create_hazard",
    "decide_extension",
    "end_exclusion",
    "escalate",
    "escalate_many",
    "lapse_clocks_many",
    "order_hazard",
    "override_grade",
    "record_determination",
    "record_exclusion",
    "redetermine_unit",
    "request_extension",
    "resolve_pending",
    "save_plan",
    "save_rule_set",
    "start_rectification",
    "submit_rectification",
    "verify_hazard",
]
