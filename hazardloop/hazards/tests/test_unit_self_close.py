"""The unit closes its own general hazards (workflow.UNIT_SELF_CLOSE): a general hazard the
unit found itself is ordered, verified and closed by its own people — never by the one who
submitted the rectification; a major one, or one the authorities found, goes to the regulator."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.hazards import services, workflow
from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.hazards.tests.test_workflow import ALL_ACTIONS, STATE_ACTIONS
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db

# What the unit's people may do on their own general self-found hazard, whatever the status:
# the unit's usual actions plus the self-close rule.
OWN_GENERAL = {"start", "submit", "plan", "request_extension", "order", "verify", "reject", "close"}
UNIT_USUAL = {"start", "submit", "plan", "request_extension"}


@pytest.fixture
def colleague(cast):
    return make_user("t-unit-safety", Role.UNIT_SAFETY_OFFICER, unit=cast.unit)


def _own(cast, **fields):
    return hazard(cast, actor=cast.unit_manager, source="self_inspection", **fields)


@pytest.mark.parametrize("status", list(STATE_ACTIONS))
@pytest.mark.parametrize(
    ("source", "grade", "allowed"),
    [
        ("self_inspection", "general", OWN_GENERAL),
        ("self_inspection", "major", UNIT_USUAL),
        ("inspection", "general", UNIT_USUAL),
    ],
)
def test_unit_role_state_action_table(cast, colleague, status, source, grade, allowed):
    h = hazard(cast, actor=cast.unit_manager if source == "self_inspection" else cast.inspector,
               source=source)  # fmt: skip
    Hazard.objects.filter(pk=h.pk).update(
        status=status, grade=grade, submitted_by=cast.unit_manager
    )
    h.refresh_from_db()
    wrong = []
    for action in ALL_ACTIONS:
        expected = action in allowed and action in STATE_ACTIONS[status]
        try:
            actual = workflow.refusal(colleague, action, h) is None
        except PermissionDenied:
            if action in allowed:
                wrong.append(f"{action} @ {status}: role refused")
            continue
        if action not in allowed:
            wrong.append(f"{action} @ {status}: expected 403, got a status answer")
        elif actual != expected:
            wrong.append(f"{action} @ {status}: expected {expected}, got {actual}")
    assert not wrong, "\n".join(wrong)


def test_the_rectifier_may_not_verify_or_close_another_unit_person_may(cast, colleague):
    h = _own(cast)
    assert h.grade == "general" and h.status == Status.FOUND
    services.order_hazard(h, actor=colleague, due_at=timezone.now() + dt.timedelta(days=3))
    services.start_rectification(h, actor=cast.unit_manager)
    services.submit_rectification(
        h,
        actor=cast.unit_manager,
        note="纸箱已清走",
        photo_ids=[photo(cast.unit_manager, cast.unit).pk],
    )
    h.refresh_from_db()
    assert workflow.refusal(cast.unit_manager, "verify", h)  # the rectifier: refused
    with pytest.raises(workflow.NotAllowedNow):
        services.verify_hazard(h, actor=cast.unit_manager, passed=True)
    services.verify_hazard(
        h, actor=colleague, passed=True, photo_ids=[photo(colleague, cast.unit).pk]
    )
    h.refresh_from_db()
    assert h.status == Status.VERIFIED
    assert workflow.refusal(cast.unit_manager, "close", h)  # nor close it
    services.close_hazard(h, actor=colleague)
    h.refresh_from_db()
    assert h.status == Status.CLOSED


def test_a_major_self_found_hazard_goes_to_the_regulator(cast, colleague):
    h = _own(cast)
    Hazard.objects.filter(pk=h.pk).update(grade="major", status=Status.SUBMITTED,
                                          submitted_by=cast.unit_manager)  # fmt: skip
    h.refresh_from_db()
    with pytest.raises(PermissionDenied):
        workflow.check(colleague, "verify", h)
    assert workflow.refusal(cast.regulator, "verify", h) is None


def test_another_units_people_may_not(cast):
    h = _own(cast)
    with pytest.raises(PermissionDenied):
        workflow.refusal(cast.other_unit_manager, "order", h)
