"""A missing holiday calendar never breaks a request; calendars and deadline policies are
managed on pages and through the API; the re-check clock of 公安部令第120号 Art. 20."""

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hazardloop.audit.models import AuditEvent
from hazardloop.hazards import services
from hazardloop.hazards.choices import ClockKind, Grade, Status
from hazardloop.hazards.deadlines import end_of_local_day, recheck_due, verify_clock
from hazardloop.hazards.models import DeadlinePolicy, Hazard, HolidayYear
from hazardloop.hazards.tests.helpers import ensure_rules, hazard, photo
from hazardloop.lib.workdays import WorkCalendar, parse_year, read_year_file
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
D = dt.date


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


YEAR_2027 = {
    "name": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    "source": "test fixture, not the published notice",
    "holidays": ["2027-01-01/2027-01-03", "2027-02-06/2027-02-12"],
    "workdays": ["2027-02-13"],
}


def _working_day_policy(days=10):
    ensure_rules()
    return DeadlinePolicy.objects.create(
        region_prefix="22", grade=Grade.GENERAL, days=days, working_days=True
    )


# --- ordering into a year without a calendar ---------------------------------------------------


def test_ordering_into_a_year_without_a_calendar_works_and_names_the_year_api(cast):
    _working_day_policy()
    with time_machine.travel(at(2026, 12, 24), tick=False):
        h = hazard(cast)
        response = api_client(cast.inspector).post(
            f"/api/v1/hazards/{h.pk}/transitions", {"action": "order"}, "application/json"
        )
        assert response.status_code == 200, response.content
        h.refresh_from_db()
        # 25, 28–31 Dec (2026 loaded), then 1, 4, 5, 6, 7 Jan counted Monday to Friday.
        assert h.status == Status.ORDERED
        assert h.due_at == end_of_local_day(D(2027, 1, 7))
        assert (h.clock, h.clock_estimated) == (ClockKind.RECTIFY, True)
        clock = api_client(cast.inspector).get(f"/api/v1/hazards/{h.pk}/clock").json()
    assert clock["estimated"] is True and clock["missing_years"] == [2027]
    assert "2027" in clock["note"]
    event = h.events.get(kind="order")
    assert event.data["calendar_missing"] == [2027]


def test_ordering_into_a_year_without_a_calendar_works_and_names_the_year_page(cast):
    _working_day_policy()
    with time_machine.travel(at(2026, 12, 24), tick=False):
        h = hazard(cast)
        client = web_client(cast.inspector)
        response = client.post(f"/hazards/{h.pk}/order/", {"version": h.version})
        assert response.status_code == 302
        page = client.get(f"/hazards/{h.pk}/").content.decode()
    h.refresh_from_db()
    assert h.status == Status.ORDERED and h.clock_estimated is True
    assert 'data-testid="clock-estimated"' in page
    assert "2027年的节假日安排尚未载入" in page


def test_a_deadline_that_stays_in_a_loaded_year_is_exact(cast):
    # The other side of the boundary: ordered on 14 December, 10 working days end on the
    # 28th, inside 2026: nothing estimated.
    _working_day_policy()
    with time_machine.travel(at(2026, 12, 14), tick=False):
        h = hazard(cast)
        services.order_hazard(h, actor=cast.inspector)
    h.refresh_from_db()
    assert h.due_at == end_of_local_day(D(2026, 12, 28))
    assert h.clock_estimated is False
    assert "calendar_missing" not in h.events.get(kind="order").data
    clock = api_client(cast.inspector).get(f"/api/v1/hazards/{h.pk}/clock").json()
    assert (clock["estimated"], clock["missing_years"], clock["note"]) == (False, [], "")


def test_a_deadline_given_by_the_person_ordering_is_never_estimated(cast):
    _working_day_policy()
    with time_machine.travel(at(2026, 12, 24), tick=False):
        h = hazard(cast)
        services.order_hazard(h, actor=cast.inspector, due_at=at(2027, 1, 20, 18))
    h.refresh_from_db()
    assert h.clock_estimated is False


def test_loading_the_missing_year_keeps_the_ordered_deadline_and_clears_the_flag(cast):
    _working_day_policy()
    with time_machine.travel(at(2026, 12, 24), tick=False):
        h = hazard(cast)
        services.order_hazard(h, actor=cast.inspector)
    due = Hazard.objects.get(pk=h.pk).due_at
    response = api_client(cast.province_regulator).put(
        "/api/v1/calendars/2027", json.dumps(YEAR_2027), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["clocks_recomputed"] >= 1
    h.refresh_from_db()
    assert (h.due_at, h.clock_estimated) == (due, False)  # the notice's date never moves


def test_the_authoritys_clock_is_never_later_than_the_true_one():
    # 2026 loaded, 2027 not: from Wednesday 30 December 2026, 3 working days.
    calendar = WorkCalendar()
    calendar.add(read_year_file("hazardloop/hazards/data/calendars/cn-2026.json"))
    assert calendar.add_working_days_or_estimate(D(2026, 12, 30), 3, earliest=True) == (
        D(2027, 1, 2),
        frozenset({2027}),
    )
    # A proposed deadline counts Monday to Friday.
    assert calendar.add_working_days_or_estimate(D(2026, 12, 30), 3) == (
        D(2027, 1, 4),
        frozenset({2027}),
    )
    # Inside a loaded year both agree and nothing is estimated (Saturday 10 October 2026 is a
    # make-up working day).
    for earliest in (False, True):
        assert calendar.add_working_days_or_estimate(D(2026, 9, 30), 3, earliest=earliest) == (
            D(2026, 10, 10),
            frozenset(),
        )
    # With the real 2027 calendar a make-up Saturday can make the limit earlier than a weekday
    # count; the earliest estimate is never later than any calendar could make it.
    full = WorkCalendar()
    full.add(parse_year({"year": 2027, **YEAR_2027}))
    true_day = full.add_working_days(D(2027, 2, 12), 1)
    assert true_day == D(2027, 2, 13)
    assert WorkCalendar().add_working_days_or_estimate(D(2027, 2, 12), 1, earliest=True)[0] <= (
        true_day
    )


# --- 公安部令第120号 Art. 20: the deadline or the request, whichever is first ------------------


def test_the_recheck_is_due_3_working_days_after_the_request_or_the_deadline_if_earlier():
    ensure_rules()
    from hazardloop.hazards.deadlines import work_calendar

    calendar = work_calendar(strict=False)
    deadline = D(2026, 11, 20)  # a Friday
    # Submitted early (Monday 9 Nov): 3 working days after the request.
    assert recheck_due(calendar, D(2026, 11, 9), deadline)[0] == D(2026, 11, 12)
    # Submitted on the deadline day: both give Wednesday 25 Nov.
    assert recheck_due(calendar, deadline, deadline)[0] == D(2026, 11, 25)
    # Submitted one day after the deadline: the deadline's clock came first.
    assert recheck_due(calendar, D(2026, 11, 23), deadline)[0] == D(2026, 11, 25)
    # No request yet: the deadline's.
    assert recheck_due(calendar, None, deadline)[0] == D(2026, 11, 25)
    # Major hazards keep their on-site acceptance clock.
    submitted = at(2026, 11, 9)
    due, estimated = verify_clock(submitted, Grade.MAJOR, calendar, due_at=at(2026, 11, 20))
    assert due > end_of_local_day(D(2026, 11, 12)) and estimated is False


def test_a_late_submission_is_rechecked_by_the_deadlines_clock(cast):
    with time_machine.travel(at(2026, 11, 2), tick=False):
        h = hazard(cast)
    services.order_hazard(h, actor=cast.inspector, due_at=at(2026, 11, 20, 18), now=at(2026, 11, 3))
    services.start_rectification(h, actor=cast.unit_manager, now=at(2026, 11, 4))
    services.submit_rectification(
        h,
        actor=cast.unit_manager,
        note="已整改",
        photo_ids=[photo(cast.unit_manager, cast.unit).pk],
        now=at(2026, 11, 24),
    )
    h.refresh_from_db()
    # Deadline Friday 20 Nov → 23, 24, 25 Nov; the request (24th) would give the 27th.
    assert (h.clock, h.clock_due_at) == (ClockKind.VERIFY, end_of_local_day(D(2026, 11, 25)))


# --- calendars: pages and API ------------------------------------------------------------------


def test_a_province_admin_enters_a_year_on_the_page_audited(cast):
    client = web_client(cast.admin)
    form = {
        "name": YEAR_2027["name"],
        "source": "test",
        "holidays": "2027-01-01/2027-01-03\n2027-02-06/2027-02-12",
        "workdays": "2027-02-13",
    }
    response = client.post("/deadlines/calendars/2027/", form)
    assert response.status_code == 302
    row = HolidayYear.objects.get(year=2027)
    assert row.document["holidays"] == ["2027-01-01/2027-01-03", "2027-02-06/2027-02-12"]
    assert row.document["workdays"] == ["2027-02-13"]
    event = AuditEvent.objects.filter(action="hazard.holidays_loaded").latest("id")
    assert event.actor_id == cast.admin.pk
    page = client.get("/deadlines/").content.decode()
    assert "/deadlines/calendars/2027/" in page


@pytest.mark.parametrize(
    ("holidays", "workdays", "message"),
    [
        ("2027-01-01\n2028-01-01", "", "不在2027年内"),  # a date in another year
        ("2026-12-31/2027-01-02", "", "不在2027年内"),  # a range crossing the year
        ("2027-01-03/2027-01-01", "", "结束日期早于开始日期"),
        ("2027-13-01", "", "不是日期"),
        ("2027-01-01", "2027-01-04", "调休上班日应为周六或周日"),  # a Monday
        ("2027-01-01/2027-01-03", "2027-01-02", "既是放假日又是上班日"),
    ],
)
def test_a_bad_calendar_is_refused_with_a_reason_and_changes_nothing(
    cast, holidays, workdays, message
):
    client = web_client(cast.province_regulator)
    form = {"name": "通知", "holidays": holidays, "workdays": workdays}
    response = client.post("/deadlines/calendars/2027/", form)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not HolidayYear.objects.filter(year=2027).exists()
    api = api_client(cast.province_regulator).put(
        "/api/v1/calendars/2027",
        json.dumps({"name": "通知", "holidays": holidays.split("\n"), "workdays": [workdays]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert api.status_code == 422
    assert api.json()["code"] == "invalid" and api.json()["errors"]
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_a_weekend_make_up_day_is_accepted_and_the_edge_dates_of_the_year_count(cast):
    document = {
        "name": "通知",
        "holidays": ["2027-01-01", "2027-12-31"],
        "workdays": ["2027-01-02", "2027-12-26"],  # a Saturday and a Sunday
    }
    response = api_client(cast.admin).put(
        "/api/v1/calendars/2027", json.dumps(document), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["calendar"]["workdays"] == ["2027-01-02", "2027-12-26"]
    # Replacing it answers 200 and keeps one row.
    again = api_client(cast.admin).put(
        "/api/v1/calendars/2027", json.dumps(document), content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["created"] is False
    assert HolidayYear.objects.filter(year=2027).count() == 1


def test_uploading_a_calendar_file(cast):
    client = web_client(cast.province_regulator)
    good = SimpleUploadedFile("cn-2027.json", json.dumps({"year": 2027, **YEAR_2027}).encode())
    response = client.post("/deadlines/calendars/upload/", {"file": good}, follow=True)
    assert "2027年节假日安排已载入" in response.content.decode()
    assert HolidayYear.objects.filter(year=2027).exists()
    bad = SimpleUploadedFile("notes.json", b"not json at all")
    response = client.post("/deadlines/calendars/upload/", {"file": bad}, follow=True)
    assert "该文件不是节假日安排" in response.content.decode()


def test_others_read_calendars_but_cannot_change_them(cast):
    ensure_rules()
    page = web_client(cast.city_regulator).get("/deadlines/").content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="calendar-upload"' not in page
    assert web_client(cast.city_regulator).get("/deadlines/calendars/2099/").status_code == 404
    response = api_client(cast.regulator).put(
        "/api/v1/calendars/2027", json.dumps(YEAR_2027), content_type="application/json"
    )
    assert response.status_code == 403
    assert web_client(cast.unit_manager).get("/deadlines/").status_code == 403


# --- the warning from 1 November ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "warned"),
    [(at(2026, 10, 31, 23, 59), False), (at(2026, 11, 1, 0, 1), True)],
)
def test_administrators_see_next_years_missing_calendar_from_1_november(cast, moment, warned):
    ensure_rules()
    with time_machine.travel(moment, tick=False):
        page = web_client(cast.admin).get("/deadlines/").content.decode()
        api = api_client(cast.admin).get("/api/v1/calendars").json()
    assert ('data-testid="calendar-missing"' in page) is warned
    assert api["missing"] == ([2027] if warned else [])


def test_the_missing_calendar_notification_links_the_calendar_page(cast):
    from hazardloop.hazards.deadlines import warn_missing_calendars
    from hazardloop.notifications.models import Notification

    ensure_rules()
    assert warn_missing_calendars(at(2026, 10, 31, 23, 59)) == 0
    assert warn_missing_calendars(at(2026, 11, 1, 0, 1)) >= 1
    note = Notification.objects.get(recipient=cast.admin, key="calendar-missing:2027")
    assert note.link == "/deadlines/calendars/2027/"
    assert warn_missing_calendars(at(2026, 11, 2)) == 0


# --- deadline policies --------------------------------------------------------------------------


def test_deadline_policies_are_created_changed_and_deleted_audited(cast):
    client = api_client(cast.province_regulator)
    created = client.post(
        "/api/v1/deadline-policies",
        json.dumps({"region_prefix": "2201", "grade": "general", "days": 10, "working_days": True}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    duplicate = client.post(
        "/api/v1/deadline-policies",
        json.dumps({"region_prefix": "2201", "grade": "general", "days": 5}),
        content_type="application/json",
    )
    assert duplicate.status_code == 422
    for days, ok in ((0, False), (1, True), (365, True), (366, False)):
        response = client.put(
            f"/api/v1/deadline-policies/{pk}",
            json.dumps({"region_prefix": "2201", "grade": "general", "days": days}),
            content_type="application/json",
        )
        assert (response.status_code == 200) is ok, (days, response.content)
    unknown_region = client.put(
        f"/api/v1/deadline-policies/{pk}",
        json.dumps({"region_prefix": "99", "grade": "general", "days": 3}),
        content_type="application/json",
    )
    assert unknown_region.status_code == 422
    assert DeadlinePolicy.objects.get(pk=pk).days == 365
    assert client.delete(f"/api/v1/deadline-policies/{pk}").status_code == 204
    actions = list(
        AuditEvent.objects.filter(action__startswith="hazard.deadline_policy").values_list(
            "action", flat=True
        )
    )
    assert actions.count("hazard.deadline_policy_saved") == 3  # created, 1 day, 365 days
    assert actions.count("hazard.deadline_policy_deleted") == 1


def test_a_policy_made_on_the_page_sets_the_default_deadline(cast):
    ensure_rules()
    client = web_client(cast.admin)
    response = client.post(
        "/deadlines/policies/new/",
        {"region_prefix": "22", "grade": "general", "days": "5", "working_days": "on"},
    )
    assert response.status_code == 302
    with time_machine.travel(at(2026, 9, 30), tick=False):
        h = hazard(cast)
        services.order_hazard(h, actor=cast.inspector)
    h.refresh_from_db()
    # 30 Sep + 5 working days: 8, 9, 10 (make-up Saturday), 12, 13 October.
    assert h.due_at == end_of_local_day(D(2026, 10, 13))


@pytest.mark.parametrize(
    ("moment", "warned"),
    [(at(2026, 10, 31, 23, 59), False), (at(2026, 11, 1, 0, 1), True)],
)
def test_the_province_level_sees_the_warning_on_its_workbench(cast, moment, warned):
    ensure_rules()
    with time_machine.travel(moment, tick=False):
        for user, shown in ((cast.province_regulator, warned), (cast.regulator, False)):
            page = web_client(user).get("/").content.decode()
            assert ('data-testid="calendar-warning"' in page) is shown, user
            if shown:
                assert "/deadlines/calendars/2027/" in page
