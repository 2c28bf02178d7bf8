"""The candidate pools of a double-random draw, read from the database (draw.py has the format).

Who may be drawn for a unit is decided the way `accounts.access` decides who may inspect it:
the department memberships whose role grants "inspection.create" give the person's scope (the
membership region's subtree), and the department's supervised sectors narrow it (管行业必须管安全;
a department with no sectors listed — fire and rescue, the safety committee office — supervises
every sector). A unit membership never widens the scope: it is a conflict of interest, and the
person is never drawn for that unit (a former membership counts too).
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.accounts.permissions import role_has
from hazardloop.campaigns.choices import TaskSource
from hazardloop.campaigns.models import Campaign, InspectionTask, TaskForceMember
from hazardloop.campaigns.scoping import units_in_scope
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import subtree_filter

INSPECT = "inspection.create"
# Who is in the pool when the campaign has no task force: its level's enforcement staff.
POOL_ROLES = (Role.INSPECTOR, Role.EXPERT)


def unit_pool(campaign: Campaign) -> list[list]:
    """[[unit id, region code, sector], ...]: the units in scope in the campaign's region, less
    those already drawn for the campaign at any level (one random inspection per campaign)."""
    drawn = InspectionTask.objects.filter(root_id=campaign.root_id, unit_id=OuterRef("pk")).filter(
        Q(draw__isnull=False) | Q(source=TaskSource.DRAW)
    )
    units = units_in_scope(campaign, region_codes.prefix(campaign.region_code)).exclude(
        Exists(drawn)
    )
    return sorted(
        [pk, code, sector] for pk, code, sector in units.values_list("pk", "region_id", "sector_id")
    )


def candidates(campaign: Campaign) -> dict[int, str]:
    """User id → home region code: the campaign's task-force members with the home recorded for
    them, or else the inspectors and experts of departments in the campaign's region."""
    members = dict(
        TaskForceMember.objects.filter(task_force__campaign=campaign, user__is_active=True)
        .order_by("user_id", "id")
        .values_list("user_id", "home_region_code")
    )
    if members:
        return members
    ids = (
        Membership.objects.filter(
            is_active=True, unit__isnull=True, role__in=POOL_ROLES, user__is_active=True
        )
        .filter(subtree_filter("region", region_codes.prefix(campaign.region_code)))
        .values_list("user_id", flat=True)
        .distinct()
    )
    return dict.fromkeys(ids, "")


def inspector_pool(campaign: Campaign) -> list[list]:
    """[[user id, home region code, coverage, conflicts], ...] of the candidates (draw.py).

    A candidate without a recorded home gets their most specific department membership's
    region (a township membership makes them "from" that township)."""
    homes = candidates(campaign)
    if not homes:
        return []
    coverage: dict[int, set] = defaultdict(set)
    conflicts: dict[int, set] = defaultdict(set)
    regions: dict[int, list[str]] = defaultdict(list)
    rows = Membership.objects.filter(user_id__in=list(homes)).select_related("region")
    for m in rows.prefetch_related("department__sectors").order_by("pk"):
        if m.unit_id is not None:
            conflicts[m.user_id].add(m.unit_id)
            continue
        if not m.is_active:
            continue
        regions[m.user_id].append(m.region_id)
        if not role_has(m.role, INSPECT):
            continue
        if m.role == Role.ADMIN:
            coverage[m.user_id].add(("", ()))
            continue
        sectors = tuple(sorted(s.code for s in m.department.sectors.all())) if m.department else ()
        coverage[m.user_id].add((m.region.prefix, sectors))
    pool = []
    for user_id in sorted(homes):
        home = homes[user_id] or min(regions[user_id], key=lambda c: (-len(c), c), default="")
        pool.append(
            [
                user_id,
                home,
                [[prefix, list(sectors)] for prefix, sectors in sorted(coverage[user_id])],
                sorted(conflicts[user_id]),
            ]
        )
    return pool
