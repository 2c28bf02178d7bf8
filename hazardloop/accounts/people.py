"""Who may see and manage whose account: the one way in for the people pages and /api/v1/users.

- `people_visible_to(user)`: the accounts a manager sees — everyone who holds or held a
  membership inside their `account.manage` scope (a regulator's region subtree, a unit
  manager's unit); an administrator sees everyone.
- `access_person(user, pk)`: one of those, or 404 (out of scope looks like missing, audited).
- `check_grant(user, grant)`: a role is granted only inside the granter's own scope and never
  above their own role (ROLE_RANK in accounts/permissions.py). Refusals are typed DomainErrors.
- `require_manage(user, person)`: account-level actions (edit, password reset, deactivate) need
  power over every role the person holds; otherwise 403, audited.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hazardloop.accounts.access import memberships_of, not_found, scope_for
from hazardloop.accounts.choices import UNIT_ROLES, Role
from hazardloop.accounts.models import Membership, User
from hazardloop.accounts.permissions import may_grant_role, role_has
from hazardloop.audit.services import record_event
from hazardloop.core.errors import DomainError
from hazardloop.regions.models import Department, Region

MANAGE = "account.manage"
# Memberships point at units; accounts sits left of units in the import order, so the model is
# reached through that relation rather than imported.
UnitModel = Membership._meta.get_field("unit").related_model
# The levels a department role may be held at (townships and villages have no departments here).
DEPARTMENT_LEVELS = ("province", "prefecture", "county", "zone")


class OutsideScope(DomainError):
    """The region or unit named is not among the granter's choices (or does not exist)."""

    status = 422
    code = "outside_scope"


class RoleAboveYours(DomainError):
    status = 403
    code = "role_above_yours"


class OwnAccount(DomainError):
    status = 409
    code = "own_account"


@dataclass(frozen=True)
class Grant:
    """A role at a place: a region (and optionally one of its departments) or a unit."""

    role: str
    region: Region | None = None
    department: Department | None = None
    unit: object | None = None  # a units.Unit

    @property
    def region_code(self) -> str:
        return self.unit.region_id if self.unit is not None else self.region.code

    def key(self) -> tuple:
        return (
            self.role,
            self.unit.pk if self.unit is not None else None,
            None if self.unit is not None else self.region.code,
            self.department.pk if self.department else None,
        )


def membership_key(m: Membership) -> tuple:
    return (m.role, m.unit_id, None if m.unit_id else m.region_id, m.department_id)


def is_admin(user) -> bool:
    return bool(user.is_superuser) or any(m.role == Role.ADMIN for m in memberships_of(user))


def people_visible_to(user) -> QuerySet:
    scope = scope_for(user, MANAGE)
    if scope.everything:
        return User.objects.all()
    if scope.is_empty:
        return User.objects.none()
    held = Membership.objects.filter(scope.q("region", "unit"))
    return User.objects.filter(pk__in=held.values("user_id"))


def access_person(user, pk) -> User:
    """The account `pk` if `user` may see it; Http404 otherwise (an out-of-scope try audited)."""
    if not has_people(user):
        raise PermissionDenied(_("Your role does not allow this action here."))
    person = people_visible_to(user).filter(pk=pk).first()
    if person is None:
        other = User.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        raise not_found(user, other, MANAGE)
    return person


def has_people(user) -> bool:
    """The user manages accounts somewhere (the people pages exist for them)."""
    return not scope_for(user, MANAGE).is_empty


def _covers(m: Membership, region_code: str, unit_id: int | None) -> bool:
    if m.role == Role.ADMIN:
        return True
    if m.unit_id is not None:
        return unit_id is not None and unit_id == m.unit_id
    return region_code.startswith(m.region.prefix)


def grant_problem(user, role: str, region_code: str, unit_id: int | None) -> str | None:
    """None if `user` may grant `role` at this place; else "scope" or "rank"."""
    if user.is_superuser and user.is_active:
        return None
    covering = [
        m
        for m in memberships_of(user)
        if role_has(m.role, MANAGE) and _covers(m, region_code, unit_id)
    ]
    if not covering:
        return "scope"
    if not any(may_grant_role(m.role, role) for m in covering):
        return "rank"
    return None


def check_grant(user, grant: Grant) -> None:
    """Raise OutsideScope or RoleAboveYours unless `user` may grant this."""
    unit_id = grant.unit.pk if grant.unit is not None else None
    problem = grant_problem(user, grant.role, grant.region_code, unit_id)
    if problem == "scope":
        raise OutsideScope(_("This place is outside your jurisdiction."))
    if problem == "rank":
        raise RoleAboveYours(
            _("You may not grant the role %(role)s: it is above your own or not yours to give.")
            % {"role": Role(grant.role).label}
        )


def may_end(user, m: Membership) -> bool:
    return grant_problem(user, m.role, m.region_id, m.unit_id) is None


def can_manage(user, person: User) -> bool:
    """`user` may change `person`'s account: not their own, and every role the person holds
    (or, with none active, ever held) is one `user` could grant."""
    if person.pk == user.pk:
        return False
    if person.is_superuser and not user.is_superuser:
        return False
    held = list(person.memberships.all())
    active = [m for m in held if m.is_active] or held
    if not active:
        return is_admin(user)
    return all(may_end(user, m) for m in active)


def require_manage(user, person: User) -> None:
    if person.pk == user.pk:
        raise OwnAccount(_("Change your own account under My account."))
    if not can_manage(user, person):
        record_event("access.denied", actor=user, obj=person, message=f"{MANAGE} refused")
        raise PermissionDenied(
            _("This person holds roles you may not manage; ask an office above you.")
        )


def grantable_roles(user) -> list[str]:
    """The roles `user` may grant somewhere, in the order of Role."""
    if user.is_superuser:
        return list(Role.values)
    held = [m.role for m in memberships_of(user) if role_has(m.role, MANAGE)]
    return [r for r in Role.values if any(may_grant_role(h, r) for h in held)]


def grant_regions(user) -> QuerySet:
    """Regions a department role may be granted at by `user` (province to county), code order."""
    scope = scope_for(user, MANAGE)
    if not (scope.everything or scope.prefixes):
        return Region.objects.none()
    regions = Region.objects.filter(level__in=DEPARTMENT_LEVELS)
    if not scope.everything:
        regions = regions.filter(scope.q("code", None))
    return regions.order_by("code")


def grant_departments(user) -> QuerySet:
    scope = scope_for(user, MANAGE)
    if not (scope.everything or scope.prefixes):
        return Department.objects.none()
    qs = Department.objects.select_related("region")
    if not scope.everything:
        qs = qs.filter(scope.q("region", None))
    return qs.order_by("region_id", "kind")


def grant_units(user, q: str = "", limit: int = 20) -> QuerySet:
    """Units whose staff roles `user` may grant, matching `q` (name or credit code)."""
    qs = grant_units_in_scope(user)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q))
    return qs.order_by("name", "pk")[:limit]


def resolve_grant(
    user,
    role: str,
    *,
    region_code: str | None = None,
    unit_id: int | None = None,
    department_id: int | None = None,
) -> Grant:
    """Turn a role and a place as sent (codes, ids) into a Grant `user` may give.

    A unit role needs a unit, a department role a region (or a department); an unknown or
    out-of-scope place answers OutsideScope, never telling which."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."), code="invalid")
    if role in UNIT_ROLES:
        if unit_id is None or region_code or department_id:
            raise DomainError(_("A unit role is held in a unit: choose the unit."), code="invalid")
        unit = grant_units_in_scope(user).filter(pk=unit_id).first()
        if unit is None:
            raise OutsideScope(_("This place is outside your jurisdiction."))
        grant = Grant(role=role, unit=unit)
    else:
        if unit_id is not None:
            raise DomainError(
                _("A department role is held in a region: choose the region."), code="invalid"
            )
        department = None
        if department_id is not None:
            department = grant_departments(user).filter(pk=department_id).first()
            if department is None:
                raise OutsideScope(_("This place is outside your jurisdiction."))
            if region_code and region_code != department.region_id:
                raise DomainError(_("The department is not in this region."), code="invalid")
            region = department.region
        else:
            region = grant_regions(user).filter(code=str(region_code or "")[:12]).first()
            if region is None:
                raise OutsideScope(_("This place is outside your jurisdiction."))
        grant = Grant(role=role, region=region, department=department)
    check_grant(user, grant)
    return grant


def grant_units_in_scope(user) -> QuerySet:
    scope = scope_for(user, MANAGE)
    if scope.is_empty:
        return UnitModel.objects.none()
    return UnitModel.objects.filter(scope.q("region", "pk")).select_related("region")
