"""/api/v1/users: people in the caller's scope — list, create, read, change, password reset.

Who may do what is accounts/people.py: a regulator (each level's office) in their region
subtree, a unit manager for their own unit's staff, an administrator everywhere; a role is
granted only inside the granter's scope and never above their own role.
"""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hazardloop.accounts import people_services as services
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.accounts.people import access_person, has_people, people_visible_to, resolve_grant
from hazardloop.core.api import Error, Id, ObjectIn, Pagination
from hazardloop.regions.models import Region, subtree_filter

router = Router(tags=["users"])
MAX_PAGE = 100


class GrantIn(Schema):
    role: Role
    region_code: str | None = Field(None, max_length=12, description="department roles")
    department_id: Id | None = Field(None, description="optional, a department of the region")
    unit_id: Id | None = Field(None, description="unit roles")


class MembershipOut(Schema):
    id: int
    role: str
    region_code: str
    region_name: str
    department_id: int | None
    department_name: str | None
    unit_id: int | None
    unit_name: str | None
    is_active: bool

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_department_name(obj) -> str | None:
        return obj.department.name if obj.department else None

    @staticmethod
    def resolve_unit_name(obj) -> str | None:
        return obj.unit.name if obj.unit else None


class UserOut(Schema):
    id: int
    username: str
    name: str
    phone: str
    is_active: bool
    must_change_password: bool
    last_login: dt.datetime | None
    date_joined: dt.datetime
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name

    @staticmethod
    def resolve_memberships(obj) -> list:
        return list(obj.memberships.all())


class UserCreatedOut(UserOut):
    temporary_password: str | None = Field(
        None, description="set when no password was sent: shown once, never stored in clear"
    )


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=services.USERNAME_MAX)
    name: str = Field("", max_length=services.NAME_MAX)
    phone: str = Field("", max_length=services.PHONE_MAX)
    password: str | None = Field(None, min_length=1, max_length=128)
    memberships: list[GrantIn] = Field(..., min_length=1, max_length=20)


class UserPatch(ObjectIn):
    name: str | None = Field(None, max_length=services.NAME_MAX)
    phone: str | None = Field(None, max_length=services.PHONE_MAX)
    is_active: bool | None = None
    memberships: list[GrantIn] | None = Field(
        None,
        max_length=20,
        description="the roles you manage that the person should hold; others are kept",
    )


class ResetIn(ObjectIn):
    method: Literal["temporary", "link"] = "temporary"


class ResetOut(Schema):
    method: str
    temporary_password: str | None
    link: str | None
    link_valid_seconds: int | None


E401 = {401: Error}
E403 = {403: Error}
E404 = {404: Error}
E409 = {409: Error}
E422 = {422: Error}


def _people_qs(qs):
    memberships = Membership.objects.select_related("region", "department", "unit").order_by(
        "-is_active", "pk"
    )
    return qs.prefetch_related(Prefetch("memberships", queryset=memberships))


def _grants(request, items: list[GrantIn]):
    grants = []
    for index, item in enumerate(items):
        try:
            grants.append(
                resolve_grant(
                    request.user,
                    item.role,
                    region_code=item.region_code,
                    unit_id=item.unit_id,
                    department_id=item.department_id,
                )
            )
        except services.DomainError as error:
            error.errors = [f"{index + 1}: {error}"]
            raise
    return grants


def _require_people(request) -> None:
    if not has_people(request.user):
        raise PermissionDenied(_("Your role does not allow this action here."))


def _detail(request, user_id: int) -> User:
    person = access_person(request.user, user_id)
    return _people_qs(User.objects.filter(pk=person.pk)).get()


class UserFilter(Schema):
    q: str = Field("", max_length=100, description="username, name or phone")
    role: Role | None = None
    region: str = Field("", max_length=12, description="region code: memberships in its subtree")
    active: bool | None = None


@router.get("", response={200: list[UserOut], **E401, **E403, **E422})
@paginate(Pagination, max_limit=MAX_PAGE)
def list_users(request, filters: Query[UserFilter]):
    """People in your scope, filtered. At most 100 a page (`limit`, `offset`)."""
    _require_people(request)
    qs = people_visible_to(request.user)
    q, role, region, active = filters.q, filters.role, filters.region, filters.active
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(username__icontains=text) | Q(display_name__icontains=text) | Q(phone__contains=text)
        )
    held = Membership.objects.filter(is_active=True)
    if role:
        held = held.filter(role=role)
    if region:
        place = Region.objects.filter(code=region).first()
        held = held.filter(subtree_filter("region", place.prefix)) if place else held.none()
    if role or region:
        qs = qs.filter(pk__in=held.values("user_id"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return _people_qs(qs.order_by("username"))


@router.post("", response={201: UserCreatedOut, **E401, **E403, **E409, **E422})
def create_user(request, payload: UserIn):
    """Create an account with its memberships. Without `password`, a temporary one is made and
    returned once. Either way the person must choose a new password at the first sign-in.
    422 `outside_scope` for a region or unit outside yours, 403 `role_above_yours` for a role
    above your own, 409 `username_taken`."""
    _require_people(request)
    grants = _grants(request, payload.memberships)
    data = services.PersonData(
        payload.username, payload.name, payload.phone, payload.password, grants
    )
    person, temporary = services.create_person(data, actor=request.user)
    out = _detail(request, person.pk)
    out.temporary_password = temporary
    return 201, out


@router.get("/{int:user_id}", response={200: UserOut, **E401, **E403, **E404})
def get_user(request, user_id: Id):
    return _detail(request, user_id)


@router.patch("/{int:user_id}", response={200: UserOut, **E401, **E403, **E404, **E409, **E422})
def patch_user(request, user_id: Id, payload: UserPatch):
    """Change the name or phone, deactivate (`is_active: false`: sign-in refused, API tokens
    revoked, sessions ended; never deleted) or reactivate, or set the memberships you manage."""
    person = access_person(request.user, user_id)
    sent = payload.model_dump(exclude_unset=True)
    grants = _grants(request, payload.memberships) if payload.memberships is not None else None
    with transaction.atomic():  # all the changes sent, or none
        if "name" in sent or "phone" in sent:
            services.update_person(
                person,
                actor=request.user,
                name=sent.get("name", person.display_name) or "",
                phone=sent.get("phone", person.phone) or "",
            )
        if grants is not None:
            services.set_memberships(person, grants, actor=request.user)
        if payload.is_active is not None:
            services.set_active(person, actor=request.user, active=payload.is_active)
    return _detail(request, user_id)


@router.post(
    "/{int:user_id}/password-reset",
    response={200: ResetOut, **E401, **E403, **E404, **E409, **E422},
)
def password_reset(request, user_id: Id, payload: ResetIn):
    """`temporary` (default): a random password, returned once, to be changed at the next
    sign-in; the person's tokens and sessions end. `link`: a one-time link for the person to
    choose a password (valid PASSWORD_RESET_TIMEOUT seconds)."""
    person = access_person(request.user, user_id)
    value = services.reset_password(person, actor=request.user, method=payload.method)
    if payload.method == "link":
        link = request.build_absolute_uri(value)
        return {
            "method": "link",
            "temporary_password": None,
            "link": link,
            "link_valid_seconds": settings.PASSWORD_RESET_TIMEOUT,
        }
    return {
        "method": "temporary",
        "temporary_password": value,
        "link": None,
        "link_valid_seconds": None,
    }
