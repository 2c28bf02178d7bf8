"""Who a case raised by hand is about: a unit, a department, a person or a lower-level
government, each looked up inside the caller's scope (out of scope reads as not found)."""

from django.utils.translation import gettext as _

from hazardloop.accountability.choices import SubjectKind
from hazardloop.accountability.services import CaseInputError
from hazardloop.accounts.access import scope_for
from hazardloop.accounts.models import Membership, User
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import Department, Region
from hazardloop.units.models import Unit


def _inside(region: Region, code: str) -> bool:
    return region_codes.contains(region.code, code)


def resolve_subject(
    user,
    region: Region,
    *,
    kind: str,
    name: str = "",
    unit_id: int | None = None,
    department_id: int | None = None,
    user_id: int | None = None,
    region_code: str = "",
) -> dict:
    """The subject's keyword arguments for services.open_case; CaseInputError when the named
    unit, department, person or region is not one of the case's region that the caller sees."""
    scope = scope_for(user, "accountability.view")
    name = (name or "").strip()
    out = {"subject_kind": kind, "subject_name": name}
    if kind == SubjectKind.UNIT:
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
        if unit is None or not scope.covers(unit.region_id) or not _inside(region, unit.region_id):
            raise CaseInputError(_("Choose a unit of the case's region."))
        out.update(unit=unit, subject_name=name or unit.name)
    elif kind == SubjectKind.DEPARTMENT:
        if department_id:
            dept = Department.objects.filter(pk=department_id).first()
            if dept is None or not scope.covers(dept.region_id):
                raise CaseInputError(_("Choose a department of the case's region."))
            if not _inside(region, dept.region_id):
                raise CaseInputError(_("Choose a department of the case's region."))
            out.update(department=dept, subject_name=name or dept.name_zh)
        elif not name:
            raise CaseInputError(_("Choose the department or give its name."))
    elif kind == SubjectKind.REGION:
        code = region_code or region.code
        found = Region.objects.filter(code=code).first()
        if found is None or not scope.covers_region(found.code) or not _inside(region, found.code):
            raise CaseInputError(_("Choose a region inside the case's region."))
        out.update(subject_region=found, subject_name=name or f"{found.name_zh}人民政府")
    elif kind == SubjectKind.PERSON:
        if user_id:
            person = User.objects.filter(pk=user_id).first()
            codes = (
                set(Membership.objects.filter(user=person).values_list("region_id", flat=True))
                if person
                else set()
            )
            if person is None or not any(scope.covers(c) and _inside(region, c) for c in codes):
                raise CaseInputError(_("Choose a person who holds a role in the case's region."))
            out.update(subject_user=person, subject_name=name or str(person))
        elif not name:
            raise CaseInputError(_("Give the person's name."))
    else:
        raise CaseInputError(_("Choose who is held to account."))
    return out
