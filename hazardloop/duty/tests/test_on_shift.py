"""On the shift: who is on duty (boundaries, midnight, regions above), check-in lateness with
a frozen clock, the handover signed by both sides, swaps with approval, reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazardloop.accounts.choices import Role
from hazardloop.duty import jobs, queries, services
from hazardloop.duty.choices import SwapStatus
from hazardloop.duty.models import Assignment
from hazardloop.duty.tests.helpers import at, roster, shift
from hazardloop.notifications.models import Notification
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import HOME, make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(cast):
    """Three 8-hour shifts on 5 December: day, evening, night (across midnight)."""
    r = roster(cast, starts=("08:00", "16:00", "00:00"))
    night = make_user("t-night", Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    leader = make_user("t-dleader", Role.LEADER, region=HOME, kind=DepartmentKind.EMERGENCY)
    day = shift(cast, r, "2026-12-05 08:00", "2026-12-05 16:00", cast.duty_officer)
    evening = shift(cast, r, "2026-12-05 16:00", "2026-12-06 00:00", cast.regulator)
    overnight = shift(cast, r, "2026-12-06 00:00", "2026-12-06 08:00", night)
    services.set_leader(r, dt.date(2026, 12, 5), actor=cast.regulator, user=leader)
    return {"roster": r, "day": day, "evening": evening, "night": overnight, "leader": leader,
            "night_officer": night}  # fmt: skip


def _names(found):
    return [p.user.username for p in found.officers]


def test_on_duty_at_the_boundaries(cast, three):
    # the start is inclusive, the end exclusive
    assert _names(queries.on_duty(HOME, at("2026-12-05 08:00"))) == ["t-duty"]
    assert _names(queries.on_duty(HOME, at("2026-12-05 15:59:59"))) == ["t-duty"]
    assert _names(queries.on_duty(HOME, at("2026-12-05 16:00"))) == ["t-reg"]
    assert _names(queries.on_duty(HOME, at("2026-12-06 07:59:59"))) == ["t-night"]
    # before the first shift and after the last: a gap, but the roster and its phone answer
    before = queries.on_duty(HOME, at("2026-12-05 07:59:59"))
    assert before.shift is None and before.officers == [] and before.duty_phone
    after = queries.on_duty(HOME, at("2026-12-06 08:00"))
    assert after.shift is None


def test_on_duty_across_midnight_keeps_the_days_leader(cast, three):
    found = queries.on_duty(HOME, at("2026-12-06 03:00"))
    assert found.shift == three["night"] and found.shift.day == dt.date(2026, 12, 5)
    assert found.leader == three["leader"]  # the duty day of 5 December runs to 08:00 on the 6th
    assert [u.username for u in found.people] == ["t-night", "t-dleader"]
    assert queries.on_duty(HOME, at("2026-12-05 23:59:59")).leader == three["leader"]


def test_on_duty_for_a_region_without_a_roster_asks_the_region_above(cast, three):
    township = "220102001"  # under Nanguan: no department, Nanguan's duty answers
    found = queries.on_duty(township, at("2026-12-05 09:00"))
    assert found.roster == three["roster"] and _names(found) == ["t-duty"]
    # a neighbour county has no roster; nor has Changchun: nothing answers
    assert queries.on_duty("220103", at("2026-12-05 09:00")).roster is None
    # once the city keeps one, it answers for the neighbour (the nearest region above)
    city = services.create_roster(
        actor=cast.city_regulator,
        department=make_department("220100", DepartmentKind.EMERGENCY),
        shift_starts=["08:00"],
    )
    assert queries.on_duty("220103", at("2026-12-05 09:00")).roster == city
    assert queries.on_duty(HOME, at("2026-12-05 09:00")).roster == three["roster"]


def test_on_duty_prefers_the_configured_department_kind(cast, three, settings):
    fire = services.create_roster(
        actor=cast.regulator,
        department=make_department(HOME, DepartmentKind.FIRE),
        shift_starts=["08:00"],
    )
    assert queries.on_duty(HOME, at("2026-12-05 09:00")).roster == three["roster"]
    settings.DUTY_DEPARTMENT_KINDS = ["fire", "emergency"]
    assert queries.on_duty(HOME, at("2026-12-05 09:00")).roster == fire


def test_on_duty_is_a_fixed_number_of_queries(cast, three):
    more = [make_user(role=Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
            for _i in range(3)]  # fmt: skip
    services.set_officers(
        three["day"], actor=cast.regulator,
        officers=[(u, None) for u in (cast.duty_officer, *more)],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        found = queries.on_duty("220102001", at("2026-12-05 09:00"))
        assert len(found.officers) == 4 and found.leader
    assert len(ctx.captured_queries) <= 4


def test_check_in_on_time_late_and_refused(cast, three, settings):
    settings.DUTY_CHECK_IN_EARLY_MINUTES = 30
    settings.DUTY_CHECK_IN_GRACE_MINUTES = 10
    day = three["day"]
    with pytest.raises(services.DutyConflict):  # too early
        services.check_in(day, actor=cast.duty_officer, now=at("2026-12-05 07:29"))
    a = services.check_in(day, actor=cast.duty_officer, now=at("2026-12-05 08:10"))
    assert a.checked_in_at == at("2026-12-05 08:10") and not a.check_in_late
    with pytest.raises(services.DutyConflict):  # twice
        services.check_in(day, actor=cast.duty_officer, now=at("2026-12-05 08:11"))
    late = services.check_in(three["evening"], actor=cast.regulator, now=at("2026-12-05 16:10:01"))
    assert late.check_in_late
    with pytest.raises(services.DutyConflict):  # over
        services.check_in(three["night"], actor=three["night_officer"], now=at("2026-12-06 08:00"))
    with pytest.raises(PermissionDenied):  # not theirs
        services.check_in(three["night"], actor=cast.duty_officer, now=at("2026-12-06 00:05"))
    assert Assignment.objects.filter(checked_in_at__isnull=False).count() == 2


def test_handover_signed_by_both_sides(cast, three):
    day = three["day"]
    with pytest.raises(services.DutyConflict):  # not started
        services.write_handover(day, actor=cast.duty_officer, note="x", now=at("2026-12-05 07:00"))
    with pytest.raises(PermissionDenied):  # not on the shift
        services.write_handover(day, actor=cast.regulator, note="x", now=at("2026-12-05 15:00"))
    with pytest.raises(services.DutyConflict):  # nothing written yet
        services.confirm_handover(day, actor=cast.regulator, now=at("2026-12-05 16:01"))
    h = services.write_handover(
        day,
        actor=cast.duty_officer,
        note="化工园区报警一次，已核实误报。",
        now=at("2026-12-05 15:50"),
    )
    assert h.written_by == cast.duty_officer and h.confirmed_at is None
    with pytest.raises(PermissionDenied):  # the writer is not the next shift
        services.confirm_handover(day, actor=cast.duty_officer, now=at("2026-12-05 16:01"))
    with pytest.raises(PermissionDenied):  # the shift after next is not the next shift
        services.confirm_handover(day, actor=three["night_officer"], now=at("2026-12-05 16:01"))
    h = services.confirm_handover(day, actor=cast.regulator, now=at("2026-12-05 16:02"))
    assert h.confirmed_by == cast.regulator and h.confirmed_at == at("2026-12-05 16:02")
    with pytest.raises(services.DutyConflict):  # confirmed: no rewriting
        services.write_handover(day, actor=cast.duty_officer, note="y", now=at("2026-12-05 16:03"))


def test_swap_with_approval(cast, three):
    colleague = make_user("t-coll", Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    night = three["night"]
    now = at("2026-12-05 09:00")
    swap = services.request_swap(
        night, actor=three["night_officer"], replacement=colleague, reason="家中有事", now=now
    )
    assert swap.status == SwapStatus.PENDING
    # the regulator of the region is told
    assert Notification.objects.filter(recipient=cast.regulator, key=f"duty:swap:{swap.pk}")
    with pytest.raises(services.DutyConflict):  # one pending request at a time
        services.request_swap(night, actor=three["night_officer"], replacement=colleague, now=now)
    with pytest.raises(PermissionDenied):  # a duty officer may not approve
        services.decide_swap(swap, actor=cast.duty_officer, approve=True)
    with pytest.raises(PermissionDenied):  # nor a regulator of another county
        services.decide_swap(swap, actor=cast.neighbour_regulator, approve=True)
    services.decide_swap(swap, actor=cast.regulator, approve=True, now=now)
    assert list(night.assignments.values_list("user__username", flat=True)) == ["t-coll"]
    assert queries.on_duty(HOME, at("2026-12-06 01:00")).officers[0].user == colleague
    with pytest.raises(services.DutyConflict):
        services.decide_swap(swap, actor=cast.regulator, approve=False)
    assert Notification.objects.filter(recipient=colleague).exists()


def test_a_refused_swap_changes_nothing(cast, three):
    colleague = make_user("t-coll", Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    swap = services.request_swap(
        three["day"], actor=cast.duty_officer, replacement=colleague, now=at("2026-12-05 07:00")
    )
    services.decide_swap(swap, actor=cast.regulator, approve=False, note="人手不足")
    swap.refresh_from_db()
    assert swap.status == SwapStatus.REFUSED and swap.decided_by == cast.regulator
    assert three["day"].assignments.get().user == cast.duty_officer


def test_a_swap_to_someone_already_on_duty_is_refused(cast, three):
    colleague = make_user("t-coll", Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    fire = services.create_roster(
        actor=cast.regulator,
        department=make_department(HOME, DepartmentKind.FIRE),
        shift_starts=["16:00"],
    )
    # the night officer stands a fire-brigade shift during the day shift
    services.add_shift(
        fire,
        actor=cast.regulator,
        starts_at=at("2026-12-05 10:00"),
        ends_at=at("2026-12-05 16:00"),
        officers=[(three["night_officer"], None)],
    )
    with pytest.raises(services.DutyError) as clash:
        services.request_swap(
            three["day"], actor=cast.duty_officer, replacement=three["night_officer"],
            now=at("2026-12-05 07:00"),
        )  # fmt: skip
    assert clash.value.code == "double_booked"
    # asked while free, booked elsewhere before the decision: the approval is refused
    swap = services.request_swap(
        three["evening"], actor=cast.regulator, replacement=colleague, now=at("2026-12-05 07:00")
    )
    services.add_shift(
        fire,
        actor=cast.regulator,
        starts_at=at("2026-12-05 16:00"),
        ends_at=at("2026-12-05 20:00"),
        officers=[(colleague, None)],
    )
    with pytest.raises(services.DutyError) as refused:
        services.decide_swap(swap, actor=cast.regulator, approve=True)
    assert refused.value.code == "double_booked"
    assert three["evening"].assignments.get().user == cast.regulator


def test_reminders_once_before_the_shift(cast, three, settings):
    settings.DUTY_REMINDER_MINUTES = 60
    assert jobs.remind_shifts_once(at("2026-12-05 06:59")) == 0
    assert jobs.remind_shifts_once(at("2026-12-05 07:00")) == 1
    assert jobs.remind_shifts_once(at("2026-12-05 07:30")) == 0  # idempotent
    note = Notification.objects.get(recipient=cast.duty_officer)
    assert note.link == f"/duty/shifts/{three['day'].pk}/"
    assert jobs.remind_shifts_once(at("2026-12-05 15:00")) == 1  # the evening shift
    assert jobs.remind_shifts_once(at("2026-12-05 08:00")) == 0  # started: no reminder
