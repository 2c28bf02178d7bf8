"""/api/v1/calendars, /api/v1/deadline-policies and /api/v1/hazards/{id}/clock.

Holiday calendars and deadline policies (hazards/calendars.py says who may read and change
them: department roles read, the province level changes), and the legal clock of one hazard
with the years whose holiday calendar it had to estimate.
"""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from hazardloop.accounts.access import get_in_scope_or_404
from hazardloop.core.api import Code, Id, RegionCode, Text
from hazardloop.hazards import calendars
from hazardloop.hazards.deadlines import calendar_note, missing_years
from hazardloop.hazards.models import DeadlinePolicy, Hazard, HolidayYear

router = Router(tags=["calendars"])


class YearOut(Schema):
    year: int
    name: str
    source: str
    holidays: list[str]
    workdays: list[str]
    loaded_at: dt.datetime

    @staticmethod
    def resolve_holidays(obj) -> list[str]:
        return list(obj.document.get("holidays", []))

    @staticmethod
    def resolve_workdays(obj) -> list[str]:
        return list(obj.document.get("workdays", []))


class YearsOut(Schema):
    years: list[YearOut]
    # This year, and from 1 November next year, when their calendar is not loaded.
    missing: list[int]
    may_edit: bool


DAYS = Annotated[list[Text(40)], Field(max_length=400)]  # dates or ranges of one year
YEAR = Annotated[int, Field(ge=2000, le=2100)]


class YearIn(Schema):
    name: Text(200)
    source: Text(300) = ""
    holidays: DAYS
    workdays: DAYS = []


class YearSaved(Schema):
    calendar: YearOut
    created: bool
    clocks_recomputed: int


class PolicyOut(Schema):
    id: int
    region_prefix: str
    region_name: str
    grade: str
    category: str
    days: int
    working_days: bool
    note: str

    @staticmethod
    def resolve_region_name(obj) -> str:
        region = calendars.region_of_prefix(obj.region_prefix)
        return region.name if region else ""


class PolicyIn(Schema):
    region_prefix: RegionCode
    grade: Code
    category: Text(32) = ""
    days: Annotated[int, Field(ge=0, le=32767)]
    working_days: bool = False
    note: Text(200) = ""


class HazardClockOut(Schema):
    hazard_id: int
    clock: str
    clock_label: str
    due_at: dt.datetime | None
    estimated: bool
    missing_years: list[int]
    note: str


@router.get("/calendars", response=YearsOut)
def list_years(request):
    """The holiday calendars loaded, and the years missing (this year, and from 1 November
    next year)."""
    calendars.require_read(request.user)
    overview = calendars.years_overview()
    return {
        "years": overview["years"],
        "missing": overview["missing"],
        "may_edit": calendars.may_edit(request.user),
    }


@router.get("/calendars/{year}", response=YearOut)
def get_year(request, year: YEAR):
    calendars.require_read(request.user)
    return get_object_or_404(HolidayYear, year=year)


@router.put("/calendars/{year}", response={200: YearSaved, 201: YearSaved})
def put_year(request, year: YEAR, payload: YearIn):
    """Create or replace a year's calendar (province level): the holidays (dates or ranges
    `YYYY-MM-DD/YYYY-MM-DD`) and the make-up working days (Saturdays or Sundays), all in the
    year. Clocks estimated for want of it are computed again."""
    row, created, refreshed = calendars.save_year(
        {"year": year, **payload.dict()}, actor=request.user
    )
    body = {"calendar": row, "created": created, "clocks_recomputed": refreshed}
    return (201 if created else 200), body


@router.get("/deadline-policies", response=list[PolicyOut])
def list_policies(request):
    """The default rectification deadlines by region, grade and category."""
    calendars.require_read(request.user)
    return calendars.policies()


@router.post("/deadline-policies", response={201: PolicyOut})
def create_policy(request, payload: PolicyIn):
    policy = calendars.save_policy(payload.dict(), actor=request.user)
    return 201, policy


def _policy(request, policy_id: int) -> DeadlinePolicy:
    calendars.require_read(request.user)
    policy = DeadlinePolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise Http404(_("Not found."))
    return policy


@router.get("/deadline-policies/{policy_id}", response=PolicyOut)
def get_policy(request, policy_id: Id):
    return _policy(request, policy_id)


@router.put("/deadline-policies/{policy_id}", response=PolicyOut)
def update_policy(request, policy_id: Id, payload: PolicyIn):
    policy = _policy(request, policy_id)
    return calendars.save_policy(payload.dict(), actor=request.user, policy=policy)


@router.delete("/deadline-policies/{policy_id}", response={204: None})
def delete_policy(request, policy_id: Id):
    policy = _policy(request, policy_id)
    calendars.delete_policy(policy, actor=request.user)
    return 204, None


@router.get("/hazards/{hazard_id}/clock", response=HazardClockOut)
def hazard_clock(request, hazard_id: Id):
    """The regulator's or the unit's time limit now running on the hazard; when a holiday
    calendar it needs is missing, `estimated`, the missing years and a note."""
    hazard = get_in_scope_or_404(
        request.user,
        Hazard.objects.all(),
        perm="hazard.view",
        region_field="region_code",
        unit_field="unit",
        pk=hazard_id,
    )
    years = missing_years(hazard)
    return {
        "hazard_id": hazard.pk,
        "clock": hazard.clock,
        "clock_label": str(hazard.get_clock_display()) if hazard.clock else "",
        "due_at": hazard.clock_due_at,
        "estimated": hazard.clock_estimated,
        "missing_years": years,
        "note": calendar_note(years) if hazard.clock_estimated else "",
    }
