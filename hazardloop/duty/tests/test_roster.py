"""Rosters: the pattern, gaps and overlaps refused, double booking refused, the month check
(gaps, shortfalls incl. heightened duty, missing leaders, unstaffed key posts)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from hazardloop.accounts.choices import Role
from hazardloop.duty import patterns, queries, services
from hazardloop.duty.choices import Problem
from hazardloop.duty.models import Shift
from hazardloop.duty.tests.helpers import at, roster, shift
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import HOME, NEIGHBOUR, make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The problems' words are read in English here (their Chinese is in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_pattern_parsing_and_day_slots():
    assert patterns.parse("08:00, 16:00, 00:00") == ["08:00", "16:00", "00:00"]
    with pytest.raises(patterns.PatternError):
        patterns.parse(["08:00", "00:00", "16:00"])  # not in the duty day's order
    with pytest.raises(patterns.PatternError):
        patterns.parse(["8:00"])
    with pytest.raises(patterns.PatternError):
        patterns.parse(["08:00", "08:00"])
    slots = patterns.shifts_of_day(["08:00", "16:00", "00:00"], dt.date(2026, 12, 5))
    assert [(a.strftime("%d %H:%M"), b.strftime("%d %H:%M")) for a, b in slots] == [
        ("05 08:00", "05 16:00"),
        ("05 16:00", "06 00:00"),
        ("06 00:00", "06 08:00"),
    ]
    one = patterns.shifts_of_day(["08:00"], dt.date(2026, 12, 31))
    assert one[0][1] - one[0][0] == dt.timedelta(hours=24)
    assert patterns.duty_day(["08:00"], at("2026-12-06 07:59")) == dt.date(2026, 12, 5)
    assert patterns.duty_day(["08:00"], at("2026-12-06 08:00")) == dt.date(2026, 12, 6)


def test_fill_month_covers_every_day_without_gaps(cast):
    r = roster(cast, starts=("08:00", "16:00", "00:00"))
    created = services.fill_month(r, dt.date(2026, 12, 1), actor=cast.regulator)
    assert created == 31 * 3
    assert services.fill_month(r, dt.date(2026, 12, 1), actor=cast.regulator) == 0  # idempotent
    days = queries.month_view(r, dt.date(2026, 12, 1))
    assert all(not [p for p in d.problems if p[0] == Problem.GAP] for d in days)
    # …but every shift lacks people and every day its leader: flagged, not accepted silently.
    assert all(d.flagged for d in days)
    assert {p[0] for d in days for p in d.problems} == {Problem.NO_LEADER}


def test_a_shift_that_leaves_a_gap_or_overlaps_is_refused(cast):
    r = roster(cast)
    shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    with pytest.raises(services.DutyError) as gap:
        shift(cast, r, "2026-12-06 09:00", "2026-12-07 08:00")
    assert gap.value.code == "gap" and "2026-12-06 08:00" in str(gap.value)
    with pytest.raises(services.DutyError) as gap_before:
        shift(cast, r, "2026-12-04 08:00", "2026-12-05 07:00")
    assert gap_before.value.code == "gap"
    with pytest.raises(services.DutyError) as overlap:
        shift(cast, r, "2026-12-06 07:00", "2026-12-07 07:00")
    assert overlap.value.code == "overlap"
    assert Shift.objects.count() == 1
    # end to end is accepted, before and after
    shift(cast, r, "2026-12-06 08:00", "2026-12-07 08:00")
    shift(cast, r, "2026-12-04 08:00", "2026-12-05 08:00")
    assert Shift.objects.count() == 3


def test_gap_detection_in_the_month_check(cast):
    r = roster(cast, starts=("08:00", "20:00"))
    shift(cast, r, "2026-12-05 08:00", "2026-12-05 20:00", cast.duty_officer)
    view = {d.day: d for d in queries.month_view(r, dt.date(2026, 12, 1))}
    gaps = [t for code, t in view[dt.date(2026, 12, 5)].problems if code == Problem.GAP]
    assert gaps == ["No shift from 20:00 to 08:00"]
    whole = [t for code, t in view[dt.date(2026, 12, 6)].problems if code == Problem.GAP]
    assert whole == ["No shift all day"]
    assert queries.gaps(r, dt.date(2026, 12, 5), []) != []


def test_double_booking_is_refused_across_rosters(cast):
    r = roster(cast)
    shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    second = shift(cast, r, "2026-12-06 08:00", "2026-12-07 08:00")
    # the same person on two overlapping shifts of another roster (same region)
    fire = make_department(HOME, DepartmentKind.FIRE)
    other = services.create_roster(actor=cast.regulator, department=fire, shift_starts=["20:00"])
    with pytest.raises(services.DutyError) as clash:
        services.add_shift(
            other,
            actor=cast.regulator,
            starts_at=at("2026-12-05 20:00"),
            ends_at=at("2026-12-06 20:00"),
            officers=[(cast.duty_officer, None)],
        )
    assert clash.value.code == "double_booked"
    assert "2026-12-05 08:00" in str(clash.value)
    # back to back is not a double booking
    services.set_officers(second, actor=cast.regulator, officers=[(cast.duty_officer, None)])
    with pytest.raises(services.DutyError):
        services.set_officers(
            second, actor=cast.regulator, officers=[(cast.regulator, None), (cast.regulator, None)]
        )


def test_only_people_of_the_region_may_stand_duty(cast):
    r = roster(cast)
    stranger = make_user(role=Role.DUTY_OFFICER, region=NEIGHBOUR)
    with pytest.raises(services.DutyError) as refused:
        shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", stranger)
    assert refused.value.code == "not_eligible"
    with pytest.raises(services.DutyError):
        services.set_leader(r, dt.date(2026, 12, 5), actor=cast.regulator, user=cast.unit_manager)


def test_heightened_duty_shortfall_is_flagged(cast):
    r = roster(cast, per_shift=1)
    colleague = make_user(role=Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    shift(cast, r, "2026-10-06 08:00", "2026-10-07 08:00", cast.duty_officer)
    shift(cast, r, "2026-10-07 08:00", "2026-10-08 08:00", cast.duty_officer, colleague)
    shift(cast, r, "2026-10-08 08:00", "2026-10-09 08:00", cast.duty_officer)
    # the province steps up duty for the National Day week
    services.create_period(
        actor=cast.province_regulator,
        region_code="220000",
        name="国庆假期",
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 10, 7),
        min_officers=2,
    )
    problems = queries.check(r, dt.date(2026, 10, 1))
    short = {(p["day"], p["text"]) for p in problems if p["problem"] == Problem.SHORT}
    assert short == {(dt.date(2026, 10, 6), "1 of 2 duty officers")}
    view = {d.day: d for d in queries.month_view(r, dt.date(2026, 10, 1))}
    assert view[dt.date(2026, 10, 7)].period.name == "国庆假期"
    assert view[dt.date(2026, 10, 8)].period is None  # after the week: one is enough


def test_key_posts_must_be_staffed(cast):
    r = roster(cast, posts=[("消防控制室", 2)])
    post = r.key_posts.get()
    s = shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    problems = {p["problem"] for p in queries.check(r, dt.date(2026, 12, 1)) if p["shift"] == s.pk}
    assert Problem.POST_UNSTAFFED in problems
    colleague = make_user(role=Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    services.set_officers(
        s,
        actor=cast.regulator,
        officers=[(cast.duty_officer, None), (cast.regulator, post), (colleague, post)],
    )
    problems = {p["problem"] for p in queries.check(r, dt.date(2026, 12, 1)) if p["shift"] == s.pk}
    assert problems == set()


def test_leader_of_every_day(cast):
    r = roster(cast)
    shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    leader = make_user(role=Role.LEADER, region=HOME, kind=DepartmentKind.EMERGENCY)
    services.set_leader(r, dt.date(2026, 12, 5), actor=cast.regulator, user=leader)
    view = {d.day: d for d in queries.month_view(r, dt.date(2026, 12, 1))}
    assert view[dt.date(2026, 12, 5)].leader == leader
    assert view[dt.date(2026, 12, 5)].problems == []
    assert (Problem.NO_LEADER, "No leader on duty") in view[dt.date(2026, 12, 6)].problems


def test_only_regulators_of_the_region_manage(cast):
    r = roster(cast)
    for who in (cast.duty_officer, cast.inspector, cast.neighbour_regulator):
        with pytest.raises(PermissionDenied):
            services.fill_month(r, dt.date(2026, 12, 1), actor=who)
    assert services.fill_month(r, dt.date(2026, 12, 1), actor=cast.city_regulator) == 31


def test_a_period_set_above_is_listed_below_but_not_beside(cast):
    from hazardloop.duty import access

    services.create_period(
        actor=cast.city_regulator,
        region_code="220100",
        name="两会期间",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 10),
        min_officers=2,
    )
    assert access.visible_periods(cast.duty_officer).count() == 1  # Nanguan, under Changchun
    assert access.visible_periods(cast.province_regulator).count() == 1
    assert access.visible_periods(cast.admin).count() == 1
    assert access.visible_periods(cast.unit_manager).count() == 0
    with pytest.raises(PermissionDenied):  # a county may not set one for its city
        services.create_period(
            actor=cast.regulator, region_code="220100", name="x",
            starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 2), min_officers=2,
        )  # fmt: skip


def test_leader_form_names_and_removes(cast):
    from hazardloop.duty.models import LeaderDay
    from hazardloop.testing import web_client

    r = roster(cast)
    client = web_client(cast.regulator)
    url = f"/duty/rosters/{r.pk}/leader/"
    client.post(url, {"day": "2026-12-05", "user": ""})  # nothing chosen: nothing changes
    assert not LeaderDay.objects.exists()
    client.post(url, {"day": "2026-12-05", "user": cast.regulator.pk})
    assert LeaderDay.objects.get().user == cast.regulator
    client.post(url, {"day": "2026-12-05", "user": cast.neighbour_regulator.pk})  # not theirs
    assert LeaderDay.objects.get().user == cast.regulator
    client.post(url, {"day": "2026-12-05", "user": "none"})
    assert not LeaderDay.objects.exists()
