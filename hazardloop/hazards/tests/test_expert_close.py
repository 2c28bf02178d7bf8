"""An assigned expert may verify a rectification but never close (销号) the hazard: not through
the service, not through the page, not through the API, and the page does not offer it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.hazards import services
from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import ExpertAssignment, Hazard
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import api_client, make_user, web_client


def _submitted(cast):
    h = hazard(cast)
    expert = make_user(role=Role.EXPERT, region="220100")
    ExpertAssignment.objects.create(
        hazard=h, expert=expert, assigned_by=cast.regulator, assigned_at=timezone.now()
    )
    Hazard.objects.filter(pk=h.pk).update(status=Status.SUBMITTED, submitted_by=cast.unit_manager)
    h.refresh_from_db()
    return h, expert


def _unchanged(h):
    fresh = Hazard.objects.get(pk=h.pk)
    assert fresh.status == Status.SUBMITTED and fresh.closed_at is None
    assert not fresh.events.filter(kind__in=["verify", "close"]).exists()


@pytest.mark.django_db
def test_service_refuses_an_experts_close_and_writes_nothing(cast):
    h, expert = _submitted(cast)
    with pytest.raises(PermissionDenied):
        services.verify_hazard(h, actor=expert, passed=True, close=True)
    _unchanged(h)
    # Verifying without closing is the expert's to do.
    services.verify_hazard(h, actor=expert, passed=True)
    assert Hazard.objects.get(pk=h.pk).status == Status.VERIFIED


@pytest.mark.django_db
def test_page_neither_offers_nor_accepts_an_experts_close(cast):
    h, expert = _submitted(cast)
    client = web_client(expert)
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert 'data-testid="do-verify"' in page and 'name="close"' not in page
    response = client.post(f"/hazards/{h.pk}/verify/", {"version": h.version, "close": "on"})
    assert response.status_code == 403
    _unchanged(h)


@pytest.mark.django_db
def test_page_offers_close_at_once_unticked_to_an_inspector(cast):
    h, _expert = _submitted(cast)
    page = web_client(cast.inspector).get(f"/hazards/{h.pk}/").content.decode()
    box = page[page.index('name="close"') - 80 : page.index('name="close"') + 60]
    assert "checked" not in box
    web_client(cast.inspector).post(
        f"/hazards/{h.pk}/verify/", {"version": h.version, "close": "on", "on_site": "on"}
    )
    assert Hazard.objects.get(pk=h.pk).status == Status.CLOSED


@pytest.mark.django_db
def test_api_refuses_an_experts_close(cast):
    h, expert = _submitted(cast)
    response = api_client(expert).post(
        f"/api/v1/hazards/{h.pk}/transitions",
        {"action": "verify", "close": True},
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    _unchanged(h)
