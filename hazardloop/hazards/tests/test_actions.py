"""The one action table: every user action runs through `workflow.perform` into its service,
which checks the permission itself; the API body is one schema per action; a workflow step
keeps its query budget."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.api.router import api
from hazardloop.hazards import workflow
from hazardloop.hazards.choices import ExtensionStatus, Status
from hazardloop.hazards.models import ExpertAssignment, ExtensionRequest, Hazard
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.hazards.tests.test_workflow import ROLE_ACTIONS, STATE_ACTIONS
from hazardloop.testing import api_client, make_user, web_client

# "verify_close" is verify with "close at once": the close permission on top of verify's.
ROLES = {
    **ROLE_ACTIONS,
    "inspector": ROLE_ACTIONS["inspector"] | {"verify_close"},
    "regulator": ROLE_ACTIONS["regulator"] | {"verify_close"},
}
STATES = {
    **STATE_ACTIONS,
    Status.SUBMITTED: STATE_ACTIONS[Status.SUBMITTED] | {"verify_close"},
}
TRIED = sorted(set(workflow.USER_ACTIONS) | {"verify_close"})


def _payload(name: str, cast, after_photo) -> dict:
    far = (timezone.now() + dt.timedelta(days=400)).isoformat()
    return {
        "order": {"due_at": far},
        "plan": {"parts": {"targets_and_tasks": "拆除"}},
        "start": {},
        "submit": {"note": "已整改", "photo_ids": [after_photo.pk]},
        "verify": {},
        "verify_close": {"close": True},
        "reject": {"reason": "仍有杂物"},
        "close": {},
        "request_extension": {"reason": "材料未到", "proposed_due_at": far},
        "approve_extension": {},
        "refuse_extension": {"reason": "不批准"},
        "override_grade": {"grade": "major", "reason": "人员密集"},
        "assign_expert": {"expert_id": cast.expert.pk},
        "advise": {"text": "建议加装喷淋"},
    }[name]


def _pending_extension(h, cast):
    ExtensionRequest.objects.create(
        hazard=h,
        requested_by=cast.unit_manager,
        requested_at=timezone.now(),
        reason="r",
        proposed_due_at=timezone.now() + dt.timedelta(days=300),
        status=ExtensionStatus.PENDING,
    )


def test_every_user_action_names_its_schema_and_service():
    from hazardloop.hazards import services

    for name in workflow.USER_ACTIONS:
        spec = workflow.ACTIONS[name]
        assert spec.schema is not None, name
        assert spec.schema.model_fields["action"].annotation.__args__ == (name,)
        assert callable(getattr(services, spec.service)), name


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(STATES))
def test_every_action_through_the_services_for_every_role(cast, status):
    """Role × state × action, run for real: only what the table allows changes anything."""
    h = hazard(cast)
    assigned = make_user("assigned-expert", Role.EXPERT, region="220100")
    ExpertAssignment.objects.create(
        hazard=h, expert=assigned, assigned_by=cast.regulator, assigned_at=timezone.now()
    )
    Hazard.objects.filter(pk=h.pk).update(status=status, submitted_by=cast.unit_manager)
    after = photo(cast.unit_manager, cast.unit)
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
        for name in TRIED:
            action = "verify" if name == "verify_close" else name
            spec = workflow.ACTIONS[action]
            payload = spec.schema(action=action, **_payload(name, cast, after))
            expected = name in ROLES[role] and name in STATES[status]
            fresh = Hazard.objects.select_related("unit").get(pk=h.pk)
            version = fresh.version
            with transaction.atomic():
                if name in ("approve_extension", "refuse_extension"):
                    _pending_extension(h, cast)
                try:
                    workflow.perform(fresh, payload, actor=user)
                    outcome = "done"
                except PermissionDenied:
                    outcome = "403"
                except workflow.NotAllowedNow:
                    outcome = "409"
                moved = Hazard.objects.get(pk=h.pk).version != version
                transaction.set_rollback(True)
            if expected and outcome != "done":
                wrong.append(f"{role} {name} @ {status}: refused ({outcome})")
            if not expected and outcome == "done":
                wrong.append(f"{role} {name} @ {status}: allowed")
            if name not in ROLES[role] and outcome != "403":
                wrong.append(f"{role} {name} @ {status}: expected 403, got {outcome}")
            if outcome != "done" and moved:
                wrong.append(f"{role} {name} @ {status}: refused but the hazard changed")
    assert not wrong, "\n".join(wrong)


def test_the_transitions_body_is_one_schema_per_action_in_openapi():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    body = schema["paths"]["/api/v1/hazards/{hazard_id}/transitions"]["post"]["requestBody"]
    body = body["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "action"
    assert set(body["discriminator"]["mapping"]) == set(workflow.USER_ACTIONS)
    order = schema["components"]["schemas"]["OrderIn"]["properties"]
    assert {"due_at", "measures", "responsible_person", "version"} <= set(order)
    assert "close" in schema["components"]["schemas"]["VerifyIn"]["properties"]
    assert "close" not in schema["components"]["schemas"]["RejectIn"]["properties"]


@pytest.mark.django_db
def test_a_body_of_another_action_is_refused_with_field_errors(cast):
    h = hazard(cast)
    client = api_client(cast.inspector)
    url = f"/api/v1/hazards/{h.pk}/transitions"
    naive = client.post(
        url, {"action": "order", "due_at": "2099-06-01T18:00:00"}, content_type="application/json"
    )
    assert naive.status_code == 422 and naive.json()["code"] == "invalid"
    missing = client.post(url, {"action": "reject"}, content_type="application/json")
    assert missing.status_code == 422
    assert any(e["field"].endswith("reason") for e in missing.json()["errors"])
    assert Hazard.objects.get(pk=h.pk).status == Status.FOUND


@pytest.mark.django_db
def test_a_denied_role_gets_403_from_the_service_on_the_page_and_the_api(cast):
    h = hazard(cast)
    page = web_client(cast.leader).post(f"/hazards/{h.pk}/order/", {"due_at": "2099-01-01"})
    assert page.status_code == 403
    call = api_client(cast.unit_manager).post(
        f"/api/v1/hazards/{h.pk}/transitions", {"action": "order"}, content_type="application/json"
    )
    assert call.status_code == 403 and call.json()["code"] == "permission_denied"
    assert Hazard.objects.get(pk=h.pk).status == Status.FOUND


@pytest.mark.django_db
def test_page_refusals_are_messages(cast):
    h = hazard(cast)
    client = web_client(cast.inspector)
    response = client.post(f"/hazards/{h.pk}/close/", {"version": h.version}, follow=True)
    assert "不能执行此操作" in response.content.decode()  # NotAllowedNow, as a message
    response = client.post(f"/hazards/{h.pk}/fly/", {})
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_workflow_step_keeps_its_query_budget(
    cast, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Measured before the action table (2026-12-04): API order 19 queries, page order 21.
    2026-12-05 (audit events of a step written together, the notification in one INSERT … ON
    CONFLICT … RETURNING): API order 13 on SQLite, 11 on PostgreSQL (it was 15); page order
    16 on SQLite, 14 on PostgreSQL."""
    h = hazard(cast)
    client = api_client(cast.inspector)
    client.get("/api/v1/auth/me")
    with django_assert_max_num_queries(13):
        response = client.post(
            f"/api/v1/hazards/{h.pk}/transitions",
            {"action": "order", "due_at": "2099-06-01T18:00:00+08:00"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    other = hazard(cast)
    page = web_client(cast.inspector)
    with django_assert_max_num_queries(16):
        page.post(f"/hazards/{other.pk}/order/", {"version": other.version, "due_at": "2099-01-01"})
    assert Hazard.objects.get(pk=other.pk).status == Status.ORDERED


@pytest.mark.django_db
def test_the_ladders_batches_write_through_the_kernel(cast, monkeypatch):
    """escalate_many and lapse_clocks_many lock and choose; workflow.apply_many writes."""
    from hazardloop.hazards import services
    from hazardloop.hazards.services import ladder

    calls = []
    real = workflow.apply_many
    monkeypatch.setattr(
        ladder,
        "apply_many",
        lambda action, rows, **kw: calls.append(action) or real(action, rows, **kw),
    )
    h = hazard(cast)
    with transaction.atomic():
        moved = services.escalate_many([h], rung="letter", now=timezone.now())
    assert calls == ["supervision"] and moved == [h]
    assert Hazard.objects.get(pk=h.pk).supervision_level == "letter"
    with pytest.raises(ValueError):
        workflow.apply_many("order", [], now=timezone.now())  # a person's action: apply() only
