"""The full role × state × action table, and the loop through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.audit.models import AuditEvent
from hazardloop.hazards import notices, services, workflow
from hazardloop.hazards.choices import Grade, Status
from hazardloop.hazards.models import ExpertAssignment, Hazard, HazardEvent, Verification
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.notifications.models import Notification
from hazardloop.testing import IMMEDIATE_TASKS, make_user

# What each role may do, whatever the status (written out, not derived from the code).
ROLE_ACTIONS = {
    "inspector": {"order", "verify", "reject", "close", "assign_expert"},
    "regulator": {
        "order",
        "verify",
        "reject",
        "close",
        "approve_extension",
        "refuse_extension",
        "override_grade",
        "assign_expert",
    },
    "unit_manager": {"start", "submit", "plan", "request_extension"},
    "assigned_expert": {"verify", "reject", "advise"},
    "expert": set(),
    "leader": set(),
    "duty_officer": set(),
}
# What each status allows, whoever acts.
OPEN_EXTRAS = {"override_grade", "assign_expert", "advise"}
STATE_ACTIONS = {
    Status.FOUND: {"order", "plan"} | OPEN_EXTRAS,
    Status.ORDERED: {"start", "plan", "request_extension", "approve_extension", "refuse_extension"}
    | OPEN_EXTRAS,
    Status.RECTIFYING: {
        "submit",
        "plan",
        "request_extension",
        "approve_extension",
        "refuse_extension",
    }
    | OPEN_EXTRAS,
    Status.SUBMITTED: {"verify", "reject"} | OPEN_EXTRAS,
    Status.VERIFIED: {"close"},
    Status.CLOSED: set(),
}
ALL_ACTIONS = sorted(set().union(*ROLE_ACTIONS.values(), *STATE_ACTIONS.values()))


def test_the_table_names_every_user_action():
    assert set(ALL_ACTIONS) == set(workflow.USER_ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(STATE_ACTIONS))
def test_role_state_action_table(cast, status):
    h = hazard(cast)
    assigned = make_user("assigned-expert", Role.EXPERT, region="220100")
    ExpertAssignment.objects.create(
        hazard=h, expert=assigned, assigned_by=cast.regulator, assigned_at=timezone.now()
    )
    Hazard.objects.filter(pk=h.pk).update(status=status, submitted_by=cast.unit_manager)
    h.refresh_from_db()
    people = {
        "inspector": cast.inspector,
        "regulator": cast.regulator,
        "unit_manager": cast.unit_manager,
        "assigned_expert": assigned,
        "expert": cast.expert,
        "leader": cast.leader,
        "duty_officer": cast.duty_officer,
    }
    wrong = []
    for role, user in people.items():
        for action in ALL_ACTIONS:
            expected = action in ROLE_ACTIONS[role] and action in STATE_ACTIONS[status]
            try:
                actual = workflow.refusal(user, action, h) is None
            except PermissionDenied:
                actual = False
                if action in ROLE_ACTIONS[role]:
                    wrong.append(f"{role} {action} @ {status}: role refused")
                    continue
            else:
                if action not in ROLE_ACTIONS[role]:
                    wrong.append(f"{role} {action} @ {status}: expected 403, got a status answer")
                    continue
            if actual != expected:
                wrong.append(f"{role} {action} @ {status}: expected {expected}, got {actual}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_other_regions_and_units_may_do_nothing(cast):
    h = hazard(cast)
    for user in (cast.neighbour_inspector, cast.neighbour_regulator, cast.other_unit_manager):
        assert workflow.available_actions(user, h) == []


@pytest.mark.django_db
def test_the_whole_loop_through_the_services(
    cast, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.TASKS = IMMEDIATE_TASKS  # the e-mail task runs at once
    cast.unit_manager.email = "unit@example.com"
    cast.unit_manager.save()
    h = hazard(cast, photo_ids=[photo(cast.inspector, cast.unit).pk])
    assert h.status == Status.FOUND and h.photos.filter(role="before").count() == 1
    due = timezone.now() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_hazard(h, actor=cast.inspector, due_at=due, measures="清理杂物")
    assert h.status == Status.ORDERED and h.original_due_at == due
    assert len(mailoutbox) == 1 and h.title in mailoutbox[0].subject
    services.start_rectification(h, actor=cast.unit_manager)
    with pytest.raises(ValidationError):
        services.submit_rectification(h, actor=cast.unit_manager, note="已清理", photo_ids=[])
    after = photo(cast.unit_manager, cast.unit)
    services.submit_rectification(h, actor=cast.unit_manager, note="已清理", photo_ids=[after.pk])
    assert h.status == Status.SUBMITTED and h.submitted_by == cast.unit_manager
    services.verify_hazard(h, actor=cast.inspector, passed=False, reason="仍有杂物")
    assert h.status == Status.RECTIFYING
    services.submit_rectification(h, actor=cast.unit_manager, note="再次清理", photo_ids=[after.pk])
    services.verify_hazard(h, actor=cast.inspector, passed=True, close=True)
    h.refresh_from_db()
    assert h.status == Status.CLOSED and h.closed_at and h.verified_at
    kinds = list(h.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "order",
        "start",
        "submit",
        "reject",
        "submit",
        "verify",
        "close",
    ]
    assert Verification.objects.filter(hazard=h).count() == 2
    # Nothing in the audit chain is missing: one event per step at least.
    from hazardloop.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action__startswith="hazard.", object_id=str(h.pk)).count() >= 8


@pytest.mark.django_db
def test_the_submitter_may_not_verify(cast):
    h = hazard(cast)
    Hazard.objects.filter(pk=h.pk).update(status=Status.RECTIFYING)
    h.refresh_from_db()
    services.submit_rectification(
        h, actor=cast.admin, note="fixed", photo_ids=[photo(cast.admin, cast.unit).pk]
    )
    with pytest.raises(services.NotAllowedNow, match="提交整改的人"):
        services.verify_hazard(h, actor=cast.admin, passed=True)
    assert h.status == Status.SUBMITTED


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_written(cast):
    h = hazard(cast)
    stale = Hazard.objects.get(pk=h.pk)
    services.order_hazard(h, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=3))
    events = HazardEvent.objects.count()
    stale.status = Status.FOUND
    with pytest.raises(services.HazardChanged):
        workflow.apply(stale, "order", actor=cast.regulator, now=timezone.now())
    assert HazardEvent.objects.count() == events


def _submitted(cast) -> Hazard:
    h = hazard(cast)
    services.order_hazard(h, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=3))
    services.start_rectification(h, actor=cast.unit_manager)
    services.submit_rectification(
        h,
        actor=cast.unit_manager,
        note="已清理",
        photo_ids=[photo(cast.unit_manager, cast.unit).pk],
    )
    return h


@pytest.mark.django_db
def test_the_verification_record_belongs_to_its_event(cast):
    """The record of a check is written with the step (on PostgreSQL in the step's own
    statement) and points at the step's event, with what the verifier gave."""
    h = _submitted(cast)
    services.verify_hazard(h, actor=cast.inspector, passed=False, reason="仍有杂物", on_site=False)
    check = Verification.objects.get(hazard=h)
    event = HazardEvent.objects.get(hazard=h, kind="reject")
    assert check.event_id == event.pk
    assert (check.result, check.note, check.on_site) == ("failed", "仍有杂物", False)
    assert (check.verifier_id, check.is_acceptance, check.due_by) == (
        cast.inspector.pk,
        False,
        None,
    )
    assert check.requested_at == h.submitted_at and check.team == []


@pytest.mark.django_db
def test_a_stale_verify_writes_no_verification_record(cast):
    """When the hazard moved on since it was read, the swap does not happen and neither its
    event nor the verification record is written."""
    h = _submitted(cast)
    stale = Hazard.objects.get(pk=h.pk)
    services.verify_hazard(h, actor=cast.inspector, passed=False, reason="仍有杂物")
    services.submit_rectification(
        h,
        actor=cast.unit_manager,
        note="再次清理",
        photo_ids=[photo(cast.unit_manager, cast.unit).pk],
    )
    events, checks = HazardEvent.objects.count(), Verification.objects.count()
    notes, audited = Notification.objects.count(), AuditEvent.objects.count()
    read = (stale.status, stale.version, stale.verified_at)
    with pytest.raises(services.HazardChanged):
        services.verify_hazard(stale, actor=cast.inspector, passed=True)
    assert (HazardEvent.objects.count(), Verification.objects.count()) == (events, checks)
    # The unit's notification went with the swap (one round trip on PostgreSQL): it rolled
    # back with it, and the object reads as it did before the attempt.
    assert (Notification.objects.count(), AuditEvent.objects.count()) == (notes, audited)
    assert (stale.status, stale.version, stale.verified_at) == read


@pytest.mark.django_db
def test_a_step_tells_the_unit_once_with_the_deadline_it_sets(cast):
    """The order's notification is built from the hazard as the order leaves it (its new
    deadline), and a verify's and a reject's each reach the unit's people once."""
    h = hazard(cast)
    due = timezone.now() + dt.timedelta(days=3)
    services.order_hazard(h, actor=cast.inspector, due_at=due)
    ordered = Notification.objects.get(recipient=cast.unit_manager, key=f"hazard:{h.pk}:ordered")
    assert ordered.params["due"] == timezone.localtime(due).strftime("%Y-%m-%d")
    assert AuditEvent.objects.filter(action="notification.sent", object_id=str(h.pk)).count() == 1
    services.start_rectification(h, actor=cast.unit_manager)
    for passed in (False, True):
        services.submit_rectification(
            h,
            actor=cast.unit_manager,
            note="已清理",
            photo_ids=[photo(cast.unit_manager, cast.unit).pk],
        )
        services.verify_hazard(h, actor=cast.inspector, passed=passed, reason="仍有杂物")
    told = Notification.objects.filter(recipient=cast.unit_manager, key__contains=":verification:")
    assert sorted(n.message for n in told) == sorted(
        [notices.MESSAGES["rejected"], notices.MESSAGES["verified"]]
    )
    assert "仍有杂物" in next(n for n in told if n.message == notices.MESSAGES["rejected"]).text


@pytest.mark.django_db
def test_fixed_on_spot_is_found_and_closed_in_one_step(cast):
    before = photo(cast.inspector, cast.unit)
    after = photo(cast.inspector, cast.unit)
    h = hazard(cast, photo_ids=[before.pk], fixed_on_spot=True, after_photo_ids=[after.pk])
    assert h.status == Status.CLOSED and h.closed_at is not None
    assert list(h.events.values_list("kind", flat=True)) == ["fixed_on_spot"]
    assert sorted(h.photos.values_list("role", flat=True)) == ["after", "before"]
    with pytest.raises(ValidationError):
        hazard(cast, fixed_on_spot=True)  # no after-photo
    with pytest.raises(ValidationError):
        hazard(
            cast,
            fixed_on_spot=True,
            after_photo_ids=[after.pk],
            rule_refs=["gb35181:6.8"],
            found_at=timezone.make_aware(dt.datetime(2022, 9, 30, 10)),
        )


@pytest.mark.django_db
def test_major_needs_a_complete_plan_and_an_acceptance_team(cast):
    h = hazard(cast, default_grade=Grade.MAJOR)
    services.order_hazard(h, actor=cast.regulator, due_at=timezone.now() + dt.timedelta(days=30))
    services.save_plan(h, actor=cast.unit_manager, parts={"targets_and_tasks": "拆除铁栅栏"})
    with pytest.raises(services.NotAllowedNow, match="六项"):
        services.start_rectification(h, actor=cast.unit_manager)
    parts = {
        "methods_and_measures": "m",
        "funds_and_materials": "f",
        "organisation_and_people": "o",
        "time_limit_and_requirements": "t",
        "safety_and_contingency": "s",
    }
    services.save_plan(h, actor=cast.unit_manager, parts=parts)
    services.start_rectification(h, actor=cast.unit_manager)
    services.submit_rectification(
        h, actor=cast.unit_manager, note="done", photo_ids=[photo(cast.unit_manager, cast.unit).pk]
    )
    with pytest.raises(ValidationError):
        services.verify_hazard(h, actor=cast.regulator, passed=True, team=["张三"])
    services.verify_hazard(
        h, actor=cast.regulator, passed=True, team=["张三", {"name": "李四", "role": "专家"}]
    )
    check = Verification.objects.get(hazard=h)
    assert check.is_acceptance and len(check.team) == 2
    assert check.due_by == h.submitted_at + dt.timedelta(days=10)


@pytest.mark.django_db
def test_extensions_keep_the_original_deadline(cast):
    h = hazard(cast)
    first = timezone.now() + dt.timedelta(days=5)
    services.order_hazard(h, actor=cast.inspector, due_at=first)
    later = first + dt.timedelta(days=10)
    services.request_extension(h, actor=cast.unit_manager, reason="材料未到", proposed_due_at=later)
    with pytest.raises(services.NotAllowedNow):
        services.request_extension(
            h, actor=cast.unit_manager, reason="again", proposed_due_at=later
        )
    with pytest.raises(PermissionDenied):
        services.decide_extension(h, actor=cast.inspector, approve=True)
    request = services.decide_extension(h, actor=cast.regulator, approve=True)
    h.refresh_from_db()
    assert request.status == "approved" and h.due_at == later and h.original_due_at == first
    services.request_extension(
        h, actor=cast.unit_manager, reason="again", proposed_due_at=later + dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        services.decide_extension(h, actor=cast.regulator, approve=False, reason="")
    refused = services.decide_extension(h, actor=cast.regulator, approve=False, reason="不批准")
    h.refresh_from_db()
    assert refused.status == "refused" and h.due_at == later


@pytest.mark.django_db
def test_escalate_moves_up_once_and_never_down(cast):
    h = hazard(cast)
    now = timezone.now()
    services.escalate(h, rung="letter", now=now, reason="逾期")
    services.escalate(h, rung="letter", now=now)
    services.escalate(h, rung="reminded", now=now)
    services.escalate(h, rung="listed", now=now, listed_level="city")
    h.refresh_from_db()
    assert h.supervision_level == "listed" and h.listed_level == "city"
    assert h.events.filter(kind="supervision").count() == 2
    stale = Hazard.objects.get(pk=h.pk)
    stale.supervision_level = "none"
    stale.version -= 1  # an old read: the CAS fails, the row is read again, nothing moves down
    services.escalate(stale, rung="letter", now=now)
    assert h.events.filter(kind="supervision").count() == 2


@pytest.mark.django_db
def test_escalate_many_moves_the_open_ones_up_with_one_audit_event_each(cast):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from hazardloop.audit.models import AuditEvent

    now = timezone.now()
    a, b, done, higher = (hazard(cast) for _ in range(4))
    Hazard.objects.filter(pk=done.pk).update(status="closed")
    services.escalate(higher, rung="accountability", now=now)
    audit = AuditEvent.objects.count()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        moved = services.escalate_many(
            [a, b, done, higher],
            rung="listed",
            now=now,
            reason="逾期",
            data_for=lambda h: {"days_overdue": 20},
            listed_levels={a.pk: "city", b.pk: "county"},
        )
    assert sorted(h.pk for h in moved) == sorted([a.pk, b.pk])
    for h in (a, b, done, higher):
        h.refresh_from_db()
    assert (a.supervision_level, a.listed_level) == ("listed", "city")
    assert (b.supervision_level, b.listed_level) == ("listed", "county")
    assert done.supervision_level == "none" and higher.supervision_level == "accountability"
    event = a.events.get(kind="supervision")
    assert event.data == {"from": "none", "rung": "listed", "days_overdue": 20}
    rows = AuditEvent.objects.filter(action="hazard.supervision").order_by("-seq")[:2]
    assert AuditEvent.objects.count() == audit + 2
    assert sorted(r.object_id for r in rows) == sorted([str(a.pk), str(b.pk)])
    # lock + 2 updates (two listing levels) + events + the audit chain (3): not per hazard
    assert len(queries) <= 9
    assert services.escalate_many([a, b], rung="listed", now=now) == []


@pytest.mark.django_db
def test_override_grade_keeps_the_computed_reason(cast):
    h = hazard(cast)
    with pytest.raises(ValidationError):
        services.override_grade(h, actor=cast.regulator, grade="major", reason=" ")
    services.override_grade(h, actor=cast.regulator, grade="major", reason="人员密集，整改难度大")
    h.refresh_from_db()
    assert h.grade == "major" and h.grade_overridden
    event = h.events.get(kind="override_grade")
    assert event.data["computed_reason"] == "general: checklist default"
