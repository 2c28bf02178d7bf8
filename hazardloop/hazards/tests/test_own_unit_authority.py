"""Nobody acts as the authority on a unit they belong to: a regulator who also manages the
restaurant cannot order, verify, close or extend its hazards; refusals are audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.audit.models import AuditEvent
from hazardloop.hazards import services
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(cast):
    """A county regulator who is also a manager of the cast's unit."""
    user = make_user("t-reg-and-unit", Role.REGULATOR, region="220102")
    Membership.objects.create(
        user=user, role=Role.UNIT_MANAGER, unit=cast.unit, region_id=cast.unit.region_id
    )
    return user


def test_a_regulator_of_the_unit_cannot_extend_its_deadline(cast, both):
    h = hazard(cast)
    services.order_hazard(h, actor=cast.regulator, due_at=timezone.now() + dt.timedelta(days=5))
    services.request_extension(
        h,
        actor=both,
        reason="设备到货延迟",
        proposed_due_at=timezone.now() + dt.timedelta(days=365),
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(h, actor=both, approve=True, reason="同意")
    assert AuditEvent.objects.filter(action="access.denied", actor=both).exists()
    h.refresh_from_db()
    assert h.due_at < timezone.now() + dt.timedelta(days=6)
    services.decide_extension(h, actor=cast.regulator, approve=False, reason="理由不充分")


def test_nor_order_or_override_its_grade(cast, both):
    h = hazard(cast)
    with pytest.raises(PermissionDenied):
        services.order_hazard(h, actor=both, due_at=timezone.now() + dt.timedelta(days=5))
    with pytest.raises(PermissionDenied):
        services.override_grade(h, actor=both, grade="general", reason="x")
    # the unit's own actions stay open to them
    services.save_plan(h, actor=both, parts={"goal": "更换灭火器"})
