"""Who sees which duty rows: the one scope filter (`scope_for`) over each row's region code.

Rosters, shifts, swaps and periods are read with `duty.view` in the caller's scope; out of scope
is a 404 like a missing row. "Who is on duty now" may also be asked of the regions above one's
own (where one reports to), never of a neighbour's.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import get_in_scope_or_404, scope_for
from hazardloop.duty.models import Roster, Shift, Swap
from hazardloop.regions import codes


def scope(user, perm: str = "duty.view"):
    return scope_for(user, perm)


def visible(qs, user, perm: str = "duty.view"):
    return scope_for(user, perm).filter(qs, "region_code", None)


def visible_rosters(user, perm: str = "duty.view"):
    return visible(Roster.objects.select_related("department", "department__region"), user, perm)


def access_roster(user, pk: int, perm: str = "duty.view") -> Roster:
    return get_in_scope_or_404(
        user,
        Roster.objects.select_related("department", "department__region"),
        perm=perm,
        region_field="region_code",
        unit_field=None,
        pk=pk,
    )


def access_shift(user, pk: int) -> Shift:
    return get_in_scope_or_404(
        user,
        Shift.objects.select_related("roster", "roster__department"),
        perm="duty.view",
        region_field="region_code",
        unit_field=None,
        pk=pk,
    )


def access_swap(user, pk: int) -> Swap:
    return get_in_scope_or_404(
        user,
        Swap.objects.select_related(
            "assignment", "assignment__shift", "assignment__shift__roster", "replacement"
        ),
        perm="duty.view",
        region_field="region_code",
        unit_field=None,
        pk=pk,
    )


def visible_periods(user):
    """Heightened-duty periods set in the caller's scope or above it (those that apply to it)."""
    from django.db.models import Q

    from hazardloop.duty.models import HeightenedPeriod

    view = scope_for(user, "duty.view")
    if view.everything:
        return HeightenedPeriod.objects.all()
    above = {a for p in view.prefixes for a in codes.ancestor_codes(p)}
    return HeightenedPeriod.objects.filter(view.q("region_code", None) | Q(region_code__in=above))


def may(user, perm: str, region_code: str) -> bool:
    return scope_for(user, perm).covers_region(region_code)


def may_ask_on_duty(user, region_code: str) -> bool:
    """The region is in the caller's duty scope, or above it (the levels they report to)."""
    view = scope_for(user, "duty.view")
    if view.covers_region(region_code):
        return True
    if not codes.is_code(region_code):
        return False
    own = codes.prefix(region_code)
    return any(p.startswith(own) for p in view.prefixes)


def check_on_duty_region(user, region_code: str, *, loaded: bool = True) -> str:
    """The canonical code asked for, or Http404 (unknown, or not the caller's to ask).

    With `loaded=False` a township or village code not in the regions table is accepted when
    its county is (an accident's place may be finer than the loaded regions)."""
    from hazardloop.regions.models import Region

    if not codes.is_code(region_code or ""):
        raise Http404(_("Not found."))
    code = codes.canonical(region_code)
    known = [code]
    if not loaded and codes.level(code) in (codes.TOWNSHIP, codes.VILLAGE):
        known.append(codes.ancestor_at(code, codes.COUNTY))
    if not Region.objects.filter(code__in=known).exists() or not may_ask_on_duty(user, code):
        raise Http404(_("Not found."))
    return code
