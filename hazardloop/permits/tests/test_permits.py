import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from hazardloop.audit.models import AuditEvent
from hazardloop.evidence.services import store_photo
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.models import Hazard
from hazardloop.permits import rules, services
from hazardloop.permits.jobs import expire_permits_once
from hazardloop.permits.models import HotWorkPermit, PermitEvent
from hazardloop.permits.tests.helpers import make_permit, make_site
from hazardloop.permits.workflow import NotAllowedNow
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def site(cast):
    with time_machine.travel(NOW, tick=False):
        return make_site(cast.unit, now=NOW)


def _approve(permit, user, now=NOW):
    return services.perform(permit, "approve", actor=user, now=now)


def test_a_sound_grade_2_permit_is_approved_by_the_safety_officer(cast, site):
    welder, watch, officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    assert permit.status == "submitted" and permit.grade == "level2"
    _approve(permit, officer)
    permit.refresh_from_db()
    assert permit.status == "approved" and permit.approvals[0]["user"] == officer.pk
    assert PermitEvent.objects.filter(permit=permit, kind="approved").exists()
    assert AuditEvent.objects.filter(action="permit.approve", object_id=str(permit.pk)).exists()


def _refused_for(permit, officer, code):
    _approve(permit, officer)
    permit.refresh_from_db()
    assert permit.status == "refused", permit.status
    assert code in permit.refusal_reasons, permit.refusal_reasons
    event = PermitEvent.objects.get(permit=permit, kind="refused")
    assert event.data["reasons"] == permit.refusal_reasons
    event.text = " ".join(
        rules.sentence(c, event.data["details"][c]) for c in event.data["reasons"]
    )
    assert AuditEvent.objects.filter(action="permit.approve", object_id=str(permit.pk)).exists()
    return event


def test_refused_when_the_welding_certificate_has_expired(cast):
    welder, watch, officer = make_site(cast.unit, now=NOW, cert_until=dt.date(2026, 12, 1))
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    event = _refused_for(permit, officer, "certificate")
    assert permit.refusal_reasons == ["certificate"]
    assert welder.name in event.text


def test_refused_when_the_certificate_runs_out_inside_the_window(cast):
    # The window ends on 12-06 (local); the certificate is valid through 12-05 only.
    welder, watch, officer = make_site(cast.unit, now=NOW, cert_until=dt.date(2026, 12, 5))
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, hours=24)
    _refused_for(permit, officer, "certificate")


def test_refused_when_the_worker_has_no_certificate(cast):
    welder, watch, officer = make_site(cast.unit, now=NOW, cert_until=False)
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    _refused_for(permit, officer, "certificate")


def test_refused_when_the_fire_watch_has_no_current_training(cast):
    welder, watch, officer = make_site(cast.unit, now=NOW, trained=False)
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    event = _refused_for(permit, officer, "fire_watch")
    assert watch.name in event.text


def test_refused_without_a_gas_test(cast, site):
    welder, watch, officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, gas_minutes_ago=None)
    _refused_for(permit, officer, "gas_missing")


def test_refused_when_the_gas_test_is_older_than_the_rule(cast, site):
    welder, watch, officer = site
    # Taken 25 min before now, the work starts 10 min from now: 35 min > 30 min.
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, gas_minutes_ago=25)
    _refused_for(permit, officer, "gas_stale")


def test_refused_when_the_gas_reading_is_above_the_limit(cast, site):
    welder, watch, officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, lel=25)
    _refused_for(permit, officer, "gas_high")


def test_refused_under_an_open_major_fire_hazard(cast, site):
    welder, watch, officer = site
    Hazard.objects.create(
        unit=cast.unit, region_code=cast.unit.region_id, title="自动喷水灭火系统瘫痪",
        category="fire_facilities", grade="major", status="ordered", found_at=NOW,
    )  # fmt: skip
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    event = _refused_for(permit, officer, "fire_hazard")
    assert "自动喷水灭火系统瘫痪" in event.text


def test_a_general_or_other_category_hazard_does_not_refuse(cast, site):
    welder, watch, officer = site
    Hazard.objects.create(
        unit=cast.unit, region_code=cast.unit.region_id, title="台账不全",
        category="management", grade="major", status="ordered", found_at=NOW,
    )  # fmt: skip
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    _approve(permit, officer)
    assert permit.status == "approved"


def test_every_reason_is_recorded_at_once(cast):
    welder, watch, officer = make_site(cast.unit, now=NOW, cert_until=False, trained=False)
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, gas_minutes_ago=None)
    _approve(permit, officer)
    assert permit.refusal_reasons == ["certificate", "fire_watch", "gas_missing"]


def test_a_new_gas_test_is_needed_after_an_interruption(cast, site):
    welder, watch, officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    _approve(permit, officer)
    at = NOW + dt.timedelta(minutes=12)
    services.perform(permit, "start", actor=cast.unit_manager, now=at)
    services.perform(permit, "interrupt", actor=cast.unit_manager, now=at + dt.timedelta(hours=1))
    resume = at + dt.timedelta(hours=1, minutes=10)
    with pytest.raises(NotAllowedNow, match="interrupted"):
        services.perform(permit, "start", actor=cast.unit_manager, now=resume)
    reading = {"taken_at": resume, "lel_percent": 0}
    services.perform(permit, "gas_test", actor=cast.unit_manager, now=resume, reading=reading)
    services.perform(permit, "start", actor=cast.unit_manager, now=resume)
    assert permit.status == "active"


def test_the_applicant_does_not_approve_and_grades_need_their_roles(cast, site):
    welder, watch, officer = site
    permit = make_permit(cast.unit, officer, welder, watch, now=NOW, answers=["explosive_place"])
    assert permit.grade == "level1"
    with pytest.raises(NotAllowedNow):
        _approve(permit, officer)  # the applicant
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW,
                         answers=["pipe_rack"])  # fmt: skip
    with pytest.raises(NotAllowedNow, match="signed at this step"):
        _approve(permit, officer)  # grade 1: the unit manager's
    other = make_site(cast.unit, now=NOW)[2]
    permit = make_permit(cast.unit, other, welder, watch, now=NOW, answers=["running_unit"])
    assert permit.grade == "special"
    _approve(permit, officer)
    assert permit.status == "submitted" and len(permit.approvals) == 1
    with pytest.raises(NotAllowedNow, match="signed this permit already"):
        _approve(permit, officer)
    _approve(permit, cast.unit_manager)
    assert permit.status == "approved"


def test_the_window_fits_the_grades_validity(cast, site):
    welder, watch, _officer = site
    with pytest.raises(ValidationError) as exc:
        make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, hours=9,
                    answers=["explosive_place"])  # fmt: skip
    assert "planned_end" in exc.value.message_dict
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, hours=72)
    assert permit.grade == "level2"


def test_submitting_needs_the_required_measures(cast, site):
    welder, watch, _officer = site
    with pytest.raises(ValidationError) as exc:
        make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, measures=[])
    assert "measures" in exc.value.message_dict
    draft = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, measures=[],
                        submit=False)  # fmt: skip
    with pytest.raises(ValidationError):
        services.perform(draft, "submit", actor=cast.unit_manager, now=NOW)
    assert HotWorkPermit.objects.get(pk=draft.pk).status == "draft"


def test_a_permit_expires_on_time(cast, site):
    welder, watch, _officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, hours=8,
                         answers=["explosive_place"])  # fmt: skip
    end = permit.valid_until
    assert end == NOW + dt.timedelta(minutes=10, hours=8)
    assert "hazardloop.permits.jobs.expire_permits_once" in settings.SWEEP_STEPS
    with time_machine.travel(end - dt.timedelta(seconds=1), tick=False):
        assert expire_permits_once(timezone.now()) == 0
    with time_machine.travel(end, tick=False):
        assert expire_permits_once(timezone.now()) == 1
        assert expire_permits_once(timezone.now()) == 0  # idempotent
    permit.refresh_from_db()
    assert permit.status == "expired" and permit.ended_at == end
    event = PermitEvent.objects.get(permit=permit, kind="expired")
    assert event.actor is None and event.from_status == "submitted"
    assert AuditEvent.objects.filter(action="permit.expire", object_id=str(permit.pk)).exists()


def test_an_active_permit_expires_and_closed_ones_stay(cast, site):
    welder, watch, officer = site
    live = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, hours=2)
    _approve(live, officer)
    services.perform(live, "start", actor=cast.unit_manager, now=NOW + dt.timedelta(minutes=11))
    cancelled = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW, hours=2)
    services.perform(cancelled, "cancel", actor=cast.unit_manager, now=NOW)
    assert expire_permits_once(NOW + dt.timedelta(hours=3)) == 1
    live.refresh_from_db()
    cancelled.refresh_from_db()
    assert live.status == "expired" and cancelled.status == "cancelled"


def _photo(cast, n=1):
    upload = SimpleUploadedFile(f"after{n}.jpg", jpeg_bytes(comment=f"a{n}"), "image/jpeg")
    return store_photo(upload, actor=cast.unit_manager, region_code=cast.unit.region_id,
                       unit_id=cast.unit.pk)  # fmt: skip


def test_closing_needs_the_after_check_and_a_photo(cast, site):
    welder, watch, officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    _approve(permit, officer)
    at = NOW + dt.timedelta(minutes=15)
    services.perform(permit, "start", actor=cast.unit_manager, now=at)
    photo = _photo(cast)
    with pytest.raises(ValidationError) as exc:
        services.perform(permit, "close", actor=cast.unit_manager, now=at, photo_ids=[photo.pk])
    assert "no_smouldering" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.perform(permit, "close", actor=cast.unit_manager, now=at, no_smouldering=True)
    assert "photo_ids" in exc.value.message_dict
    assert HotWorkPermit.objects.get(pk=permit.pk).status == "active"
    services.perform(permit, "close", actor=cast.unit_manager, now=at, no_smouldering=True,
                     photo_ids=[photo.pk], note="作业点已冷却，无余火")  # fmt: skip
    permit.refresh_from_db()
    assert permit.status == "closed" and permit.no_smouldering
    assert list(permit.after_photos.values_list("pk", flat=True)) == [photo.pk]
    photo.refresh_from_db()
    assert photo.claimed_by_ref == f"permit:{permit.pk}"


def test_closing_on_the_page_uploads_the_photo(cast, site):
    welder, watch, officer = site
    now = timezone.now()
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=now)
    _approve(permit, officer, now)
    services.perform(permit, "start", actor=cast.unit_manager, now=now + dt.timedelta(minutes=11))
    client = web_client(cast.unit_manager)
    upload = SimpleUploadedFile("after.jpg", jpeg_bytes(comment="page"), "image/jpeg")
    response = client.post(
        f"/permits/{permit.pk}/act/",
        {"do": "close", "version": permit.version, "no_smouldering": "1", "photos": upload},
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == "closed" and permit.after_photos.count() == 1
    page = client.get(f"/permits/{permit.pk}/").content.decode()
    assert 'data-testid="permit-after-check"' in page


def test_an_inspector_records_a_check_on_site(cast, site):
    welder, watch, _officer = site
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch, now=NOW)
    with pytest.raises(ValidationError):
        services.perform(permit, "site_check", actor=cast.inspector, matches=False, now=NOW)
    services.perform(permit, "site_check", actor=cast.inspector, matches=False,
                     note="现场无灭火器", now=NOW)  # fmt: skip
    event = PermitEvent.objects.get(permit=permit, kind="site_check")
    assert event.data == {"matches": False} and permit.status == "submitted"
    with pytest.raises(PermissionDenied):
        services.perform(permit, "site_check", actor=cast.unit_manager, matches=True, now=NOW)
    with pytest.raises(PermissionDenied):
        services.perform(permit, "approve", actor=cast.regulator, now=NOW)


def test_the_page_shows_a_refusal_in_words(cast):
    welder, watch, officer = make_site(cast.unit, trained=False)
    permit = make_permit(cast.unit, cast.unit_manager, welder, watch)
    response = web_client(officer).post(
        f"/permits/{permit.pk}/act/", {"do": "approve", "version": permit.version}
    )
    assert response.status_code == 302
    page = web_client(cast.regulator).get(f"/permits/{permit.pk}/").content.decode()
    assert 'data-testid="permit-refusal"' in page and watch.name in page


def test_the_application_form_creates_a_permit(cast, site):
    welder, watch, _officer = site
    client = web_client(cast.unit_manager)
    page = client.get("/permits/new/")
    assert page.status_code == 200 and welder.name in page.content.decode()
    start = timezone.localtime() + dt.timedelta(minutes=20)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "unit": cast.unit.pk, "place": "后厨", "reason": "焊接排烟罩支架",
        "planned_start": start.strftime(fmt),
        "planned_end": (start + dt.timedelta(hours=3)).strftime(fmt),
        "worker_id": welder.pk, "fire_watch_id": watch.pk,
        "measures": ["combustibles_cleared", "no_flammable_discharge", "extinguishers",
                     "fire_watch_present"],
        "gas_taken_at": timezone.localtime().strftime(fmt), "gas_lel": "0", "submit": "1",
    }  # fmt: skip
    response = client.post("/permits/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    permit = HotWorkPermit.objects.get(place="后厨")
    assert permit.status == "submitted" and permit.gas_readings.count() == 1
    bad = client.post("/permits/new/", {**data, "worker_id": watch.pk})
    assert bad.status_code == 400 and 'data-testid="permit-errors"' in bad.content.decode()


def test_api_create_approve_and_refusal(cast, site):
    welder, watch, officer = site
    now = timezone.now()
    body = {
        "unit_id": cast.unit.pk, "place": "锅炉房", "reason": "管道焊接",
        "planned_start": (now + dt.timedelta(minutes=5)).isoformat(),
        "planned_end": (now + dt.timedelta(hours=2)).isoformat(),
        "worker_id": welder.pk, "fire_watch_id": watch.pk,
        "measures": ["combustibles_cleared", "no_flammable_discharge", "extinguishers",
                     "fire_watch_present"],
        "submit": True,
    }  # fmt: skip
    created = api_client(cast.unit_manager).post(
        "/api/v1/hot-work-permits", body, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "submitted" and data["grade"] == "level2"
    answer = api_client(officer).post(
        f"/api/v1/hot-work-permits/{data['id']}/transitions",
        {"action": "approve", "version": data["version"]},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "refused"
    assert answer.json()["refusal_reasons"] == ["gas_missing"]
    again = api_client(officer).post(
        f"/api/v1/hot-work-permits/{data['id']}/transitions",
        {"action": "approve"}, content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "not_allowed_now"
    unknown = api_client(officer).post(
        f"/api/v1/hot-work-permits/{data['id']}/transitions",
        {"action": "expire"}, content_type="application/json",
    )  # fmt: skip
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_action"
    bad = api_client(cast.unit_manager).post(
        "/api/v1/hot-work-permits", {**body, "planned_end": body["planned_start"]},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and set(bad.json()) == {"detail", "code", "errors"}


def _many(cast, n=30):
    welder, watch, _officer = make_site(cast.unit)
    for _i in range(n):
        make_permit(cast.unit, cast.unit_manager, welder, watch)


def test_list_page_query_budget(cast, django_assert_max_num_queries):
    _many(cast)
    client = web_client(cast.regulator)
    client.get("/permits/")
    with django_assert_max_num_queries(12):
        response = client.get("/permits/?show=all")
    assert len(response.context["page"]) == 30


def test_api_list_query_budget(cast, django_assert_max_num_queries):
    _many(cast)
    client = api_client(cast.regulator)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/hot-work-permits?live=true&limit=100").json()
    assert body["count"] == 30
