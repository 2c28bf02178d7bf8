"""The one place that answers "what may this user see" and "may this user do X to this object".

Every list, detail page, API endpoint, export, attachment and statistic asks here:

- `scope_for(user, perm)` gives the user's `Scope` for a permission: the region subtrees and
  units where one of their memberships grants it.
- `Scope.q(...)` filters any queryset whose rows carry a region code and/or a unit id.
- `get_in_scope_or_404(...)` fetches one row; out of scope and missing look the same (404), and
  the out-of-scope attempt is written to the audit log.
- `require(...)` raises PermissionDenied (403, audited) when the user can see the object but
  their role may not do this to it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.accounts.permissions import role_has
from hazardloop.audit.services import record_event
from hazardloop.core.prepared import Prepared
from hazardloop.regions.models import subtree_filter


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    prefixes: tuple[str, ...] = ()
    unit_ids: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.prefixes or self.unit_ids)

    def q(self, region_field: str | None = "region", unit_field: str | None = "unit") -> Q:
        """A filter for rows in scope. Pass None for a field the rows do not have."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if region_field:
            for prefix in self.prefixes:
                condition |= subtree_filter(region_field, prefix)
        if unit_field and self.unit_ids:
            condition |= Q(**{f"{unit_field}__in": self.unit_ids})
        return condition

    def filter(self, qs: QuerySet, region_field="region", unit_field="unit") -> QuerySet:
        return qs.filter(self.q(region_field, unit_field))

    def covers(self, region_code: str | None, unit_id: int | None = None) -> bool:
        if self.everything:
            return True
        if unit_id is not None and unit_id in self.unit_ids:
            return True
        return bool(region_code) and any(region_code.startswith(p) for p in self.prefixes)

    def covers_region(self, region_code: str) -> bool:
        """The whole region (not just one unit in it) is in scope."""
        return self.everything or any(region_code.startswith(p) for p in self.prefixes)


# Compiled once (core/prepared.py): asked on every request.
_ACTIVE_MEMBERSHIPS = Prepared(
    lambda user_id: Membership.objects.filter(user_id=user_id, is_active=True).select_related(
        "region", "department", "unit"
    ),
)


def memberships_of(user) -> list[Membership]:
    """Active memberships, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_hl_memberships", None)
    if cached is None:
        cached = _ACTIVE_MEMBERSHIPS(user.pk)
        user._hl_memberships = cached
    return cached


def memberships_query(user) -> tuple | None:
    """The query of `user`'s memberships as `core.prepared.run_together` takes it, when they
    are still to be read this request (else None), so that a caller about to read something
    else anyway can ask for both in one round trip; give the rows to `remember_memberships`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "_hl_memberships", None) is not None:
        return None
    return (_ACTIVE_MEMBERSHIPS, (user.pk,))


def remember_memberships(user, rows: list[Membership]) -> None:
    """Keep the memberships read with `memberships_query` for `memberships_of`."""
    user._hl_memberships = rows


def roles_of(user) -> set[str]:
    roles = {m.role for m in memberships_of(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def scope_for(user, perm: str) -> Scope:
    cache = getattr(user, "_hl_scopes", None)
    if cache is None:
        cache = {}
        if getattr(user, "is_authenticated", False):
            user._hl_scopes = cache
    if perm in cache:
        return cache[perm]
    if getattr(user, "is_superuser", False) and user.is_active:
        scope = Scope(everything=True)
    else:
        prefixes: set[str] = set()
        unit_ids: set[int] = set()
        everything = False
        for m in memberships_of(user):
            if not role_has(m.role, perm):
                continue
            if m.role == Role.ADMIN:
                everything = True
            elif m.unit_id is not None:
                unit_ids.add(m.unit_id)
            else:
                prefixes.add(m.region.prefix)
        # A prefix inside another adds nothing.
        kept = tuple(
            sorted(p for p in prefixes if not any(p != o and p.startswith(o) for o in prefixes))
        )
        scope = Scope(everything=everything, prefixes=kept, unit_ids=tuple(sorted(unit_ids)))
    cache[perm] = scope
    return scope


def scoped_regions(user, perm: str):
    """The regions (province to county and zone) a filter may offer the user for `perm`: those
    inside their department scope, in code order; none for a unit's own people."""
    from hazardloop.regions.models import Region

    scope = scope_for(user, perm)
    if not (scope.everything or scope.prefixes):
        return Region.objects.none()
    regions = Region.objects.filter(level__in=("province", "prefecture", "county", "zone"))
    if not scope.everything:
        regions = regions.filter(scope.q("code", None))
    return regions.order_by("code")


def get_own_or_404(user, queryset: QuerySet, *, owner_field: str = "created_by", **lookup):
    """The row matching lookup that `user` created (a job, an export): its creator's alone, so
    to anyone else it does not exist (Http404)."""
    row = queryset.filter(**{owner_field: user}, **lookup).first()
    if row is None:
        raise Http404(_("Not found."))
    return row


def has_perm_anywhere(user, perm: str) -> bool:
    return not scope_for(user, perm).is_empty


def can(user, perm: str, *, region_code: str | None, unit_id: int | None = None) -> bool:
    return scope_for(user, perm).covers(region_code, unit_id)


def belongs_to_unit(user, unit_id: int | None) -> bool:
    """The user holds a role in this unit: they never act as the authority over it."""
    return unit_id is not None and any(m.unit_id == unit_id for m in memberships_of(user))


def get_in_scope_or_404(
    user, queryset: QuerySet, *, perm: str, region_field="region", unit_field="unit", **lookup
):
    """The one row matching lookup that the user may see with perm; Http404 otherwise.

    An attempt on a row that exists outside the scope is audited, but answered exactly like a
    missing row.
    """
    scope = scope_for(user, perm)
    try:
        return scope.filter(queryset, region_field, unit_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        pass
    other = None
    if not scope.everything:
        try:
            other = queryset.model._default_manager.filter(**lookup).first()
        except (ValueError, TypeError):
            other = None
    raise not_found(user, other, perm)


def in_scope_or_404(user, row, *, perm: str, region_attr="region_code", unit_attr="unit_id"):
    """`row`, already read by its key (None if there is none), if the user may see it with
    `perm`; Http404 otherwise. The same rule as `get_in_scope_or_404` checked on the row
    (Scope.covers is Scope.q's rule), for hot paths that read the row with a query compiled
    once: an attempt on a row outside the scope is audited and answered like a missing one."""
    if row is not None and scope_for(user, perm).covers(
        getattr(row, region_attr), getattr(row, unit_attr)
    ):
        return row
    raise not_found(user, row, perm)


def not_found(user, row, perm: str) -> Http404:
    """The 404 for a row the user may not see with `perm`, to raise: an attempt on one that
    exists (`row`; None when there is none) is audited as `access.out_of_scope`, and the
    answer is the same as for a missing row."""
    if row is not None:
        record_event(
            "access.out_of_scope",
            actor=user,
            obj=row,
            message=f"{perm} refused: outside the user's scope",
        )
    return Http404(_("Not found."))


def require(user, perm: str, *, region_code: str | None, unit_id: int | None = None, obj=None):
    """Raise PermissionDenied (and audit it) unless a membership grants perm over the object."""
    if can(user, perm, region_code=region_code, unit_id=unit_id):
        return
    deny(user, perm, obj=obj, region_code=region_code)


def deny(user, what: str, *, obj=None, region_code: str | None = None):
    """Audit a refusal of an in-scope action and raise PermissionDenied (403)."""
    record_event(
        "access.denied",
        actor=user,
        obj=obj,
        region_code=region_code or "",
        message=f"{what} refused",
    )
    raise PermissionDenied(_("Your role does not allow this action here."))
