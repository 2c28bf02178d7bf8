from hazardloop.accounts.services import create_api_token
from hazardloop.testing import ALLOW, DENY, HIDE, INVALID, LOGIN, ScopeCase, everyone, expect

EVERYONE = everyone(ALLOW)
# The token is the unit manager's: to anyone else, even an admin, it does not exist.
OWN_TOKEN = {**everyone(HIDE), "unit_manager": ALLOW}


def _unit_manager_token(cast):
    return create_api_token(cast.unit_manager, actor=cast.unit_manager)[0]


def _shows_own_name(response, cast, obj) -> bool:
    return response.wsgi_request.user.get_username() in response.content.decode()


CASES = [
    ScopeCase(
        "profile page",
        "accounts:profile",
        lambda c, o: "/account/",
        EVERYONE,
        check=_shows_own_name,
    ),
    ScopeCase(
        "revoke own token",
        "accounts:revoke_token",
        lambda c, o: f"/account/tokens/{o.pk}/revoke/",
        OWN_TOKEN,
        make=_unit_manager_token,
        method="post",
        redirect=lambda c, o: "/account/",
    ),
    ScopeCase(
        "API: who am I",
        "GET /api/v1/auth/me",
        lambda c, o: "/api/v1/auth/me",
        EVERYONE,
        api=True,
        check=_shows_own_name,
    ),
    ScopeCase(
        "API: revoke token",
        "DELETE /api/v1/auth/token",
        lambda c, o: "/api/v1/auth/token",
        EVERYONE,
        method="delete",
        api=True,
        check=lambda r, c, o: r.status_code == 204,
    ),
]


# --- people and accounts (accounts/people*.py) ------------------------------------------------
# The object is a safety officer of cast.unit (Nanguan). Those who manage accounts over that unit
# see and manage them; a neighbouring office and another unit's manager do not see them; roles
# that manage no accounts are refused the people pages altogether.


def _staff(cast):
    from hazardloop.accounts.choices import Role
    from hazardloop.testing import make_user

    return make_user("staff-x", Role.UNIT_SAFETY_OFFICER, unit=cast.unit, display_name="小王")


PERSON = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=DENY,
    neighbour_inspector=DENY,
    neighbour_regulator=HIDE,
    duty_officer=DENY,
    expert=DENY,
    leader=DENY,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
# Pages of one's own manager scope, with no person in them: every manager may open them.
MANAGERS = {**PERSON, "neighbour_regulator": ALLOW, "other_unit_manager": ALLOW}
# Granting a role at cast.unit: a manager whose scope lacks the unit names a place outside it.
GRANT_AT_UNIT = {**PERSON, "neighbour_regulator": INVALID, "other_unit_manager": INVALID}


def _person_url(suffix=""):
    return lambda c, o: f"/people/{o.pk}/{suffix}"


def _redirect_to_person(c, o):
    return f"/people/{o.pk}/"


def _holds(role):
    def check(response, cast, obj) -> bool:
        from hazardloop.accounts.models import Membership

        return Membership.objects.filter(user=obj, role=role, is_active=True).exists()

    return check


def _ended(response, cast, obj) -> bool:
    return not obj.memberships.filter(is_active=True).exists()


def _deactivated(response, cast, obj) -> bool:
    obj.refresh_from_db()
    return not obj.is_active


def _json(key):
    return lambda r, c, o: bool(r.json().get(key))


def _everyone_must_change(cast):
    from hazardloop.accounts.models import User

    User.objects.update(must_change_password=True)


def _reset_link(cast):
    from hazardloop.accounts.people_services import reset_password

    person = _staff(cast)
    person.link = reset_password(person, actor=cast.admin, method="link")
    return person


CASES += [
    ScopeCase(
        "people list",
        "accounts:people",
        lambda c, o: "/people/",
        PERSON,
        make=_staff,
        is_list=True,
        marker=lambda o: "staff-x",
    ),
    ScopeCase(
        "add a person (form)",
        "accounts:person_new",
        lambda c, o: "/people/new/",
        MANAGERS,
        marker=lambda o: 'data-testid="person-form"',
    ),
    ScopeCase(
        "import people (page)",
        "accounts:people_import",
        lambda c, o: "/people/import/",
        MANAGERS,
        marker=lambda o: 'data-testid="import-file"',
    ),
    ScopeCase(
        "unit picker",
        "accounts:unit_picker",
        lambda c, o: "/people/units/?q=南关测试饺子馆",
        {**PERSON, "other_unit_manager": HIDE},
        is_list=True,
        marker=lambda o: "南关测试饺子馆",
    ),
    ScopeCase(
        "person page",
        "accounts:person",
        _person_url(),
        PERSON,
        make=_staff,
        marker=lambda o: "staff-x",
    ),
    ScopeCase(
        "edit a person (form)",
        "accounts:person_edit",
        _person_url("edit/"),
        PERSON,
        make=_staff,
        marker=lambda o: "小王",
    ),
    ScopeCase(
        "grant a role",
        "accounts:grant_add",
        _person_url("roles/"),
        PERSON,
        make=_staff,
        method="post",
        data=lambda c, o: {"grant-role": "unit_manager", "grant-unit": c.unit.pk},
        redirect=_redirect_to_person,
        check=_holds("unit_manager"),
    ),
    ScopeCase(
        "end a role",
        "accounts:membership_end",
        lambda c, o: f"/people/{o.pk}/roles/{o.memberships.get().pk}/end/",
        PERSON,
        make=_staff,
        method="post",
        redirect=_redirect_to_person,
        check=_ended,
    ),
    ScopeCase(
        "reset a password (form)",
        "accounts:person_reset",
        _person_url("password/"),
        PERSON,
        make=_staff,
        marker=lambda o: 'data-testid="reset-submit"',
    ),
    ScopeCase(
        "reset a password",
        "accounts:person_reset",
        _person_url("password/"),
        PERSON,
        make=_staff,
        method="post",
        data={"method": "temporary"},
        marker=lambda o: 'data-testid="temporary-password"',
    ),
    ScopeCase(
        "deactivate (confirmation)",
        "accounts:person_active",
        _person_url("active/"),
        PERSON,
        make=_staff,
        marker=lambda o: 'data-testid="confirm-active"',
    ),
    ScopeCase(
        "deactivate",
        "accounts:person_active",
        _person_url("active/"),
        PERSON,
        make=_staff,
        method="post",
        data={"active": "0"},
        redirect=_redirect_to_person,
        check=_deactivated,
    ),
    ScopeCase(
        "choose a new password after a temporary one",
        "accounts:password_required",
        lambda c, o: "/account/password/",
        EVERYONE,
        make=_everyone_must_change,
        marker=lambda o: 'data-testid="password-required-form"',
    ),
    ScopeCase(
        "one-time password link",
        "accounts:reset_link",
        lambda c, o: o.link,
        everyone(ALLOW, anonymous=ALLOW),
        make=_reset_link,
        marker=lambda o: "staff-x",
    ),
    ScopeCase(
        "API: list people",
        "GET /api/v1/users",
        lambda c, o: "/api/v1/users",
        PERSON,
        make=_staff,
        api=True,
        is_list=True,
        marker=lambda o: "staff-x",
    ),
    ScopeCase(
        "API: add a person",
        "POST /api/v1/users",
        lambda c, o: "/api/v1/users",
        GRANT_AT_UNIT,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {
            "username": "new-staff",
            "name": "新员工",
            "memberships": [{"role": "unit_safety_officer", "unit_id": c.unit.pk}],
        },
        check=lambda r, c, o: r.status_code == 201 and bool(r.json()["temporary_password"]),
    ),
    ScopeCase(
        "API: add an office account (regulator of Nanguan)",
        "POST /api/v1/users",
        lambda c, o: "/api/v1/users",
        {
            **GRANT_AT_UNIT,
            "unit_manager": INVALID,  # a unit manager grants only in their unit
        },
        method="post",
        api=True,
        content_type="application/json",
        data={
            "username": "new-office",
            "memberships": [{"role": "regulator", "region_code": "220102"}],
        },
        check=lambda r, c, o: r.status_code == 201,
    ),
    ScopeCase(
        "API: add an administrator",
        "POST /api/v1/users",
        lambda c, o: "/api/v1/users",
        {
            **GRANT_AT_UNIT,
            "province_regulator": DENY,  # in scope, but above their own role
            "city_regulator": INVALID,  # the province is outside their scope
            "regulator": INVALID,
            "unit_manager": INVALID,
        },
        method="post",
        api=True,
        content_type="application/json",
        data={"username": "new-admin", "memberships": [{"role": "admin", "region_code": "220000"}]},
        check=lambda r, c, o: r.status_code == 201,
    ),
    ScopeCase(
        "API: a person",
        "GET /api/v1/users/{user_id}",
        lambda c, o: f"/api/v1/users/{o.pk}",
        PERSON,
        make=_staff,
        api=True,
        marker=lambda o: "staff-x",
    ),
    ScopeCase(
        "API: change a person",
        "PATCH /api/v1/users/{user_id}",
        lambda c, o: f"/api/v1/users/{o.pk}",
        PERSON,
        make=_staff,
        method="patch",
        api=True,
        content_type="application/json",
        data={"name": "王小明", "is_active": False},
        check=lambda r, c, o: r.json()["name"] == "王小明" and r.json()["is_active"] is False,
    ),
    ScopeCase(
        "API: reset a password",
        "POST /api/v1/users/{user_id}/password-reset",
        lambda c, o: f"/api/v1/users/{o.pk}/password-reset",
        PERSON,
        make=_staff,
        method="post",
        api=True,
        content_type="application/json",
        data={"method": "temporary"},
        check=_json("temporary_password"),
    ),
]
