"""Certificates: recorded, corrected and renewed by the unit's own people; reminders before
expiry (frozen time, never twice); fire-control-room shifts short of certified operators are
flagged on the unit's page, the regulators' list and the API; query budgets."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.audit.models import AuditEvent
from hazardloop.notifications.models import Notification
from hazardloop.testing import api_client, build_cast, make_user, web_client
from hazardloop.training.certificates_jobs import remind_certificates_once
from hazardloop.training.models import Certificate, ControlRoomShift
from hazardloop.training.tests.certificates_helpers import certificate, shift, staff

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y, mo, d, h=9):
    return dt.datetime(y, mo, d, h, tzinfo=TZ)


@pytest.fixture
def cast():
    return build_cast()


def test_the_unit_manager_records_a_certificate_from_the_staff_list(cast):
    person = staff(cast.unit, name="张值班")
    client = web_client(cast.unit_manager)
    url = f"/certificates/unit/{cast.unit.pk}/new/"
    assert "张值班" in client.get(url).content.decode()
    r = client.post(url, {"holder": person.pk, "kind": "fire_operator", "number": "X-1",
                          "issuer": "省消防总队", "expires_on": "2030-01-01"})  # fmt: skip
    assert r.status_code == 302
    cert = Certificate.objects.get()
    assert (cert.holder, cert.number) == (person, "X-1")
    assert AuditEvent.objects.filter(action="certificate.created").count() == 1


@pytest.mark.parametrize(
    "data, zh",
    [
        ({"number": "", "expires_on": "2030-01-01"}, "此项必填"),
        (
            {"number": "X", "issued_on": "2030-02-01", "expires_on": "2030-01-01"},
            "不能早于发证日期",
        ),
        ({"number": "X", "expires_on": "not a date"}, "有效的日期"),
    ],
)
def test_bad_input_is_refused_in_words_nothing_saved(cast, data, zh):
    person = staff(cast.unit)
    r = web_client(cast.unit_manager).post(
        f"/certificates/unit/{cast.unit.pk}/new/",
        {"holder": person.pk, "kind": "fire_operator", **data},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 422 and zh in r.content.decode()
    assert not Certificate.objects.exists()


def test_a_holder_from_another_unit_is_refused(cast):
    stranger = staff(cast.other_unit)
    r = web_client(cast.unit_manager).post(
        f"/certificates/unit/{cast.unit.pk}/new/",
        {"holder": stranger.pk, "kind": "fire_operator", "number": "X", "expires_on": "2030-01-01"},
    )
    assert r.status_code == 422 and not Certificate.objects.exists()


def test_renewal_needs_a_later_expiry_and_is_audited(cast):
    cert = certificate(staff(cast.unit), days=10)
    client = web_client(cast.unit_manager)
    url = f"/certificates/{cert.pk}/renew/"
    old = cert.expires_on
    r = client.post(url, {"number": "NEW-1", "expires_on": old.isoformat()})
    assert r.status_code == 422
    r = client.post(
        url, {"number": "NEW-1", "expires_on": (old + dt.timedelta(days=1095)).isoformat()}
    )
    assert r.status_code == 302
    cert.refresh_from_db()
    assert cert.number == "NEW-1" and cert.expires_on > old
    event = AuditEvent.objects.get(action="certificate.renewed")
    assert event.before["number"] != "NEW-1"


def test_regulators_read_but_do_not_write(cast):
    cert = certificate(staff(cast.unit), days=10)
    assert web_client(cast.regulator).get(f"/certificates/unit/{cast.unit.pk}/").status_code == 200
    r = web_client(cast.regulator).post(f"/certificates/{cert.pk}/edit/", {"number": "Z"})
    assert r.status_code == 403
    page = web_client(cast.regulator).get("/certificates/expiring/").content.decode()
    assert cert.number in page


# --- reminders ---------------------------------------------------------------------------


def test_reminder_30_days_before_expiry_once_and_again_after_renewal(cast, settings):
    settings.CERTIFICATE_REMIND_DAYS = [30, 7]
    person = staff(cast.unit, name="李操作员")
    cert = certificate(person, expires_on=dt.date(2027, 2, 15), issued_on=dt.date(2024, 2, 15))
    safety = make_user(role=Role.UNIT_SAFETY_OFFICER, unit=cast.unit)
    with time_machine.travel(at(2027, 1, 15), tick=False):  # 31 days before
        assert remind_certificates_once(timezone.now()) == 0
    with time_machine.travel(at(2027, 1, 16), tick=False):  # 30 days before
        assert remind_certificates_once(timezone.now()) == 1
        assert remind_certificates_once(timezone.now()) == 0  # never twice
    with time_machine.travel(at(2027, 1, 20), tick=False):
        assert remind_certificates_once(timezone.now()) == 0
    with time_machine.travel(at(2027, 2, 8), tick=False):  # 7 days before: the next threshold
        assert remind_certificates_once(timezone.now()) == 1
        assert remind_certificates_once(timezone.now()) == 0
    notes = Notification.objects.filter(recipient=cast.unit_manager)
    assert notes.count() == 2 and not Notification.objects.filter(recipient=safety).exists()
    assert not Notification.objects.filter(recipient=cast.other_unit_manager).exists()
    assert notes.first().params["holder"] == "李操作员"
    assert notes.first().link == f"/certificates/unit/{cast.unit.pk}/"
    # Renewed for three more years, then again near the new expiry.
    cert.expires_on = dt.date(2030, 2, 15)
    cert.save()
    with time_machine.travel(at(2030, 1, 20), tick=False):
        assert remind_certificates_once(timezone.now()) == 1
    # Expired certificates and staff who left are not reminded.
    with time_machine.travel(at(2030, 2, 16), tick=False):
        assert remind_certificates_once(timezone.now()) == 0


def test_a_certificate_recorded_late_gets_only_the_tightest_reminder(cast, settings):
    settings.CERTIFICATE_REMIND_DAYS = [30, 7]
    certificate(staff(cast.unit), expires_on=dt.date(2027, 1, 20), issued_on=None)
    with time_machine.travel(at(2027, 1, 16), tick=False):
        assert remind_certificates_once(timezone.now()) == 1
        assert remind_certificates_once(timezone.now()) == 0
    assert Notification.objects.get().key.endswith(":7")


def test_staff_who_left_are_not_reminded(cast):
    certificate(staff(cast.unit, left_on=dt.date(2027, 1, 1)), expires_on=dt.date(2027, 2, 1))
    with time_machine.travel(at(2027, 1, 20), tick=False):
        assert remind_certificates_once(timezone.now()) == 0


def test_the_sweep_step_is_registered(settings):
    assert "hazardloop.training.certificates_jobs.remind_certificates_once" in settings.SWEEP_STEPS


# --- fire-control room ---------------------------------------------------------------------


def test_a_shift_with_one_certified_operator_is_flagged(cast):
    a, b = staff(cast.unit, name="甲"), staff(cast.unit, name="乙")
    certificate(a, expires_on=dt.date(2027, 6, 30), issued_on=dt.date(2024, 7, 1))
    certificate(b, expires_on=dt.date(2027, 3, 31), issued_on=dt.date(2024, 4, 1))  # lapses
    march = shift(cast.unit, [a, b], day=dt.date(2027, 3, 31))
    april = shift(cast.unit, [a, b], day=dt.date(2027, 4, 1))
    counted = {s.pk: s.certified for s in ControlRoomShift.objects.with_certified()}
    assert counted == {march.pk: 2, april.pk: 1}
    assert list(ControlRoomShift.objects.with_certified().short()) == [april]
    with time_machine.travel(at(2027, 4, 2), tick=False):
        page = web_client(cast.unit_manager).get(f"/certificates/unit/{cast.unit.pk}/")
        body = page.content.decode()
        assert f'data-testid="shift-{april.pk}"' in body and 'data-testid="shift-short"' in body
        listing = web_client(cast.regulator).get("/certificates/expiring/").content.decode()
        assert f'data-testid="shift-{april.pk}"' in listing
        assert f'data-testid="shift-{march.pk}"' not in listing
        rows = api_client(cast.regulator).get("/api/v1/control-room-shifts").json()["items"]
    assert {r["id"]: (r["certified"], r["short"]) for r in rows} == {
        march.pk: (2, False),
        april.pk: (1, True),
    }


def test_a_unit_without_control_room_staff_has_no_roster(cast):
    staff(cast.unit, post="staff")
    body = web_client(cast.unit_manager).get(f"/certificates/unit/{cast.unit.pk}/").content.decode()
    assert 'data-testid="no-control-room"' in body


def test_recording_a_shift_through_the_api_and_page(cast):
    a, b = staff(cast.unit), staff(cast.unit)
    certificate(a)
    certificate(b)
    r = api_client(cast.unit_manager).post(
        "/api/v1/control-room-shifts",
        {"unit_id": cast.unit.pk, "day": str(timezone.localdate()), "shift": "night",
         "people": [a.pk, b.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["certified"] == 2 and r.json()["short"] is False
    stranger = staff(cast.other_unit)
    r = api_client(cast.unit_manager).post(
        "/api/v1/control-room-shifts",
        {"unit_id": cast.unit.pk, "day": str(timezone.localdate()), "shift": "day",
         "people": [stranger.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 422 and "detail" in r.json()
    # The page corrects the same shift (one per unit, day and shift).
    row = ControlRoomShift.objects.get()
    r = web_client(cast.unit_manager).post(
        f"/certificates/control-room/{row.pk}/",
        {"day": str(row.day), "shift": "night", "people": [a.pk]},
    )
    assert r.status_code == 302 and list(row.people.all()) == [a]
    assert ControlRoomShift.objects.count() == 1


# --- API -----------------------------------------------------------------------------------


def test_api_expiring_within_and_create(cast):
    person = staff(cast.unit)
    soon = certificate(person, days=10)
    certificate(person, days=200)
    expired = certificate(person, days=-3)
    rows = api_client(cast.regulator).get("/api/v1/certificates?expiring_within=30").json()
    assert [r["id"] for r in rows["items"]] == [expired.pk, soon.pk]
    assert [r["state"] for r in rows["items"]] == ["expired", "expiring"]
    assert api_client(cast.neighbour_regulator).get("/api/v1/certificates").json()["count"] == 0
    r = api_client(cast.unit_manager).post(
        "/api/v1/certificates",
        {"holder_id": person.pk, "kind": "welding", "number": "H-9", "expires_on": "2028-01-01",
         "issued_on": "2029-01-01"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    r = api_client(cast.regulator).post(
        "/api/v1/certificates",
        {"holder_id": person.pk, "kind": "welding", "number": "H-9", "expires_on": "2028-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 403


# --- query budgets -------------------------------------------------------------------------


def _many(cast, n=12):
    for i in range(n):
        unit = cast.unit if i % 2 else cast.other_unit
        a, b = staff(unit), staff(unit)
        certificate(a, days=i)
        certificate(b, days=i + 100)
        shift(unit, [a, b], day=timezone.localdate() - dt.timedelta(days=i))


def test_query_budget_unit_page(cast, django_assert_max_num_queries):
    _many(cast)
    client = web_client(cast.unit_manager)
    # session + user + memberships, unit, certificates, control-room check, shifts + people,
    # the menu's counts
    with django_assert_max_num_queries(14):
        assert client.get(f"/certificates/unit/{cast.unit.pk}/").status_code == 200


def test_query_budget_expiring_list(cast, django_assert_max_num_queries):
    _many(cast)
    client = web_client(cast.regulator)
    # session + user + memberships, count + page of certificates, short shifts, the menu's
    # counts (15 measured: flat in the number of rows)
    with django_assert_max_num_queries(15):
        assert client.get("/certificates/expiring/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/certificates?expiring_within=30",
                                  "/api/v1/control-room-shifts"])  # fmt: skip
def test_query_budget_api_lists(cast, path, django_assert_max_num_queries):
    _many(cast)
    client = api_client(cast.regulator)
    # token + user + memberships (+ token touch), count, page (+ people prefetch)
    with django_assert_max_num_queries(8):
        assert client.get(path).status_code == 200
