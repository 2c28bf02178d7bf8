"""The clock of every open hazard state (deadlines.py), a missing holiday calendar, and the unit
risk that hazards feed (unit_risk.py)."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from hazardloop.audit.models import AuditEvent
from hazardloop.hazards import services
from hazardloop.hazards.choices import Category, ClockKind, Grade, Status
from hazardloop.hazards.deadlines import end_of_local_day
from hazardloop.hazards.models import Hazard, HolidayYear
from hazardloop.hazards.tests.helpers import ensure_rules, photo
from hazardloop.lib.workdays import WorkCalendar
from hazardloop.testing import HOME, make_unit
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
CALENDAR_2026 = "hazardloop/hazards/data/calendars/cn-2026.json"


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def found(cast, when, *, unit=None, category=Category.OTHER, grade=Grade.GENERAL, **extra):
    ensure_rules()
    with time_machine.travel(when, tick=False):
        return services.create_hazard(
            unit or cast.unit,
            actor=cast.inspector,
            source="inspection",
            description="配电箱周围堆放可燃物",
            category=category,
            default_grade=grade,
            **extra,
        )


def test_a_found_hazard_is_to_be_ordered_within_three_working_days(cast):
    # Friday 6 November 2026: Monday, Tuesday, Wednesday → the end of Wednesday the 11th.
    h = found(cast, at(2026, 11, 6))
    assert (h.clock, h.clock_estimated, h.clock_rung) == (ClockKind.ORDER, False, "")
    assert h.clock_due_at == end_of_local_day(dt.date(2026, 11, 11))
    # The National Day week is no working week, and Saturday 10 October is a make-up working
    # day: found on 30 September → 8, 9, 10 October.
    h = found(cast, at(2026, 9, 30))
    assert h.clock_due_at == end_of_local_day(dt.date(2026, 10, 10))
    # A blocked escape route is ordered on the spot: by the end of the finding's day.
    h = found(cast, at(2026, 11, 6), category=Category.EVACUATION)
    assert h.clock_due_at == end_of_local_day(dt.date(2026, 11, 6))


def test_the_clock_follows_every_state(cast, settings):
    settings.HAZARD_ORDER_WORKDAYS = 5
    h = found(cast, at(2026, 11, 6))
    assert h.clock_due_at == end_of_local_day(dt.date(2026, 11, 13))
    due = at(2026, 11, 30, 18)
    services.order_hazard(h, actor=cast.inspector, due_at=due, now=at(2026, 11, 9))
    h.refresh_from_db()
    assert (h.clock, h.clock_due_at) == (ClockKind.RECTIFY, due)
    services.start_rectification(h, actor=cast.unit_manager, now=at(2026, 11, 10))
    after = photo(cast.unit_manager, cast.unit)
    services.submit_rectification(
        h, actor=cast.unit_manager, note="已清理", photo_ids=[after.pk], now=at(2026, 11, 13)
    )
    h.refresh_from_db()
    # Re-check within 3 working days of the request (Friday → Wednesday), not of the deadline.
    assert (h.clock, h.clock_due_at) == (ClockKind.VERIFY, end_of_local_day(dt.date(2026, 11, 18)))
    services.verify_hazard(h, actor=cast.inspector, passed=False, reason="仍有可燃物")
    h.refresh_from_db()
    assert (h.clock, h.clock_due_at) == (ClockKind.RECTIFY, due)
    services.submit_rectification(h, actor=cast.unit_manager, note="再次清理", photo_ids=[after.pk])
    services.verify_hazard(h, actor=cast.inspector, passed=True)
    h.refresh_from_db()
    assert (h.status, h.clock, h.clock_due_at) == (Status.VERIFIED, "", None)


def test_an_extension_moves_the_rectification_clock(cast):
    h = found(cast, at(2026, 11, 6))
    services.order_hazard(h, actor=cast.inspector, due_at=at(2026, 11, 20), now=at(2026, 11, 9))
    services.request_extension(
        h, actor=cast.unit_manager, reason="等待配件", proposed_due_at=at(2026, 12, 20)
    )
    services.decide_extension(h, actor=cast.regulator, approve=True)
    h.refresh_from_db()
    assert (h.clock, h.clock_due_at) == (ClockKind.RECTIFY, at(2026, 12, 20))


def test_a_major_hazard_is_accepted_within_the_acceptance_days(cast, settings):
    settings.HAZARD_ACCEPTANCE_DAYS = 10
    h = found(cast, at(2026, 11, 2), grade=Grade.MAJOR)
    services.order_hazard(h, actor=cast.inspector, due_at=at(2026, 12, 30), now=at(2026, 11, 3))
    services.save_plan(h, actor=cast.unit_manager, parts={p: "内容" for p in _plan_parts()})
    services.start_rectification(h, actor=cast.unit_manager)
    submitted = at(2026, 11, 20, 15)
    services.submit_rectification(
        h,
        actor=cast.unit_manager,
        note="完成",
        photo_ids=[photo(cast.unit_manager, cast.unit).pk],
        now=submitted,
    )
    h.refresh_from_db()
    assert (h.clock, h.clock_due_at) == (ClockKind.VERIFY, submitted + dt.timedelta(days=10))


def _plan_parts():
    from hazardloop.hazards.models import RectificationPlan

    return RectificationPlan.PARTS


def test_a_missing_calendar_year_is_estimated_and_flagged_never_an_error(cast):
    ensure_rules()
    # Found on Wednesday 30 December 2026: the clock runs into 2027, whose calendar is not loaded.
    h = found(cast, at(2026, 12, 30))
    assert h.clock_estimated is True
    # 31 Dec (Thu), then every day of 2027 counts (a make-up working day may fall on any
    # weekend: the regulator's limit is never later than the true one): 1 Jan, Saturday 2 Jan.
    assert h.clock_due_at == end_of_local_day(dt.date(2027, 1, 2))
    # Without any calendar at all, recording and submitting still work.
    HolidayYear.objects.all().delete()
    h = found(cast, at(2026, 9, 30))
    assert h.clock_estimated is True
    assert h.clock_due_at == end_of_local_day(dt.date(2026, 10, 3))  # every day counted
    # Loading the calendar computes the estimated clocks again.
    call_command("load_holidays", CALENDAR_2026, stdout=io.StringIO())
    h.refresh_from_db()
    assert (h.clock_estimated, h.clock_due_at) == (False, end_of_local_day(dt.date(2026, 10, 10)))
    assert Hazard.objects.filter(clock_estimated=True).count() == 1  # the one crossing into 2027


def test_the_lenient_working_day_count_names_the_missing_years():
    calendar = WorkCalendar()
    day, missing = calendar.add_working_days_or_estimate(dt.date(2027, 12, 30), 3)
    assert (day, missing) == (dt.date(2028, 1, 4), frozenset({2027, 2028}))


# --- unit risk -------------------------------------------------------------------------------


def _risk(unit):
    unit.refresh_from_db()
    return unit.risk_level, unit.open_hazards, unit.open_major_hazards, unit.overdue_hazards


def test_an_open_major_hazard_turns_the_unit_up_and_closing_brings_it_back(cast):
    unit = cast.unit
    unit.gas_use, unit.is_crowded_place, unit.is_public_gathering = "pipeline", True, False
    unit.is_fire_key_unit, unit.lpg_stored_kg = False, 0
    unit.save()
    assert _risk(unit) == ("yellow", 0, 0, 0)  # catering 5 + crowded 15 + pipeline 10 = 30
    h = found(cast, at(2026, 11, 2), grade=Grade.MAJOR)
    assert _risk(unit) == ("orange", 1, 1, 0)  # + 25 + 3 = 58, and a major makes it orange
    assert AuditEvent.objects.filter(action="unit.risk_recomputed", object_id=str(unit.pk)).exists()
    services.order_hazard(h, actor=cast.inspector, due_at=at(2026, 12, 30), now=at(2026, 11, 3))
    services.save_plan(h, actor=cast.unit_manager, parts={p: "内容" for p in _plan_parts()})
    services.start_rectification(h, actor=cast.unit_manager)
    services.submit_rectification(
        h, actor=cast.unit_manager, note="完成", photo_ids=[photo(cast.unit_manager, unit).pk]
    )
    assert _risk(unit) == ("orange", 1, 1, 0)
    services.verify_hazard(h, actor=cast.inspector, passed=True, team=["张三", "李四"])
    assert _risk(unit) == ("yellow", 0, 0, 0)


def test_the_command_brings_every_unit_up_to_date(cast):
    unit = make_unit(HOME, gas_use="pipeline", is_crowded_place=True)
    found(cast, at(2026, 11, 2), unit=unit, grade=Grade.MAJOR)
    Unit.objects.filter(pk=unit.pk).update(open_hazards=0, open_major_hazards=0, risk_level="blue")
    call_command("recompute_unit_risk", stdout=io.StringIO())
    assert _risk(unit) == ("orange", 1, 1, 0)


def test_grade_changes_and_closing_feed_the_unit(cast):
    unit = cast.unit
    h = found(cast, at(2026, 11, 2))
    before = _risk(unit)
    assert before[1:] == (1, 0, 0)
    services.override_grade(h, actor=cast.regulator, grade=Grade.MAJOR, reason="专家认定")
    assert _risk(unit)[1:] == (1, 1, 0) and _risk(unit)[0] in ("orange", "red")
    services.override_grade(h, actor=cast.regulator, grade=Grade.GENERAL, reason="复核")
    assert _risk(unit) == before
    fixed = services.create_hazard(
        unit,
        actor=cast.inspector,
        source="inspection",
        description="灭火器过期",
        fixed_on_spot=True,
        after_photo_ids=[photo(cast.inspector, unit).pk],
    )
    assert fixed.status == Status.CLOSED and _risk(unit) == before


def test_a_workflow_step_that_leaves_the_counts_alone_does_not_touch_the_unit(
    cast, django_assert_max_num_queries
):
    h = found(cast, at(2026, 11, 2))
    services.order_hazard(h, actor=cast.inspector, due_at=at(2026, 12, 30), now=at(2026, 11, 3))
    audit = AuditEvent.objects.filter(action="unit.risk_recomputed").count()
    # Start: no clock to compute, no count changes (8 queries before the clocks; the same now).
    with django_assert_max_num_queries(8):
        services.start_rectification(h, actor=cast.unit_manager)
    assert AuditEvent.objects.filter(action="unit.risk_recomputed").count() == audit


def test_a_working_day_deadline_policy_never_fails_for_a_missing_year(cast):
    from hazardloop.hazards.deadlines import default_due_at
    from hazardloop.hazards.models import DeadlinePolicy

    ensure_rules()
    DeadlinePolicy.objects.create(region_prefix="22", grade="general", days=3, working_days=True)
    # Wednesday 29 December 2027: no 2027 or 2028 calendar is loaded; weekdays are counted.
    due = default_due_at("220102", "general", "other", at(2027, 12, 29))
    assert due == end_of_local_day(dt.date(2028, 1, 3))


def test_the_ledger_filters_and_marks_the_regulators_lapses(cast, django_assert_max_num_queries):
    from hazardloop.testing import web_client

    lapsed = found(cast, at(2026, 11, 6))
    ordered = found(cast, at(2026, 11, 6))
    services.order_hazard(
        ordered, actor=cast.inspector, due_at=at(2027, 1, 30), now=at(2026, 11, 9)
    )
    client = web_client(cast.regulator)
    # 15: the menu's to-do count (once a minute per person) counts accident reports waiting
    # and accountability proposals too.
    with django_assert_max_num_queries(15):
        page = client.get("/hazards/?lapsed=order").content.decode()
    assert f"#{lapsed.pk}<" in page and f"#{ordered.pk}<" not in page
    assert 'data-testid="lapsed"' in page and "未按时责令整改" in page


def test_administrators_are_warned_of_next_years_missing_calendar_once(cast):
    from hazardloop.hazards.deadlines import warn_missing_calendars
    from hazardloop.notifications.models import Notification

    ensure_rules()  # 2026 is loaded
    assert warn_missing_calendars(at(2026, 6, 1)) == 0
    assert warn_missing_calendars(at(2026, 11, 20)) >= 1
    note = Notification.objects.get(recipient=cast.admin, key="calendar-missing:2027")
    assert note.params == {"year": "2027"}
    assert not Notification.objects.filter(recipient=cast.regulator).exists()
    assert warn_missing_calendars(at(2026, 12, 4)) == 0  # once


def test_what_the_clock_and_the_risk_feed_cost_a_verification(cast, django_assert_max_num_queries):
    h = found(cast, at(2026, 11, 2))
    services.order_hazard(h, actor=cast.inspector, due_at=at(2026, 12, 30), now=at(2026, 11, 3))
    services.start_rectification(h, actor=cast.unit_manager)
    services.submit_rectification(
        h, actor=cast.unit_manager, note="完成", photo_ids=[photo(cast.unit_manager, cast.unit).pk]
    )
    # 15 queries before the clocks; the unit's risk adds a lock, a count, an update and its
    # audit event (the clock itself is a column in the same UPDATE): 21. Since the step's
    # audit events are written together (one claim, one INSERT for the step's, the risk's and
    # the notification's) and the notification is one INSERT … RETURNING: 13 on SQLite, 11 on
    # PostgreSQL.
    with django_assert_max_num_queries(13):
        services.verify_hazard(h, actor=cast.inspector, passed=True)
    assert _risk(cast.unit)[1:] == (0, 0, 0)


def test_the_hazard_page_states_the_clock_and_an_estimate(cast):
    from hazardloop.testing import web_client

    ensure_rules()
    h = found(cast, at(2026, 12, 30))  # runs into 2027, whose calendar is not loaded
    page = web_client(cast.regulator).get(f"/hazards/{h.pk}/").content.decode()
    # Every day of 2027 counts until its calendar is loaded: 31 Dec, 1 Jan, Saturday 2 Jan.
    assert "待责令整改，时限 2027-01-02 23:59" in page
    assert "2027年的节假日安排尚未载入" in page
