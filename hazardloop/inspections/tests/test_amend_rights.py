"""Only the inspection team (and the authorities above it) amend an official record: the
inspected unit's manager cannot rewrite what the inspector found."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.inspections import services
from hazardloop.inspections.models import Amendment
from hazardloop.inspections.services import amend_inspection, may_amend
from hazardloop.inspections.tests.helpers import photo
from hazardloop.testing import make_user, web_client

pytestmark = pytest.mark.django_db
CHANGE = [{"code": "B1", "result": "pass", "note": "已整改"}]


def submitted(cast, *, actor, mode="routine"):
    template = make_template(items=[item("B1", photo_on_fail=False)])
    inspection, _ = services.submit_inspection(
        {
            "client_id": str(uuid.uuid4()),
            "mode": mode,
            "answers": [{"code": "B1", "result": "fail"}],
            "signatures": [
                {"role": "inspector", "name": "甲", "photo_id": photo(cast, kind="signature").pk},
                {"role": "unit", "name": "乙", "photo_id": photo(cast, kind="signature").pk},
            ],
        },
        actor=actor,
        unit=cast.unit,
        version=template.versions.get(),
    )
    return inspection


def test_the_inspected_units_manager_cannot_amend_the_inspectors_record(cast):
    inspection = submitted(cast, actor=cast.inspector)
    assert not may_amend(cast.unit_manager, inspection)
    with pytest.raises(PermissionDenied):
        amend_inspection(inspection, actor=cast.unit_manager, reason="改一下", changes=CHANGE)
    client = web_client(cast.unit_manager)
    assert client.post(f"/inspections/{inspection.pk}/amend/", {"reason": "x"}).status_code == 403
    assert "/amend/" not in client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert not Amendment.objects.exists()


def test_the_team_and_the_authorities_above_amend(cast):
    inspection = submitted(cast, actor=cast.inspector)
    for user in (cast.inspector, cast.regulator, cast.city_regulator):
        assert may_amend(user, inspection), user
    amend_inspection(inspection, actor=cast.city_regulator, reason="复核", changes=CHANGE)
    assert Amendment.objects.get().author == cast.city_regulator


def test_nobody_amends_as_the_authority_on_their_own_unit(cast):
    inspection = submitted(cast, actor=cast.inspector)
    both = make_user("t-both", Role.REGULATOR, region="220102")
    Membership.objects.create(
        user=both, role=Role.UNIT_MANAGER, unit=cast.unit, region_id=cast.unit.region_id
    )
    assert not may_amend(both, inspection)


def test_a_unit_amends_its_own_self_inspection(cast):
    inspection = submitted(cast, actor=cast.unit_manager, mode="self_inspection")
    assert may_amend(cast.unit_manager, inspection)
    assert not may_amend(cast.other_unit_manager, inspection)
    amend_inspection(inspection, actor=cast.unit_manager, reason="补记", changes=CHANGE)
