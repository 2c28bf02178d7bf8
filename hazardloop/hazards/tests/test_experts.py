"""Assigning an expert: the picker lists only active experts whose region covers the hazard,
the expert is told, and finds the hazard on their "assigned to me" list (page and API)."""

import pytest
from django.core.exceptions import ValidationError

from hazardloop.accounts.choices import Role
from hazardloop.hazards import experts, services
from hazardloop.hazards.models import ExpertAssignment
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.notifications.models import Notification
from hazardloop.testing import api_client, make_user, web_client


@pytest.mark.django_db
def test_the_picker_lists_active_experts_whose_region_covers_the_hazard(cast):
    h = hazard(cast)
    province = make_user("expert-prov", Role.EXPERT, region="220000", display_name="王省专")
    county = make_user("expert-county", Role.EXPERT, region="220102", display_name="李区专")
    make_user("expert-neighbour", Role.EXPERT, region="220103", display_name="赵邻专")
    make_user("expert-gone", Role.EXPERT, region="220102", is_active=False)
    make_user("not-an-expert", Role.LEADER, region="220102")
    found = set(experts.candidates(h))
    assert found == {cast.expert, province, county}
    assert list(experts.candidates(h, "李")) == [county]
    picker = web_client(cast.inspector).get(f"/hazards/{h.pk}/experts/?q=专")
    body = picker.content.decode()
    assert "王省专" in body and "李区专" in body and "赵邻专" not in body
    assert web_client(cast.unit_manager).get(f"/hazards/{h.pk}/experts/").status_code == 403


@pytest.mark.django_db
def test_assigning_tells_the_expert_once_and_refuses_one_out_of_scope(
    cast, django_capture_on_commit_callbacks
):
    h = hazard(cast)
    neighbour = make_user("expert-neighbour", Role.EXPERT, region="220103")
    with pytest.raises(ValidationError):
        services.assign_expert(h, actor=cast.inspector, expert_id=neighbour.pk)
    with pytest.raises(ValidationError):
        services.assign_expert(h, actor=cast.inspector, expert_id=cast.leader.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(cast.inspector).post(
            f"/api/v1/hazards/{h.pk}/transitions",
            {"action": "assign_expert", "expert_id": cast.expert.pk},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    services.assign_expert(h, actor=cast.regulator, expert_id=cast.expert.pk)  # no change
    assert ExpertAssignment.objects.filter(hazard=h, expert=cast.expert).count() == 1
    assert h.events.filter(kind="assign_expert").count() == 1
    notes = Notification.objects.filter(recipient=cast.expert)
    assert notes.count() == 1 and notes.get().link == f"/hazards/{h.pk}/"


@pytest.mark.django_db
def test_the_page_offers_the_picker_to_those_who_may_assign(cast):
    h = hazard(cast)
    page = web_client(cast.inspector).get(f"/hazards/{h.pk}/").content.decode()
    assert 'data-testid="expert_id-search"' in page and f'value="{cast.expert.pk}"' in page
    web_client(cast.inspector).post(
        f"/hazards/{h.pk}/assign_expert/", {"version": h.version, "expert_id": cast.expert.pk}
    )
    assert ExpertAssignment.objects.filter(hazard=h, expert=cast.expert).exists()


@pytest.mark.django_db
def test_an_expert_lists_the_hazards_assigned_to_them(cast):
    mine, other = hazard(cast), hazard(cast)
    services.assign_expert(mine, actor=cast.regulator, expert_id=cast.expert.pk)
    assert list(experts.assigned_to(cast.expert)) == [mine]
    body = api_client(cast.expert).get("/api/v1/hazards?assigned=me").json()
    assert [row["id"] for row in body["items"]] == [mine.pk]
    everything = api_client(cast.expert).get("/api/v1/hazards").json()
    assert {row["id"] for row in everything["items"]} == {mine.pk, other.pk}
    page = web_client(cast.expert).get("/hazards/?assigned=me").content.decode()
    assert f"/hazards/{mine.pk}/" in page and f"/hazards/{other.pk}/" not in page
    ledger = web_client(cast.expert).get("/hazards/").content.decode()
    assert 'data-testid="assigned-link"' in ledger
