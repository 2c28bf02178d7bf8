"""Who receives a report at a level: the one function the chain asks.

Today it is the department people of that level's region who hold the duty officer or
regulator role (their accounts' memberships). When the duty roster (the `duty` app) is merged,
this is where "who is on duty at `at`" replaces it (`duty.queries.on_duty(region_code, at)`),
with the memberships as the fallback for a level without a roster.
"""

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User

RECEIVING_ROLES = (Role.DUTY_OFFICER, Role.REGULATOR)


def receivers(region_code: str, at) -> list[User]:
    """The people who receive a report sent to the authority of `region_code` at time `at`:
    active department members of exactly that region holding a receiving role."""
    ids = Membership.objects.filter(
        region_id=region_code,
        unit__isnull=True,
        role__in=RECEIVING_ROLES,
        is_active=True,
        user__is_active=True,
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def may_receive(user, region_code: str) -> bool:
    """The user acts for the authority of `region_code` (receives and forwards its reports).
    An administrator is on duty nowhere: receipts are the receiving level's own."""
    from hazardloop.accounts.access import memberships_of

    return any(
        m.unit_id is None and m.role in RECEIVING_ROLES and m.region_id == region_code
        for m in memberships_of(user)
    )
