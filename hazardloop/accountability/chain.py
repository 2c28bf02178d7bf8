"""The responsibility chain of a case, read once from the accounts as they are and frozen.

「党政同责、一岗双责、齐抓共管、失职追责」 (regulations.md §8 [V]): for a unit, its own responsible
people (the principal and safety manager on its record, the unit managers holding accounts);
for its sector, the departments that supervise it (管行业必须管安全: the unit's own supervising
departments, else those of its county and above whose sectors include it) with their
regulators; for its region, the leaders and the work-safety committee office's regulators of
the region and of every level above it up to the county — or the region itself when it lies
above a county. Names are copied, so a membership ended or a person renamed later never
changes what the case recorded.
"""

from django.db.models import Q
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.regions import codes as region_codes
from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.models import Department, Region, Sector

UNIT_ROLES = (Role.UNIT_MANAGER,)
SECTOR_ROLES = (Role.REGULATOR,)
REGION_ROLES = (Role.LEADER, Role.REGULATOR)


def _person(membership: Membership) -> dict:
    user = membership.user
    return {
        "user_id": user.pk,
        "name": user.display_name or user.username,
        "role": membership.role,
    }


def _people(memberships, key) -> dict:
    out: dict = {}
    for m in memberships:
        out.setdefault(key(m), []).append(_person(m))
    return out


def _active(q: Q):
    return (
        Membership.objects.filter(q, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__username", "pk")
    )


def _unit_part(unit) -> dict:
    managers = _active(Q(unit=unit, role__in=UNIT_ROLES))
    return {
        "id": unit.pk,
        "name": unit.name,
        "principal": unit.principal_name,
        "safety_manager": unit.safety_manager_name,
        "managers": [_person(m) for m in managers],
    }


def _departments_part(departments: list[Department]) -> list[dict]:
    people = _people(
        _active(Q(department__in=departments, role__in=SECTOR_ROLES)), lambda m: m.department_id
    )
    return [
        {
            "id": d.pk,
            "name": d.name_zh,
            "kind": d.kind,
            "region": d.region_id,
            "regulators": people.get(d.pk, []),
        }
        for d in departments
    ]


def _sector_part(region_code: str, sector_code: str, unit=None) -> dict | None:
    sector = Sector.objects.filter(code=sector_code).first()
    if sector is None:
        return None
    departments = list(unit.supervising_departments.order_by("region_id", "kind")) if unit else []
    if not departments:
        codes = [*region_codes.ancestors(region_code), region_code]
        county = region_codes.ancestor_at(region_code, region_codes.COUNTY)
        if county:
            codes = [c for c in codes if len(region_codes.prefix(c)) >= 6]
        departments = list(
            Department.objects.filter(region_id__in=codes, sectors=sector).order_by(
                "-region_id", "kind"
            )
        )
    return {
        "code": sector.code,
        "name": sector.name_zh,
        "departments": _departments_part(departments),
    }


def _region_levels(region_code: str) -> list[str]:
    """The region and the levels above it that answer for it: up to its county (a county's own
    region, or the region itself when it lies above the county level)."""
    codes = [*region_codes.ancestors(region_code), region_code]
    county = region_codes.ancestor_at(region_code, region_codes.COUNTY)
    return [c for c in codes if len(region_codes.prefix(c)) >= 6] if county else [region_code]


def _region_part(region_code: str) -> list[dict]:
    codes = _region_levels(region_code)
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    leaders = _people(
        _active(Q(region_id__in=codes, department__isnull=False, role=Role.LEADER)),
        lambda m: m.region_id,
    )
    offices = list(
        Department.objects.filter(region_id__in=codes, kind=DepartmentKind.SAFETY_COMMITTEE)
    )
    office_people = _people(
        _active(Q(department__in=offices, role=Role.REGULATOR)), lambda m: m.department_id
    )
    office_of = {d.region_id: d for d in offices}
    out = []
    for code in reversed(codes):  # the nearest level first
        region = regions.get(code)
        if region is None:
            continue
        office = office_of.get(code)
        out.append(
            {
                "code": code,
                "name": region.name_zh,
                "leaders": leaders.get(code, []),
                "office": office.name_zh if office else "",
                "office_regulators": office_people.get(office.pk, []) if office else [],
            }
        )
    return out


def snapshot(*, region_code: str, unit=None, sector_code: str = "", department=None, now=None):
    """The chain for a case at `region_code` (about `unit`, or a sector, or a department)."""
    now = now or timezone.now()
    chain: dict = {"taken_at": now.isoformat(), "unit": None, "sector": None, "department": None}
    if unit is not None:
        chain["unit"] = _unit_part(unit)
        sector_code = sector_code or unit.sector_id
    if sector_code:
        chain["sector"] = _sector_part(region_code, sector_code, unit)
    if department is not None:
        chain["department"] = _departments_part([department])[0]
    chain["region"] = _region_part(region_code)
    return chain
