"""Experts on hazards: who may be assigned to a hazard (the picker) and what an expert is
assigned to. Assigning itself is `services.assign_expert`."""

from django.db.models import Q, QuerySet

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.core.picking import Option
from hazardloop.hazards.models import Hazard
from hazardloop.regions import codes

PICKER_SIZE = 20


def _covering_regions(region_code: str) -> list[str]:
    """The codes of the regions whose subtree holds `region_code` (itself included)."""
    return [region_code, *codes.ancestor_codes(region_code)]


def candidates(hazard: Hazard, query: str = "") -> QuerySet[User]:
    """Active experts whose scope covers the hazard, matching `query` by name, by name.

    An expert's scope is their department's region subtree, so those covering the hazard
    hold an active expert membership at the hazard's region or one of its ancestors.
    """
    memberships = Membership.objects.filter(
        role=Role.EXPERT,
        is_active=True,
        unit__isnull=True,
        region_id__in=_covering_regions(hazard.region_code),
    )
    qs = User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return qs.order_by("display_name", "username")


def options(people) -> list[Option]:
    """Experts as the search picker shows them: name, and the user name beside a display name."""
    return [Option(str(e.pk), str(e), e.username if e.display_name else "") for e in people]


def assigned_to(user) -> QuerySet[Hazard]:
    """The hazards this expert is assigned to that they may still see, newest first."""
    return (
        Hazard.objects.visible_to(user)
        .filter(assignments__expert=user)
        .select_related("unit")
        .order_by("-found_at", "-id")
    )
