"""Managing people: the role order, granting in scope only, temporary passwords that must be
changed, one-time links, deactivation that ends tokens and sessions, all audited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import ApiToken, Membership, User
from hazardloop.accounts.people import (
    Grant,
    OutsideScope,
    OwnAccount,
    RoleAboveYours,
    check_grant,
    people_visible_to,
    resolve_grant,
)
from hazardloop.accounts.people_services import (
    InvalidPerson,
    PersonData,
    UsernameTaken,
    create_person,
    end_membership,
    reset_password,
    set_active,
    set_memberships,
)
from hazardloop.accounts.permissions import ROLE_RANK, may_grant_role
from hazardloop.accounts.services import create_api_token
from hazardloop.audit.models import AuditEvent
from hazardloop.core.errors import DomainError
from hazardloop.regions.models import Region
from hazardloop.testing import make_unit, web_client

pytestmark = pytest.mark.django_db

# Every (granter, role) pair: may a membership of the granter's role grant the role (place
# aside)? Only roles that manage accounts grant anything; none grants above itself.
A, R, IN, E, L, D, UM, US = (
    "admin",
    "regulator",
    "inspector",
    "expert",
    "leader",
    "duty_officer",
    "unit_manager",
    "unit_safety_officer",
)
MAY_GRANT = {
    A: {A, R, IN, E, L, D, UM, US},
    R: {R, IN, E, L, D, UM, US},
    IN: set(),
    E: set(),
    L: set(),
    D: set(),
    UM: {UM, US},
    US: set(),
}


@pytest.mark.parametrize("granter", list(Role.values))
@pytest.mark.parametrize("role", list(Role.values))
def test_role_order_every_pair(granter, role):
    assert may_grant_role(granter, role) is (role in MAY_GRANT[granter])


def test_the_order_names_every_role_once():
    assert set(ROLE_RANK) == set(Role.values) == set(MAY_GRANT)


def _region(code):
    return Region.objects.get(code=code)


def test_a_regulator_grants_only_in_their_scope_and_never_above_their_role(cast):
    check_grant(cast.regulator, Grant(Role.INSPECTOR, region=_region("220102")))
    check_grant(cast.regulator, Grant(Role.REGULATOR, region=_region("220102")))
    check_grant(cast.regulator, Grant(Role.UNIT_MANAGER, unit=cast.unit))
    with pytest.raises(OutsideScope):
        check_grant(cast.regulator, Grant(Role.INSPECTOR, region=_region("220103")))
    with pytest.raises(OutsideScope):  # the city above them
        check_grant(cast.regulator, Grant(Role.INSPECTOR, region=_region("220100")))
    with pytest.raises(OutsideScope):
        check_grant(cast.regulator, Grant(Role.UNIT_MANAGER, unit=cast.neighbour_unit))
    with pytest.raises(RoleAboveYours):
        check_grant(cast.province_regulator, Grant(Role.ADMIN, region=_region("220000")))
    check_grant(cast.admin, Grant(Role.ADMIN, region=_region("220000")))


def test_a_unit_manager_grants_only_their_own_units_staff_roles(cast):
    check_grant(cast.unit_manager, Grant(Role.UNIT_SAFETY_OFFICER, unit=cast.unit))
    check_grant(cast.unit_manager, Grant(Role.UNIT_MANAGER, unit=cast.unit))
    with pytest.raises(OutsideScope):
        check_grant(cast.unit_manager, Grant(Role.UNIT_SAFETY_OFFICER, unit=cast.other_unit))
    with pytest.raises(OutsideScope):
        check_grant(cast.unit_manager, Grant(Role.INSPECTOR, region=_region("220102")))
    with pytest.raises(OutsideScope):  # the picker offers them no region at all
        resolve_grant(cast.unit_manager, Role.DUTY_OFFICER, region_code="220102")


@pytest.mark.parametrize(
    "member", ["inspector", "duty_officer", "expert", "leader", "neighbour_inspector"]
)
def test_roles_that_manage_no_accounts_grant_nothing(cast, member):
    user = getattr(cast, member)
    with pytest.raises((OutsideScope, RoleAboveYours)):
        check_grant(user, Grant(Role.UNIT_SAFETY_OFFICER, unit=cast.unit))
    assert not people_visible_to(user).exists()


def test_resolving_refuses_a_place_of_the_wrong_kind(cast):
    with pytest.raises(DomainError):
        resolve_grant(cast.regulator, Role.UNIT_MANAGER, region_code="220102")
    with pytest.raises(DomainError):
        resolve_grant(cast.regulator, Role.INSPECTOR, unit_id=cast.unit.pk)
    with pytest.raises(OutsideScope):  # a unit that does not exist looks like one outside
        resolve_grant(cast.regulator, Role.UNIT_MANAGER, unit_id=10**9)


def test_create_a_person_with_a_temporary_password(cast):
    grant = resolve_grant(cast.regulator, Role.INSPECTOR, region_code="220102")
    user, temporary = create_person(
        PersonData(" li.si ", "李四", "138 1234 5678", None, [grant]), actor=cast.regulator
    )
    assert user.username == "li.si" and user.phone == "13812345678"
    assert user.must_change_password and user.check_password(temporary)
    assert len(temporary) == 19
    assert Membership.objects.get(user=user).role == Role.INSPECTOR
    event = AuditEvent.objects.get(action="account.created", object_id=str(user.pk))
    assert event.actor == cast.regulator and "李四" in str(event.after)
    with pytest.raises(UsernameTaken):
        create_person(PersonData("LI.SI", "", "", None, [grant]), actor=cast.regulator)


@pytest.mark.parametrize("password", ["hazardloop-demo", "short1", "12345678901234", "password123"])
def test_a_chosen_password_passes_the_projects_validators(cast, password):
    grant = resolve_grant(cast.regulator, Role.INSPECTOR, region_code="220102")
    with pytest.raises(InvalidPerson):
        create_person(PersonData("zhang", "", "", password, [grant]), actor=cast.regulator)
    assert not User.objects.filter(username="zhang").exists()


def test_bad_fields_are_refused_with_every_problem_named(cast):
    grant = resolve_grant(cast.regulator, Role.INSPECTOR, region_code="220102")
    with pytest.raises(InvalidPerson) as refused:
        create_person(
            PersonData("has space", "名" * 101, "12345", None, [grant]), actor=cast.regulator
        )
    assert len(refused.value.errors) == 3
    with pytest.raises(InvalidPerson):
        create_person(PersonData("nobody", "", "", None, []), actor=cast.regulator)


def _staff(cast, username="staff"):
    grant = resolve_grant(cast.unit_manager, Role.UNIT_SAFETY_OFFICER, unit_id=cast.unit.pk)
    return create_person(PersonData(username, "", "", None, [grant]), actor=cast.unit_manager)[0]


def test_deactivation_revokes_tokens_and_sessions_and_keeps_the_person(cast):
    person = _staff(cast)
    person.must_change_password = False
    person.save()
    token, _raw = create_api_token(person, actor=person)
    session = web_client(person)
    assert session.get("/account/").status_code == 200
    set_active(person, actor=cast.regulator, active=False)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert session.get("/account/").status_code == 302  # signed out
    assert Client().post("/login/", {"username": "staff", "password": "x"}).status_code == 400
    assert User.objects.filter(pk=person.pk, is_active=False).exists()
    assert AuditEvent.objects.filter(action="account.deactivated", object_id=str(person.pk))
    set_active(person, actor=cast.regulator, active=True)
    assert User.objects.get(pk=person.pk).is_active


def test_nobody_manages_their_own_account_or_a_person_above_them(cast):
    with pytest.raises(OwnAccount):
        set_active(cast.regulator, actor=cast.regulator, active=False)
    with pytest.raises(PermissionDenied):  # the city regulator holds a role above Nanguan's
        reset_password(cast.city_regulator, actor=cast.regulator, method="temporary")
    with pytest.raises(PermissionDenied):  # an administrator
        set_active(cast.admin, actor=cast.province_regulator, active=False)
    # A unit manager manages their unit's staff, not another unit's manager.
    with pytest.raises(PermissionDenied):
        reset_password(cast.other_unit_manager, actor=cast.unit_manager, method="temporary")


def test_a_temporary_password_reset_ends_tokens_and_must_be_changed(cast):
    person = _staff(cast)
    token, _raw = create_api_token(person, actor=person)
    temporary = reset_password(person, actor=cast.unit_manager, method="temporary")
    person.refresh_from_db()
    assert person.check_password(temporary) and person.must_change_password
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="password.reset_temporary", actor=cast.unit_manager)


def test_set_memberships_keeps_the_roles_outside_the_actors_reach(cast):
    person = _staff(cast)
    # The city adds an office role in the neighbouring county.
    from hazardloop.accounts.people_services import grant_membership

    grant_membership(
        person,
        resolve_grant(cast.city_regulator, Role.INSPECTOR, region_code="220103"),
        actor=cast.city_regulator,
    )
    # Nanguan's regulator replaces the roles they manage: the unit role becomes unit manager.
    unit_manager = resolve_grant(cast.regulator, Role.UNIT_MANAGER, unit_id=cast.unit.pk)
    set_memberships(person, [unit_manager], actor=cast.regulator)
    active = set(person.memberships.filter(is_active=True).values_list("role", "region_id"))
    assert active == {(Role.UNIT_MANAGER, "220102"), (Role.INSPECTOR, "220103")}
    ended = person.memberships.get(role=Role.UNIT_SAFETY_OFFICER)
    assert not ended.is_active  # kept, for the record
    with pytest.raises(PermissionDenied):  # not theirs to end
        end_membership(person.memberships.get(role=Role.INSPECTOR), actor=cast.regulator)


def test_people_in_scope(cast):
    staff = _staff(cast)
    other = make_unit("220103", name="宽城另一家")
    seen = set(people_visible_to(cast.regulator).values_list("username", flat=True))
    assert {"t-reg", "t-insp", "t-duty", "t-unit", "t-unit-o", staff.username} <= seen
    assert not seen & {"t-reg-n", "t-insp-n", "t-city", "t-prov", "t-admin"}
    assert set(people_visible_to(cast.unit_manager).values_list("username", flat=True)) == {
        "t-unit",
        staff.username,
    }
    assert other.pk  # a unit without people adds nobody


def test_a_username_taken_at_the_same_moment_is_refused_not_a_crash(cast, monkeypatch):
    from hazardloop.accounts import people_services

    grant = resolve_grant(cast.regulator, Role.INSPECTOR, region_code="220102")
    # The other request's row appears between the check and the insert.
    checked = people_services.clean_person

    def check_then_race(data, **kwargs):
        cleaned = checked(data, **kwargs)
        User.objects.create(username=cleaned.username)
        return cleaned

    monkeypatch.setattr(people_services, "clean_person", check_then_race)
    with pytest.raises(UsernameTaken):
        create_person(PersonData("racer", "", "", None, [grant]), actor=cast.regulator)
    assert User.objects.filter(username="racer").count() == 1
