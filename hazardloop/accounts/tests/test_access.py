import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hazardloop.accounts.access import (
    Scope,
    get_in_scope_or_404,
    has_perm_anywhere,
    require,
    roles_of,
    scope_for,
)
from hazardloop.accounts.permissions import ROLE_PERMISSIONS, role_has
from hazardloop.audit.models import AuditEvent
from hazardloop.testing import make_unit, make_user
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


def visible(user):
    return set(scope_for(user, "unit.view").filter(Unit.objects.all(), "region", "pk"))


def test_region_scope_covers_the_subtree(cast):
    jilin_city = make_unit("220204")
    assert visible(cast.province_regulator) >= {cast.unit, cast.neighbour_unit, jilin_city}
    assert visible(cast.city_regulator) == {cast.unit, cast.other_unit, cast.neighbour_unit}
    assert visible(cast.inspector) == {cast.unit, cast.other_unit}
    assert visible(cast.neighbour_inspector) == {cast.neighbour_unit}


def test_unit_users_see_only_their_unit(cast):
    assert visible(cast.unit_manager) == {cast.unit}
    assert visible(cast.other_unit_manager) == {cast.other_unit}


def test_admin_sees_everything(cast):
    assert scope_for(cast.admin, "audit.view").everything
    assert visible(cast.admin) == set(Unit.objects.all())


def test_roles_without_the_permission_get_an_empty_scope(cast):
    assert scope_for(cast.duty_officer, "unit.edit").is_empty
    assert not has_perm_anywhere(cast.regulator, "audit.view")
    assert roles_of(cast.admin) == {"admin"}


def test_nested_prefixes_collapse(reference_data):
    user = make_user(None, "regulator", region="220100")
    from hazardloop.accounts.models import Membership
    from hazardloop.testing import make_department

    Membership.objects.create(
        user=user, role="inspector", department=make_department("220102"), region_id="220102"
    )
    user = type(user).objects.get(pk=user.pk)
    assert scope_for(user, "unit.view").prefixes == ("2201",)


def test_scope_covers():
    scope = Scope(prefixes=("2201",), unit_ids=(7,))
    assert scope.covers("220102")
    assert not scope.covers("220204")
    assert scope.covers("220204", unit_id=7)
    assert not scope.covers_region("220204")
    assert Scope().is_empty and not Scope(everything=True).is_empty


def test_out_of_scope_is_404_and_audited(cast):
    with pytest.raises(Http404):
        get_in_scope_or_404(
            cast.neighbour_inspector,
            Unit.objects.all(),
            perm="unit.view",
            unit_field="pk",
            pk=cast.unit.pk,
        )
    event = AuditEvent.objects.get(action="access.out_of_scope")
    assert event.actor == cast.neighbour_inspector and event.object_id == str(cast.unit.pk)
    # missing rows are 404 too, and not audited as an attempt on a real row
    with pytest.raises(Http404):
        get_in_scope_or_404(
            cast.neighbour_inspector, Unit.objects.all(), perm="unit.view", unit_field="pk", pk=0
        )
    with pytest.raises(Http404):
        get_in_scope_or_404(
            cast.neighbour_inspector, Unit.objects.all(), perm="unit.view", pk="not-a-number"
        )
    assert AuditEvent.objects.filter(action="access.out_of_scope").count() == 1


def test_in_scope_row_is_returned(cast):
    unit = get_in_scope_or_404(
        cast.unit_manager, Unit.objects.all(), perm="unit.view", unit_field="pk", pk=cast.unit.pk
    )
    assert unit == cast.unit


def test_require_refuses_and_audits(cast):
    require(cast.regulator, "unit.edit", region_code="220102")
    with pytest.raises(PermissionDenied):
        require(cast.duty_officer, "unit.edit", region_code="220102", obj=cast.unit)
    assert AuditEvent.objects.filter(action="access.denied", actor=cast.duty_officer).exists()


def test_permission_table_is_consistent():
    assert role_has("admin", "audit.view")
    assert not role_has("regulator", "audit.view")
    assert not role_has("duty_officer", "unit.edit")
    assert role_has("unit_manager", "hazard.rectify")
    assert not role_has("unit_manager", "hazard.verify")
    assert set(ROLE_PERMISSIONS) == {
        "admin",
        "regulator",
        "inspector",
        "expert",
        "leader",
        "duty_officer",
        "unit_manager",
        "unit_safety_officer",
    }
    with pytest.raises(KeyError):
        role_has("regulator", "no.such.permission")
