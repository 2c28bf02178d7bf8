"""/api/v1/duty: rosters and shifts (list, create, update), the month check, check-in, handover,
swaps, heightened-duty periods and who is on duty now (docs/duty.md)."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from hazardloop.accounts.access import require
from hazardloop.accounts.models import User
from hazardloop.core.api import ApiError, Day, Id, ObjectIn, Pagination, RegionCode, Text
from hazardloop.core.api import When as WhenIn
from hazardloop.duty import access, patterns, queries, services
from hazardloop.duty.models import Assignment, KeyPost, Shift
from hazardloop.regions.models import Department

router = Router(tags=["duty"])

SmallCount = Annotated[int, Field(ge=1, le=services.MAX_OFFICERS)]
StartTime = Text(5)


class PersonOut(Schema):
    id: int
    name: str
    phone: str


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": str(user), "phone": user.phone}


class KeyPostIn(Schema):
    name: Text(100)
    min_staff: SmallCount = 1


class KeyPostOut(Schema):
    id: int
    name: str
    min_staff: int


class RosterOut(Schema):
    id: int
    department_id: int
    department: str
    region_code: str
    shift_starts: list[str]
    officers_per_shift: int
    duty_phone: str
    key_posts: list[KeyPostOut]

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)

    @staticmethod
    def resolve_key_posts(obj):
        return list(obj.key_posts.all())


class RosterIn(Schema):
    department_id: Id
    shift_starts: Annotated[list[StartTime], Field(min_length=1, max_length=patterns.MAX_SHIFTS)]
    officers_per_shift: SmallCount = 1
    duty_phone: Text(32) = ""
    key_posts: Annotated[list[KeyPostIn], Field(max_length=20)] = []


class RosterPatch(ObjectIn):
    shift_starts: (
        Annotated[list[StartTime], Field(min_length=1, max_length=patterns.MAX_SHIFTS)] | None
    ) = None
    officers_per_shift: SmallCount | None = None
    duty_phone: Text(32) | None = None
    key_posts: Annotated[list[KeyPostIn], Field(max_length=20)] | None = None


class AssignmentOut(Schema):
    id: int
    person: PersonOut
    post: str
    checked_in_at: dt.datetime | None
    late: bool


class ShiftOut(Schema):
    id: int
    roster_id: int
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    note: str
    version: int
    officers: list[AssignmentOut]

    @staticmethod
    def resolve_officers(obj):
        return [_assignment(a) for a in obj.assignments.all()]


def _assignment(a: Assignment) -> dict:
    return {
        "id": a.pk,
        "person": _person(a.user),
        "post": a.post.name if a.post else "",
        "checked_in_at": a.checked_in_at,
        "late": a.check_in_late,
    }


class OfficerIn(Schema):
    user_id: Id
    post_id: Id | None = None


Officers = Annotated[list[OfficerIn], Field(max_length=services.MAX_OFFICERS)]


class ShiftIn(Schema):
    starts_at: WhenIn
    ends_at: WhenIn
    officers: Officers = []
    note: Text(500) = ""


class ShiftPatch(ObjectIn):
    officers: Officers | None = None
    note: Text(500) | None = None


class MonthIn(Schema):
    month: Day = Field(description="Any day of the month; its first day is used.")


class FilledOut(Schema):
    created: int


class ProblemOut(Schema):
    day: dt.date
    shift: int | None
    problem: str = Field(description="gap, no_officer, short, no_leader or post_unstaffed.")
    text: str


class LeaderIn(Schema):
    day: Day
    user_id: Id | None = Field(None, description="Nobody (null) leaves the day flagged.")


class LeaderOut(Schema):
    day: dt.date
    leader: PersonOut | None


class HandoverIn(Schema):
    note: Text(2000)


class HandoverOut(Schema):
    shift_id: int
    note: str
    written_by: PersonOut
    written_at: dt.datetime
    confirmed_by: PersonOut | None
    confirmed_at: dt.datetime | None


def _handover(h) -> dict:
    return {
        "shift_id": h.shift_id,
        "note": h.note,
        "written_by": _person(h.written_by),
        "written_at": h.written_at,
        "confirmed_by": _person(h.confirmed_by),
        "confirmed_at": h.confirmed_at,
    }


class SwapIn(Schema):
    replacement_id: Id
    reason: Text(500) = ""


class DecisionIn(Schema):
    approve: bool
    note: Text(500) = ""


class SwapOut(Schema):
    id: int
    shift_id: int
    original: PersonOut
    replacement: PersonOut
    reason: str
    status: str = Field(description="pending, approved or refused.")
    decided_at: dt.datetime | None


def _swap(s) -> dict:
    return {
        "id": s.pk,
        "shift_id": s.assignment.shift_id,
        "original": _person(s.original_user),
        "replacement": _person(s.replacement),
        "reason": s.reason,
        "status": s.status,
        "decided_at": s.decided_at,
    }


class HeightenedPeriodIn(Schema):
    region_code: RegionCode
    name: Text(100)
    starts_on: Day
    ends_on: Day
    min_officers: SmallCount


class PeriodOut(Schema):
    id: int
    region_code: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    min_officers: int


class OnDutyPersonOut(Schema):
    id: int
    name: str
    phone: str
    post: str
    checked_in_at: dt.datetime | None


class OnDutyOut(Schema):
    region_code: str
    at: dt.datetime
    roster_region_code: str | None = Field(
        description="The region whose roster answered (the nearest at or above the one asked)."
    )
    department: str | None
    duty_phone: str
    shift_id: int | None = Field(description="Null: no shift covers this moment (a gap).")
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    officers: list[OnDutyPersonOut]
    leader: PersonOut | None


def _users(ids) -> dict[int, User]:
    found = {u.pk: u for u in User.objects.filter(pk__in=list(ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApiError(
            422, "not_eligible", _("Someone named here may not stand duty on this roster.")
        )
    return found


def _officers(roster, items) -> list:
    users = _users({o.user_id for o in items})
    posts = {p.pk: p for p in KeyPost.objects.filter(roster=roster)}
    out = []
    for o in items:
        post = None
        if o.post_id is not None:
            post = posts.get(o.post_id)
            if post is None:
                raise ApiError(422, "bad_post", _("That key post belongs to another roster."))
        out.append((users[o.user_id], post))
    return out


def _require_view(user) -> None:
    """A list or question for someone who may read no duty at all: 403."""
    if access.scope(user).is_empty:
        raise ApiError(403, "forbidden", _("Your role does not allow this action here."))


def _shift_qs():
    return Shift.objects.prefetch_related("assignments__user", "assignments__post")


# --- rosters ---------------------------------------------------------------------------------


@router.get("/rosters", response=list[RosterOut])
@paginate(Pagination)
def list_rosters(request):
    """The duty rosters of your scope."""
    _require_view(request.user)
    return (
        access.visible_rosters(request.user)
        .prefetch_related("key_posts")
        .order_by("region_code", "id")
    )


@router.post("/rosters", response={201: RosterOut})
def create_roster(request, payload: RosterIn):
    """A roster for a department of your scope (duty.manage there)."""
    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None or not access.may(request.user, "duty.view", department.region_id):
        raise ApiError(404, "not_found", _("Not found."))
    roster = services.create_roster(
        actor=request.user,
        department=department,
        shift_starts=payload.shift_starts,
        officers_per_shift=payload.officers_per_shift,
        duty_phone=payload.duty_phone,
        key_posts=[(p.name, p.min_staff) for p in payload.key_posts],
    )
    return 201, roster


@router.get("/rosters/{roster_id}", response=RosterOut)
def get_roster(request, roster_id: Id):
    return access.access_roster(request.user, roster_id)


@router.patch("/rosters/{roster_id}", response=RosterOut)
def update_roster(request, roster_id: Id, payload: RosterPatch):
    roster = access.access_roster(request.user, roster_id)
    key_posts = payload.key_posts
    return services.update_roster(
        roster,
        actor=request.user,
        shift_starts=payload.shift_starts,
        officers_per_shift=payload.officers_per_shift,
        duty_phone=payload.duty_phone,
        key_posts=None if key_posts is None else [(p.name, p.min_staff) for p in key_posts],
    )


@router.post("/rosters/{roster_id}/fill", response=FilledOut)
def fill_month(request, roster_id: Id, payload: MonthIn):
    """Lay out the month's shifts from the pattern (slots without people; idempotent)."""
    roster = access.access_roster(request.user, roster_id)
    return {"created": services.fill_month(roster, payload.month, actor=request.user)}


@router.get("/rosters/{roster_id}/check", response=list[ProblemOut])
def check_month(request, roster_id: Id, month: Day):
    """The month's problems: gaps, shifts short of officers (heightened duty included), days
    without a leader, key posts not staffed."""
    roster = access.access_roster(request.user, roster_id)
    return queries.check(roster, month)


@router.post("/rosters/{roster_id}/leaders", response=LeaderOut)
def set_leader(request, roster_id: Id, payload: LeaderIn):
    roster = access.access_roster(request.user, roster_id)
    user = None
    if payload.user_id is not None:
        user = _users({payload.user_id})[payload.user_id]
    services.set_leader(roster, payload.day, actor=request.user, user=user)
    return {"day": payload.day, "leader": _person(user)}


# --- shifts ----------------------------------------------------------------------------------


@router.get("/rosters/{roster_id}/shifts", response=list[ShiftOut])
@paginate(Pagination)
def list_shifts(request, roster_id: Id, start: Day | None = None, end: Day | None = None):
    """The roster's shifts by start time, optionally of the duty days start..end."""
    roster = access.access_roster(request.user, roster_id)
    qs = _shift_qs().filter(roster=roster)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    return qs.order_by("starts_at")


@router.post("/rosters/{roster_id}/shifts", response={201: ShiftOut})
def create_shift(request, roster_id: Id, payload: ShiftIn):
    """One shift; refused (422 `overlap`, `gap`, `double_booked`, `not_eligible`) when it
    overlaps a shift, leaves a gap beside the roster's shifts or books someone twice."""
    roster = access.access_roster(request.user, roster_id)
    services.manage_check(request.user, roster)
    shift = services.add_shift(
        roster,
        actor=request.user,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        officers=_officers(roster, payload.officers),
        note=payload.note,
    )
    return 201, _shift_qs().get(pk=shift.pk)


@router.get("/shifts/{shift_id}", response=ShiftOut)
def get_shift(request, shift_id: Id):
    shift = access.access_shift(request.user, shift_id)
    return _shift_qs().get(pk=shift.pk)


@router.patch("/shifts/{shift_id}", response=ShiftOut)
def update_shift(request, shift_id: Id, payload: ShiftPatch):
    """Put exactly these people on the shift (and/or change its note)."""
    shift = access.access_shift(request.user, shift_id)
    services.manage_check(request.user, shift.roster)
    officers = payload.officers
    if officers is None:
        officers = [(a.user, a.post) for a in shift.assignments.select_related("user", "post")]
    else:
        officers = _officers(shift.roster, officers)
    services.set_officers(shift, actor=request.user, officers=officers, note=payload.note)
    return _shift_qs().get(pk=shift.pk)


@router.post("/shifts/{shift_id}/check-in", response=AssignmentOut)
def check_in(request, shift_id: Id):
    """Check in to your own shift (late after the grace period is flagged)."""
    shift = access.access_shift(request.user, shift_id)
    assignment = services.check_in(shift, actor=request.user)
    return _assignment(Assignment.objects.select_related("user", "post").get(pk=assignment.pk))


@router.post("/shifts/{shift_id}/handover", response=HandoverOut)
def write_handover(request, shift_id: Id, payload: HandoverIn):
    """The outgoing officer writes the handover (rewritable until the next shift confirms)."""
    shift = access.access_shift(request.user, shift_id)
    return _handover(services.write_handover(shift, actor=request.user, note=payload.note))


@router.post("/shifts/{shift_id}/handover/confirm", response=HandoverOut)
def confirm_handover(request, shift_id: Id):
    """An officer of the next shift confirms the handover."""
    shift = access.access_shift(request.user, shift_id)
    return _handover(services.confirm_handover(shift, actor=request.user))


@router.post("/shifts/{shift_id}/swaps", response={201: SwapOut})
def request_swap(request, shift_id: Id, payload: SwapIn):
    """Ask to hand your shift to someone else; the department's regulator decides."""
    shift = access.access_shift(request.user, shift_id)
    replacement = _users({payload.replacement_id})[payload.replacement_id]
    swap = services.request_swap(
        shift, actor=request.user, replacement=replacement, reason=payload.reason
    )
    return 201, _swap(swap)


@router.post("/swaps/{swap_id}/decision", response=SwapOut)
def decide_swap(request, swap_id: Id, payload: DecisionIn):
    swap = access.access_swap(request.user, swap_id)
    swap = services.decide_swap(
        swap, actor=request.user, approve=payload.approve, note=payload.note
    )
    return _swap(swap)


# --- heightened duty -------------------------------------------------------------------------


@router.get("/periods", response=list[PeriodOut])
@paginate(Pagination)
def list_periods(request):
    """Heightened-duty periods set in your scope."""
    _require_view(request.user)
    return access.visible_periods(request.user).order_by("-starts_on")


@router.post("/periods", response={201: PeriodOut})
def create_period(request, payload: HeightenedPeriodIn):
    """Require at least `min_officers` per shift on every roster of the region and below."""
    from hazardloop.regions import codes
    from hazardloop.regions.models import Region

    code = codes.canonical(payload.region_code) if codes.is_code(payload.region_code) else ""
    if not Region.objects.filter(code=code).exists() or not access.may(
        request.user, "duty.view", code
    ):
        raise ApiError(404, "not_found", _("Not found."))
    require(request.user, "duty.manage", region_code=code)
    period = services.create_period(
        actor=request.user,
        region_code=code,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        min_officers=payload.min_officers,
    )
    return 201, period


# --- who is on duty now ----------------------------------------------------------------------


@router.get("/now", response=OnDutyOut)
def who_is_on_duty(request, region_code: RegionCode, at: WhenIn | None = None):
    """Who is on duty for a region at `at` (default now): the people of the shift covering it
    in the region's duty department (or the nearest region above with a roster) and the leader
    on duty. Any region of your scope, or above it."""
    _require_view(request.user)
    code = access.check_on_duty_region(request.user, region_code, loaded=False)
    when = at or timezone.now()
    found = queries.on_duty(code, when)
    return {
        "region_code": code,
        "at": when,
        "roster_region_code": found.roster.region_code if found.roster else None,
        "department": str(found.department) if found.roster else None,
        "duty_phone": found.duty_phone,
        "shift_id": found.shift.pk if found.shift else None,
        "starts_at": found.shift.starts_at if found.shift else None,
        "ends_at": found.shift.ends_at if found.shift else None,
        "officers": [
            {
                "id": p.user.pk,
                "name": str(p.user),
                "phone": p.user.phone,
                "post": p.post,
                "checked_in_at": p.checked_in_at,
            }
            for p in found.officers
        ],
        "leader": _person(found.leader),
    }
