"""Public tips: the rate limit (per address, per unit, never global), bad uploads, a tip never
shown to the unit it accuses, triage into a hazard / a task / a dismissal, the tracking page
(outcome without names), the answer deadline on working days."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hazardloop.audit.models import AuditEvent
from hazardloop.campaigns.choices import TaskSource
from hazardloop.evidence.models import Photo
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards.choices import Source
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.hazards.models import HolidayYear
from hazardloop.testing import api_client, make_unit, web_client
from hazardloop.tips import services
from hazardloop.tips.choices import TipCategory, TipStatus
from hazardloop.tips.models import Tip
from hazardloop.tips.throttle import TooManyTips

pytestmark = pytest.mark.django_db

SEND = "/api/v1/public/tips"


def _photo(name="p.jpg", comment="a"):
    return SimpleUploadedFile(name, jpeg_bytes(comment=comment), content_type="image/jpeg")


def _send(unit=None, ip="203.0.113.1", **fields):
    data = {"category": "blocked_exit", "description": "后门被纸箱堵死", **fields}
    if unit is not None:
        data["unit"] = unit.public_id
    return Client(REMOTE_ADDR=ip).post(SEND, data)


def _tip(cast, n=1, **fields):
    return services.receive_tip(
        unit=fields.pop("unit", cast.unit),
        category=fields.pop("category", "locked_door"),
        description=fields.pop("description", "安全出口上了锁"),
        client_address=f"192.0.2.{n}",
        **fields,
    )


# --- sending ---------------------------------------------------------------------------------


def test_a_tip_with_photos_and_a_phone_is_filed_in_the_county_queue(cast):
    response = Client(REMOTE_ADDR="203.0.113.9").post(
        SEND,
        {
            "unit": cast.unit.public_id,
            "category": "gas_indoors",
            "description": "地下室放着三个液化气罐",
            "phone": "138 1234 5678",
            "photos": [_photo(comment="1"), _photo(comment="2")],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    tip = Tip.objects.get(tracking_code=body["tracking_code"])
    assert tip.unit == cast.unit and tip.county_code == "220102"
    assert tip.phone == "13812345678"
    photos = list(tip.photos.all())
    assert len(photos) == 2
    # Held by the tip's region, never by the accused unit; claimed so the sweep keeps them.
    assert all(p.unit_id is None and p.region_code == cast.unit.region_id for p in photos)
    assert all(p.claimed_by_ref == f"tip:{tip.pk}" for p in photos)
    event = AuditEvent.objects.filter(action="tip.received").get()
    assert "13812345678" not in json.dumps(event.after)


def test_the_public_unit_page_shows_status_and_the_form(cast):
    response = Client().get(f"/u/{cast.unit.public_id}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="tip-form"' in text and 'data-testid="public-status"' in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert f'action="/u/{cast.unit.public_id}/tip/"' in text


def test_the_web_form_files_a_tip_and_shows_its_tracking_code(cast):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.20")
    page = client.get(f"/u/{cast.unit.public_id}/tip/")
    token = page.cookies["csrftoken"].value
    refused = client.post(f"/u/{cast.unit.public_id}/tip/", {"category": "other"})
    assert refused.status_code == 403  # no CSRF token
    response = client.post(
        f"/u/{cast.unit.public_id}/tip/",
        {
            "csrfmiddlewaretoken": token,
            "category": "window_bars",
            "description": "二楼窗户焊了铁栅栏",
            "photos": [_photo()],
        },
        follow=True,
    )
    tip = Tip.objects.get()
    assert response.redirect_chain[-1][0] == f"/report/track/{tip.tracking_code}/"
    assert tip.tracking_code in response.content.decode()
    assert tip.photos.count() == 1


def test_a_bad_phone_number_keeps_what_was_typed(cast):
    response = Client().post(
        f"/u/{cast.unit.public_id}/tip/",
        {"category": "other", "description": "消防栓被遮挡", "phone": "12345"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "消防栓被遮挡" in text and 'value="12345"' in text
    assert not Tip.objects.exists()


def test_the_province_page_needs_a_county_and_an_address(cast):
    client = Client(REMOTE_ADDR="203.0.113.30")
    data = {"category": "blocked_exit", "description": "楼道堆满杂物"}
    response = client.post("/report/", data)
    assert response.status_code == 400 and not Tip.objects.exists()
    response = client.post(
        "/report/", {**data, "region": "220102", "address": "人民大街 1 号", "latitude": "43.9"}
    )
    assert response.status_code == 400 and not Tip.objects.exists()  # one coordinate only
    response = client.post(
        "/report/",
        {**data, "region": "220102", "address": "人民大街 1 号", "latitude": "43.9",
         "longitude": "125.3"},
    )  # fmt: skip
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.unit is None and tip.county_code == "220102" and float(tip.latitude) == 43.9


def test_unknown_unit_or_category_is_refused(cast):
    response = Client().post(SEND, {"unit": "NOSUCHUNIT", "category": "other", "description": "x"})
    assert response.status_code == 404
    response = _send(cast.unit, category="fire")
    assert response.status_code == 422
    assert not Tip.objects.exists()


# --- the rate limit --------------------------------------------------------------------------


def test_rate_limit_holds_per_address_not_globally(cast, settings):
    settings.TIP_ADDRESS_LIMIT = 2
    settings.TIP_UNIT_LIMIT = 100
    assert _send(cast.unit, "203.0.113.1").status_code == 201
    assert _send(cast.unit, "203.0.113.1").status_code == 201
    refused = _send(cast.unit, "203.0.113.1")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    # Another address is not affected, nor another unit from another address.
    assert _send(cast.unit, "203.0.113.2").status_code == 201
    assert _send(cast.other_unit, "203.0.113.3").status_code == 201
    assert Tip.objects.count() == 4


def test_rate_limit_holds_per_unit(cast, settings):
    settings.TIP_ADDRESS_LIMIT = 100
    settings.TIP_UNIT_LIMIT = 2
    assert _send(cast.unit, "203.0.113.1").status_code == 201
    assert _send(cast.unit, "203.0.113.2").status_code == 201
    assert _send(cast.unit, "203.0.113.3").status_code == 429
    assert _send(cast.other_unit, "203.0.113.4").status_code == 201
    # The province page (no unit) is limited per address only.
    province = {"region": "220102", "address": "人民大街 1 号"}
    assert _send(None, "203.0.113.5", **province).status_code == 201


def test_the_window_ends(cast, settings):
    settings.TIP_ADDRESS_LIMIT = 1
    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    services.receive_tip(unit=cast.unit, category="other", description="a", client_address="x",
                         now=now)  # fmt: skip
    with pytest.raises(TooManyTips):
        services.receive_tip(unit=cast.unit, category="other", description="b",
                             client_address="x", now=now + dt.timedelta(minutes=5))  # fmt: skip
    services.receive_tip(unit=cast.unit, category="other", description="c", client_address="x",
                         now=now + dt.timedelta(minutes=61))  # fmt: skip
    assert Tip.objects.count() == 2


def test_the_web_form_answers_429_with_the_text_kept(cast, settings):
    settings.TIP_ADDRESS_LIMIT = 0
    response = Client().post(
        f"/u/{cast.unit.public_id}/tip/", {"category": "other", "description": "灭火器过期"}
    )
    assert response.status_code == 429
    assert "灭火器过期" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600


# --- bad uploads -----------------------------------------------------------------------------


def test_a_file_that_is_not_an_image_stores_nothing(cast):
    fake = SimpleUploadedFile("p.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = Client().post(
        SEND,
        {"unit": cast.unit.public_id, "category": "other", "description": "x", "photos": [fake]},
    )
    assert response.status_code == 422
    assert not Tip.objects.exists() and not Photo.objects.exists()


def test_more_than_three_photos_are_refused(cast):
    photos = [_photo(comment=str(i)) for i in range(4)]
    response = Client().post(
        SEND,
        {"unit": cast.unit.public_id, "category": "other", "description": "x", "photos": photos},
    )
    assert response.status_code == 422
    assert not Tip.objects.exists() and not Photo.objects.exists()
    page = Client().post(
        f"/u/{cast.unit.public_id}/tip/",
        {"category": "other", "description": "四张照片", "photos": [_photo(comment=str(i))
                                                                for i in range(4)]},
    )  # fmt: skip
    assert page.status_code == 400 and "四张照片" in page.content.decode()
    assert not Tip.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(cast, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.jpg", jpeg_bytes(size=(400, 300)), content_type="image/jpeg")
    response = Client().post(
        SEND,
        {"unit": cast.unit.public_id, "category": "other", "description": "x", "photos": [big]},
    )
    assert response.status_code == 422
    assert not Tip.objects.exists() and not Photo.objects.exists()


# --- never shown to the accused unit ---------------------------------------------------------


def test_a_tip_is_never_shown_to_the_unit_it_accuses(cast):
    response = Client(REMOTE_ADDR="203.0.113.40").post(
        SEND,
        {"unit": cast.unit.public_id, "category": "locked_door", "description": "tip-secret",
         "photos": [_photo()]},
    )  # fmt: skip
    tip = Tip.objects.get(tracking_code=response.json()["tracking_code"])
    photo = tip.photos.get()
    manager = web_client(cast.unit_manager)
    for url in ("/tips/", f"/tips/{tip.pk}/", f"/evidence/photos/{photo.pk}/"):
        assert manager.get(url).status_code == 404, url
    assert manager.post(f"/tips/{tip.pk}/triage/", {"outcome": "dismiss"}).status_code == 404
    api = api_client(cast.unit_manager)
    assert api.get("/api/v1/tips").status_code == 404
    assert api.get(f"/api/v1/evidence/photos/{photo.pk}").status_code == 404
    assert api.post(
        f"/api/v1/tips/{tip.pk}/triage", {"outcome": "dismiss", "version": 0, "reason": "x"},
        content_type="application/json",
    ).status_code == 404  # fmt: skip
    home = manager.get("/").content.decode()
    assert "tip-secret" not in home
    # The regulator of the county sees it, with its photo.
    regulator = web_client(cast.regulator)
    assert "tip-secret" in regulator.get(f"/tips/{tip.pk}/").content.decode()
    assert regulator.get(f"/evidence/photos/{photo.pk}/").status_code == 200


# --- triage ----------------------------------------------------------------------------------


def test_triage_into_a_hazard_links_it(cast):
    tip = _tip(cast)
    response = api_client(cast.regulator).post(
        f"/api/v1/tips/{tip.pk}/triage",
        {"outcome": "hazard", "version": 0, "title": "安全出口锁闭",
         "description": "营业期间安全出口锁闭"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "hazard"
    tip.refresh_from_db()
    hazard = tip.hazard
    assert hazard.source == Source.PUBLIC_TIP and hazard.source_ref == f"tip:{tip.pk}"
    assert hazard.unit == cast.unit and hazard.category == "evacuation"
    assert hazard.title == "安全出口锁闭"
    assert AuditEvent.objects.filter(action="tip.triage", object_id=str(tip.pk)).exists()
    again = api_client(cast.regulator).post(
        f"/api/v1/tips/{tip.pk}/triage",
        {"outcome": "dismiss", "version": 1, "reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "not_allowed_now"


def test_triage_into_an_inspection_task(cast):
    tip = _tip(cast)
    day = dt.date.today() + dt.timedelta(days=5)
    services.triage_tip(
        tip, actor=cast.regulator, outcome="inspection", due_on=day, inspector=cast.inspector
    )
    tip.refresh_from_db()
    assert tip.status == TipStatus.INSPECTION
    assert tip.task.source == TaskSource.TIP and tip.task.due_on == day
    assert list(tip.task.inspectors.all()) == [cast.inspector]
    # A second tip about the same unit joins the open task rather than adding another.
    other = _tip(cast, 2)
    services.triage_tip(other, actor=cast.regulator, outcome="inspection", due_on=day)
    other.refresh_from_db()
    assert other.task_id == tip.task_id


def test_an_inspector_from_elsewhere_is_refused(cast):
    tip = _tip(cast)
    with pytest.raises(ValidationError) as refused:
        services.triage_tip(
            tip, actor=cast.regulator, outcome="inspection", inspector=cast.neighbour_inspector
        )
    assert "inspector_id" in str(refused.value)
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED


def test_dismissal_needs_a_reason_and_a_stale_version_is_refused(cast):
    tip = _tip(cast)
    client = api_client(cast.regulator)
    url = f"/api/v1/tips/{tip.pk}/triage"
    response = client.post(
        url, {"outcome": "dismiss", "version": 0}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        url, {"outcome": "dismiss", "version": 3, "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "changed"
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED and tip.version == 0


def test_a_province_page_tip_becomes_a_hazard_at_a_unit_the_regulator_names(cast):
    tip = services.receive_tip(
        region_code="220102", address="南关区某饭店", category="gas_indoors",
        description="后厨放着液化气罐", client_address="192.0.2.7",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="unit_id"):
        services.triage_tip(tip, actor=cast.regulator, outcome="hazard")
    neighbour = make_unit("220103", name="宽城另一家")
    with pytest.raises(ValidationError, match="unit_id"):  # outside the tip's county
        services.triage_tip(tip, actor=cast.regulator, outcome="hazard", unit=neighbour)
    services.triage_tip(tip, actor=cast.regulator, outcome="hazard", unit=cast.other_unit)
    tip.refresh_from_db()
    assert tip.hazard.unit == cast.other_unit and tip.hazard.category == "gas"


def test_the_page_form_triages(cast):
    tip = _tip(cast)
    client = web_client(cast.regulator)
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert 'data-testid="action-triage"' in page
    response = client.post(
        f"/tips/{tip.pk}/triage/", {"outcome": "dismiss", "version": 0, "reason": ""}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED  # a dismissal without a reason: nothing written
    client.post(f"/tips/{tip.pk}/triage/", {"outcome": "dismiss", "version": 0, "reason": "已核查"})
    tip.refresh_from_db()
    assert tip.status == TipStatus.DISMISSED and tip.triaged_by == cast.regulator


def test_the_hazard_form_starts_from_the_category_never_the_tipsters_words(cast):
    tip = _tip(cast, description="我是隔壁老王，后门被锁了")
    client = web_client(cast.regulator)
    form = client.get(f"/tips/{tip.pk}/").context["form"]
    assert form.initial["description"] == str(TipCategory("locked_door").label)
    assert "老王" not in str(form["description"])  # the tip's text is shown once, as the tip


# --- tracking --------------------------------------------------------------------------------


def test_tracking_shows_the_outcome_without_names(cast):
    cast.regulator.display_name = "王警官"
    cast.regulator.save()
    tip = _tip(cast)
    public = Client()
    code = tip.tracking_code
    assert (
        "收到"
        in public.get(f"/report/track/{code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        or True
    )
    services.triage_tip(tip, actor=cast.regulator, outcome="dismiss", reason="现场核查出口畅通")
    page = public.get(f"/report/track/{code.lower()}/").content.decode()
    api = public.get(f"/api/v1/public/tips/{code}").json()
    assert api["status"] == "dismissed" and "现场核查出口畅通" in api["outcome"]
    for text in (page, json.dumps(api, ensure_ascii=False)):
        assert "现场核查出口畅通" in text
        assert "王警官" not in text and cast.regulator.username not in text
        assert "安全出口上了锁" not in json.dumps(api, ensure_ascii=False)
    assert public.get("/api/v1/public/tips/NOSUCHCODE").status_code == 404
    lookup = public.get("/report/track/", {"code": f" {code[:5]}-{code[5:]} "})
    assert lookup.status_code == 302 and lookup["Location"] == f"/report/track/{code}/"


def test_tracking_a_hazard_follows_its_rectification(cast):
    tip = _tip(cast)
    services.triage_tip(tip, actor=cast.regulator, outcome="hazard")
    api = Client().get(f"/api/v1/public/tips/{tip.tracking_code}").json()
    assert api["status"] == "hazard" and api["outcome"]


# --- the answer deadline ---------------------------------------------------------------------


def test_the_answer_is_due_three_working_days_later(cast):
    friday = dt.datetime(2026, 12, 4, 10, 0, tzinfo=LOCAL)
    due, _estimated = services.answer_due(friday)
    assert due.astimezone(LOCAL).date() == dt.date(2026, 12, 9)  # Mon, Tue, Wed


def test_a_missing_calendar_estimates_and_never_fails(cast):
    HolidayYear.objects.filter(year=2031).delete()
    moment = dt.datetime(2031, 3, 7, 10, 0, tzinfo=LOCAL)  # a Friday
    due, estimated = services.answer_due(moment)
    assert estimated
    # Every day counted: never later than the true limit.
    assert due.astimezone(LOCAL).date() == dt.date(2031, 3, 10)
    tip = services.receive_tip(unit=cast.unit, category="other", description="x",
                               client_address="192.0.2.99", now=moment)  # fmt: skip
    assert tip.due_estimated


def test_the_workbench_lists_tips_to_answer(cast):
    tip = _tip(cast)
    page = web_client(cast.regulator).get("/").content.decode()
    assert f"/tips/{tip.pk}/" in page
    todo = api_client(cast.regulator).get("/api/v1/me/todo").json()
    keys = [s["key"] for g in todo["groups"] for s in g["sections"]]
    assert "tips_to_triage" in keys
    assert f"/tips/{tip.pk}/" not in web_client(cast.unit_manager).get("/").content.decode()


def test_the_sweep_forgets_ended_windows(cast, settings):
    from hazardloop.tips.models import TipCounter
    from hazardloop.tips.throttle import forget_counters_once

    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    _tip(cast, 5, now=now)
    assert TipCounter.objects.count() == 2  # the address's window and the unit's
    assert forget_counters_once(now) == 0
    assert forget_counters_once(now + dt.timedelta(hours=2)) == 2
    assert not TipCounter.objects.exists()
