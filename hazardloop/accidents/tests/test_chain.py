"""The reporting chain with a frozen clock: deadlines (1 hour from the unit, 2 hours a level),
routing by grade, receipts and forwarding timestamped by the person, late steps flagged at
each level, regrading that re-routes, follow-ups missed and flagged by the sweep."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from hazardloop.accidents import jobs, services
from hazardloop.accidents.models import Accident
from hazardloop.accidents.rules import reporting_rules
from hazardloop.accidents.tests.factories import T0, make_accident
from hazardloop.accounts.choices import Role
from hazardloop.core.errors import Conflict
from hazardloop.notifications.models import Notification
from hazardloop.testing import CITY, PROVINCE, build_cast, make_user

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


@pytest.fixture
def cast():
    c = build_cast()
    c.city_duty = make_user("t-duty-city", Role.DUTY_OFFICER, region=CITY)
    c.province_duty = make_user("t-duty-prov", Role.DUTY_OFFICER, region=PROVINCE)
    return c


def levels(accident):
    return [s.level for s in accident.steps.order_by("seq")]


@pytest.mark.parametrize(
    ("figures", "route"),
    [
        ({}, ["county", "prefecture"]),
        ({"deaths": 3}, ["county", "prefecture", "province"]),
        ({"serious_injuries": 50}, ["county", "prefecture", "province", "state_council"]),
        ({"direct_loss_cny": 100_000_000}, ["county", "prefecture", "province", "state_council"]),
    ],
)
def test_routing_per_grade(cast, figures, route):
    accident = make_accident(cast.unit_manager, unit=cast.unit, **figures)
    assert levels(accident) == route
    regions = [s.region_code for s in accident.steps.order_by("seq")]
    assert regions[:3] == ["220102", "220100", "220000"][: len(regions[:3])]


def test_deadlines_one_hour_then_two_per_level(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=3)
    due = [s.due_at for s in accident.steps.order_by("seq")]
    assert due == [T0 + H, T0 + 3 * H, T0 + 5 * H]


def test_on_time_all_the_way_up(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=10, now=T0 + 50 * M)
    services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 55 * M)
    step2 = accident.steps.get(seq=2)
    assert step2.due_at == T0 + 55 * M + 2 * H  # two hours from the county's receipt
    services.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 2 * H)
    services.receive_step(accident, 2, actor=cast.city_duty, now=T0 + 2 * H + M)
    services.forward_step(accident, 2, actor=cast.city_duty, now=T0 + 3 * H)
    services.receive_step(accident, 3, actor=cast.province_duty, now=T0 + 3 * H + M)
    last = services.forward_step(accident, 3, actor=cast.province_duty, now=T0 + 4 * H)
    assert last.level == "state_council"
    assert last.received_at == T0 + 4 * H and last.received_by == cast.province_duty
    steps = list(accident.steps.order_by("seq"))
    assert [s.late for s in steps] == [False, False, False, False]
    assert steps[0].received_by == cast.duty_officer and steps[0].forwarded_by == cast.duty_officer
    with pytest.raises(Conflict):
        services.forward_step(accident, 4, actor=cast.province_duty, now=T0 + 5 * H)


def test_the_unit_reports_late(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 61 * M)
    assert accident.steps.get(seq=1).late


def test_the_county_reports_up_late(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 10 * M)
    services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    following = services.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 2 * H + 21 * M)
    assert following.late and following.level == "prefecture"


def test_the_city_reports_up_late(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=3, now=T0 + 10 * M)
    services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    services.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 30 * M)
    services.receive_step(accident, 2, actor=cast.city_duty, now=T0 + 40 * M)
    following = services.forward_step(accident, 2, actor=cast.city_duty, now=T0 + 2 * H + 41 * M)
    assert following.late and following.level == "province"
    assert not accident.steps.get(seq=2).late


def test_the_province_reports_to_the_state_council_late(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=10, now=T0 + 10 * M)
    for seq, who in ((1, cast.duty_officer), (2, cast.city_duty)):
        services.receive_step(accident, seq, actor=who, now=T0 + seq * H)
        services.forward_step(accident, seq, actor=who, now=T0 + seq * H + M)
    services.receive_step(accident, 3, actor=cast.province_duty, now=T0 + 3 * H)
    top = services.forward_step(accident, 3, actor=cast.province_duty, now=T0 + 5 * H + M)
    assert top.late and top.level == "state_council"


def test_sweep_flags_a_step_nobody_sent_and_tells_the_level_below(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 10 * M)
    services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    assert jobs.chain_overdue_once(T0 + 2 * H) == 0
    assert jobs.chain_overdue_once(T0 + 2 * H + 21 * M) == 1
    assert jobs.chain_overdue_once(T0 + 3 * H) == 0  # once
    assert accident.steps.get(seq=2).late
    assert Notification.objects.filter(
        recipient=cast.duty_officer, key=f"accident.step_late.{accident.steps.get(seq=2).pk}"
    ).exists()


def test_only_the_receiving_level_receives_and_forwards(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 10 * M)
    with pytest.raises(PermissionDenied):
        services.receive_step(accident, 1, actor=cast.city_duty, now=T0 + 20 * M)
    with pytest.raises(Conflict):
        services.receive_step(accident, 2, actor=cast.city_duty, now=T0 + 20 * M)
    with pytest.raises(Conflict):
        services.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    with pytest.raises(Conflict):
        services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 21 * M)


def test_the_county_is_told_and_a_county_filer_has_received_it(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit)
    assert Notification.objects.filter(
        recipient=cast.duty_officer, object_id=str(accident.pk)
    ).exists()
    own = make_accident(cast.duty_officer, unit=cast.unit)
    first = own.steps.get(seq=1)
    assert first.received_by == cast.duty_officer


def test_regrade_within_the_window_adds_the_higher_levels(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=1, accident_type="other")
    services.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 30 * M)
    services.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 40 * M)
    services.receive_step(accident, 2, actor=cast.city_duty, now=T0 + 50 * M)
    when = T0 + dt.timedelta(days=30, hours=10)  # the 30th day after, still inside
    update = services.add_update(
        accident, actor=cast.unit_manager, note="又有两人经抢救无效死亡", deaths=3, now=when
    )
    accident.refresh_from_db()
    assert update.kind == "supplementary" and update.applied
    assert (update.grade_before, update.grade_after) == ("general", "larger")
    assert accident.grade == "larger" and levels(accident) == ["county", "prefecture", "province"]
    added = accident.steps.get(level="province")
    assert added.added_by_regrade and added.due_at == when + 2 * H
    services.forward_step(accident, 2, actor=cast.city_duty, now=when + H)
    assert not accident.steps.get(level="province").late


def test_change_after_the_window_is_recorded_not_counted(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=1, accident_type="other")
    when = T0 + dt.timedelta(days=31, hours=1)
    update = services.add_update(
        accident, actor=cast.unit_manager, note="伤者死亡", deaths=3, now=when
    )
    accident.refresh_from_db()
    assert not update.applied and update.deaths == 3
    assert accident.deaths == 1 and accident.grade == "general"
    assert levels(accident) == ["county", "prefecture"]


@pytest.mark.parametrize(("days", "counted"), [(7, True), (8, False)])
def test_road_traffic_and_fire_have_seven_days(cast, days, counted):
    for kind in ("road_traffic", "fire"):
        accident = make_accident(cast.unit_manager, unit=cast.unit, accident_type=kind)
        update = services.add_update(
            accident,
            actor=cast.unit_manager,
            note="伤者死亡",
            deaths=3,
            now=T0 + dt.timedelta(days=days, hours=5),
        )
        accident.refresh_from_db()
        assert update.applied is counted
        assert accident.grade == ("larger" if counted else "general")


def test_grade_can_fall_and_the_reported_levels_stay(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, deaths=3)
    services.add_update(
        accident, actor=cast.unit_manager, note="核实为2人死亡", deaths=2, now=T0 + 3 * H
    )
    accident.refresh_from_db()
    assert accident.grade == "general"
    assert levels(accident) == ["county", "prefecture", "province"]


def test_follow_ups_once_a_day_and_twice_for_major(cast):
    general = make_accident(cast.unit_manager, unit=cast.unit, now=T0)
    major = make_accident(cast.unit_manager, unit=cast.unit, deaths=10, now=T0)
    assert general.follow_up_due_at == T0 + 24 * H and major.follow_up_due_at == T0 + 12 * H
    assert jobs.follow_ups_once(T0 + 11 * H) == 0
    assert jobs.follow_ups_once(T0 + 13 * H) == 1
    assert jobs.follow_ups_once(T0 + 13 * H) == 0  # counted once
    major.refresh_from_db()
    assert major.missed_follow_ups == 1 and major.follow_up_due_at == T0 + 24 * H
    services.add_update(general, actor=cast.unit_manager, note="现场清理完毕", now=T0 + 20 * H)
    assert jobs.follow_ups_once(T0 + 25 * H) == 1  # the major one again; the general is fresh
    assert Notification.objects.filter(
        recipient=cast.unit_manager, key__startswith="accident.follow_up"
    ).exists()
    services.add_update(general, actor=cast.unit_manager, note="终报", final=True, now=T0 + 30 * H)
    general.refresh_from_db()
    assert general.status == "closed" and general.follow_up_due_at is None
    # Only the major one, due at 36, 48, 60, 72, 84 and 96 hours: six misses.
    assert jobs.follow_ups_once(T0 + 100 * H) == 6


@override_settings(ACCIDENT_REPORTING={"unit_minutes": 30, "level_minutes": 600})
def test_local_rules_may_be_stricter_never_looser(cast):
    rules = reporting_rules()
    assert rules.unit_minutes == 30 and rules.level_minutes == 120
    accident = make_accident(cast.unit_manager, unit=cast.unit)
    assert accident.steps.get(seq=1).due_at == T0 + 30 * M


def test_a_unit_reports_only_for_itself(cast):
    with pytest.raises(services.AccidentInputError):
        make_accident(cast.unit_manager, unit=cast.other_unit)
    with pytest.raises(services.AccidentInputError):
        make_accident(cast.unit_manager)  # no unit: a region is not theirs
    with pytest.raises(services.AccidentInputError):
        make_accident(cast.neighbour_regulator, region_code="220102")
    assert Accident.objects.count() == 0
