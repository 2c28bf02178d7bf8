"""Who receives a report at a level: the one function the chain asks.

A report sent to the authority of a region goes to the people on duty there at that moment
(`duty.queries.on_duty`: the officers of the shift covering the moment and the day's leader on
duty) when that region keeps its own duty roster. A level without a roster of its own, or a
moment its roster leaves uncovered, falls back to the department people of that region who hold
the duty officer or regulator role (their accounts' memberships) — a report is never sent to
nobody, and never to a roster of the level above (that level receives it in its own turn).

Who may stamp the receipt and the forwarding for a level: those same people — a duty officer or
regulator of exactly that region, or whoever is on that region's duty roster at the moment.
"""

from django.utils import timezone

from hazardloop.accounts.access import memberships_of
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.duty.queries import on_duty
from hazardloop.regions import codes

RECEIVING_ROLES = (Role.DUTY_OFFICER, Role.REGULATOR)


def _on_duty_here(region_code: str, at) -> list[User]:
    """The people on the region's own roster at `at` (none: no roster of its own, or a gap)."""
    duty = on_duty(region_code, at)
    if duty.roster is None or duty.roster.region_code != codes.canonical(region_code):
        return []
    return [person for person in duty.people if person.is_active]


def receivers(region_code: str, at) -> list[User]:
    """The people who receive a report sent to the authority of `region_code` at time `at`."""
    people = _on_duty_here(region_code, at)
    if people:
        return people
    ids = Membership.objects.filter(
        region_id=region_code,
        unit__isnull=True,
        role__in=RECEIVING_ROLES,
        is_active=True,
        user__is_active=True,
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def may_receive(user, region_code: str, at=None) -> bool:
    """The user acts for the authority of `region_code` (receives and forwards its reports).
    An administrator is on duty nowhere: receipts are the receiving level's own."""
    if any(
        m.unit_id is None and m.role in RECEIVING_ROLES and m.region_id == region_code
        for m in memberships_of(user)
    ):
        return True
    return any(p.pk == user.pk for p in _on_duty_here(region_code, at or timezone.now()))
