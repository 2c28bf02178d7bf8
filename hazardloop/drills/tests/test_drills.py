"""Recording a drill: participants from the staff list, problems that become self-found hazards
(closed by the unit itself when general), the plan document's checks, the drill duty done on the
calendar, refusals with nothing saved, audit and query budgets."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.audit.models import AuditEvent
from hazardloop.drills.evidence import drills as drill_evidence
from hazardloop.drills.models import Drill, DrillPlan
from hazardloop.drills.services import store_plan
from hazardloop.drills.tests.factories import PDF, make_drill, pdf_upload, staff
from hazardloop.evidence.imaging import PhotoError
from hazardloop.evidence.services import store_photo
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.hazards import workflow
from hazardloop.hazards.choices import Source
from hazardloop.hazards.models import Hazard
from hazardloop.obligations.choices import DutyKind, DutyState
from hazardloop.obligations.schedule import unit_calendar
from hazardloop.obligations.tests.helpers import at
from hazardloop.testing import api_client, make_unit, web_client

pytestmark = pytest.mark.django_db


def test_a_problem_becomes_a_self_found_hazard_the_unit_closes_itself(cast):
    drill = make_drill(
        cast.unit,
        cast.unit_manager,
        problems=[
            {"description": "后门疏散指示灯不亮", "hazard": True, "category": "evacuation"},
            {"description": "两名员工不会使用灭火器", "hazard": False},
            {"description": "   ", "hazard": True},  # an empty row is no problem
        ],
    )
    problems = list(drill.problems.all())
    assert [p.description for p in problems] == ["后门疏散指示灯不亮", "两名员工不会使用灭火器"]
    hazard = Hazard.objects.get(pk=problems[0].hazard_id)
    assert problems[1].hazard_id is None
    assert hazard.unit == cast.unit and hazard.source == Source.SELF_INSPECTION
    assert hazard.source_ref == f"drill:{drill.pk}" and hazard.category == "evacuation"
    assert hazard.grade == "general"
    # The unit's own general hazard: its people order, verify and close it themselves.
    assert workflow.unit_self_closes(cast.unit_manager, "close", hazard)
    event = AuditEvent.objects.filter(action="drill.recorded").latest("id")
    assert event.after["hazard_ids"] == [hazard.pk] and event.after["problems"] == 2


def test_participants_come_from_the_units_staff_list(cast):
    other = staff(cast.other_unit, "李四")
    with pytest.raises(ValidationError) as exc:
        make_drill(cast.unit, cast.unit_manager, participant_ids=[other.pk])
    assert "participant_ids" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_drill(cast.unit, cast.unit_manager, participant_ids=[], others_count=0)
    assert "participant_ids" in exc.value.message_dict
    drill = make_drill(cast.unit, cast.unit_manager, participant_ids=[], others_count=12)
    assert drill.others_count == 12 and not drill.participants.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("held_at", "future"),
        ("scenario", ""),
        ("rating", "excellent"),
        ("evacuation_seconds", 0),
        ("evacuation_seconds", 2 * 24 * 3600),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(cast, field, value):
    if value == "future":
        value = timezone.now() + dt.timedelta(hours=3)
    before = (Drill.objects.count(), Hazard.objects.count())
    with pytest.raises(ValidationError) as exc:
        make_drill(
            cast.unit, cast.unit_manager, plan=False,
            problems=[{"description": "x", "hazard": True}], **{field: value},
        )  # fmt: skip
    assert field in exc.value.message_dict
    assert (Drill.objects.count(), Hazard.objects.count()) == before


def test_a_plan_of_another_unit_or_a_photo_of_another_unit_is_refused(cast):
    foreign = store_plan(cast.other_unit, pdf_upload(), actor=cast.other_unit_manager)
    with pytest.raises(ValidationError) as exc:
        make_drill(cast.unit, cast.unit_manager, plan=False, plan_id=foreign.pk)
    assert "plan_id" in exc.value.message_dict
    photo = store_photo(
        jpeg_bytes(comment="other"), actor=cast.other_unit_manager,
        region_code=cast.other_unit.region_id, unit_id=cast.other_unit.pk,
    )  # fmt: skip
    with pytest.raises(PhotoError):
        make_drill(cast.unit, cast.unit_manager, plan=False, photo_ids=[photo.pk])
    assert not Drill.objects.exists()


def test_only_the_units_own_people_record_its_drills(cast):
    with pytest.raises(PermissionDenied):
        make_drill(cast.unit, cast.regulator, plan=False)
    with pytest.raises(PermissionDenied):
        make_drill(cast.unit, cast.other_unit_manager, plan=False)


@pytest.mark.parametrize(
    ("name", "data", "ok"),
    [
        ("预案.pdf", PDF, True),
        ("预案.jpg", jpeg_bytes(comment="plan"), True),
        ("预案.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n", False),  # cut off: no end marker
        ("预案.pdf", b"MZ\x90\x00 not a pdf at all", False),
        ("预案.pdf", b"", False),
    ],
)
def test_the_plan_is_a_sound_pdf_or_photo(cast, name, data, ok):
    upload = SimpleUploadedFile(name, data)
    if ok:
        plan = store_plan(cast.unit, upload, actor=cast.unit_manager)
        assert plan.title == "预案" and plan.bytes == len(data)
    else:
        with pytest.raises(PhotoError):
            store_plan(cast.unit, upload, actor=cast.unit_manager)
        assert not DrillPlan.objects.exists()


def test_a_plan_over_the_size_limit_is_refused(cast, settings):
    settings.EVIDENCE_MAX_BYTES = 50
    with pytest.raises(PhotoError):
        store_plan(cast.unit, pdf_upload(), actor=cast.unit_manager)


def test_the_drill_duty_is_done_on_the_calendar(cast):
    key = make_unit(is_fire_key_unit=True, sector="industry_trade")
    from hazardloop.accounts.choices import Role
    from hazardloop.testing import make_user

    manager = make_user(role=Role.UNIT_MANAGER, unit=key)
    span, now = (at(2026, 1, 1), at(2026, 7, 1)), at(2026, 6, 30, 12)

    def drill_states():
        wins = unit_calendar(key, *span, now=now)
        return [(w.state, w.done_at) for w in wins if w.kind == DutyKind.DRILL]

    assert [s for s, _d in drill_states()] == [DutyState.DUE]
    held = at(2026, 3, 15, 14)
    make_drill(key, manager, held_at=held, plan=False)
    assert drill_states() == [(DutyState.DONE, held)]
    assert drill_evidence([key.pk], *span) == {key.pk: [held]}
    assert drill_evidence([key.pk], at(2026, 3, 16), at(2026, 4, 1)) == {}


def test_the_page_records_a_drill_with_a_new_plan_photos_and_a_hazard(cast):
    worker = staff(cast.unit, "王五")
    client = web_client(cast.unit_manager)
    data = {
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "scenario": "午餐时间厨房起火",
        "plan": "new",
        "plan_file": pdf_upload(),
        "plan_title": "本店灭火和应急疏散预案",
        "participants": [str(worker.pk)],
        "others_count": "5",
        "evac_min": "2",
        "evac_sec": "30",
        "problem_1": "安全出口被杂物堵塞",
        "hazard_1": "on",
        "category_1": "evacuation",
        "problem_2": "广播未响",
        "category_2": "fire_facilities",
        "rating": "partly",
        "photos": [SimpleUploadedFile("a.jpg", jpeg_bytes(comment="drill-page"))],
    }
    response = client.post(f"/drills/unit/{cast.unit.pk}/new/", data)
    drill = Drill.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/drills/{drill.pk}/"
    assert drill.evacuation_seconds == 150 and drill.plan.title == "本店灭火和应急疏散预案"
    assert list(drill.participants.all()) == [worker] and drill.photos.count() == 1
    assert [bool(p.hazard_id) for p in drill.problems.all()] == [True, False]
    page = client.get(f"/drills/{drill.pk}/").content.decode()
    assert (
        "安全出口被杂物堵塞" in page
        and "2 分 30 秒" in page
        and f"/drills/plans/{drill.plan_id}/file/" in page
    )


def test_the_page_shows_a_translated_error_and_saves_nothing(cast):
    client = web_client(cast.unit_manager)
    response = client.post(
        f"/drills/unit/{cast.unit.pk}/new/",
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "scenario": "疏散演练",
            "plan": "new",
            "plan_file": SimpleUploadedFile("plan.pdf", b"not a pdf"),
            "others_count": "3",
            "rating": "met",
            "problem_1": "出口堵塞",
            "hazard_1": "on",
        },
    )
    assert response.status_code == 422
    assert "请附上PDF文件或照片" in response.content.decode()
    assert not Drill.objects.exists() and not DrillPlan.objects.exists()
    assert not Hazard.objects.exists()


def test_api_records_and_lists_drills(cast):
    worker = staff(cast.unit)
    client = api_client(cast.unit_manager)
    plan = client.post(
        "/api/v1/drills/plans", {"unit_id": str(cast.unit.pk), "file": pdf_upload()}
    ).json()
    response = client.post(
        "/api/v1/drills",
        {
            "unit_id": cast.unit.pk,
            "held_at": "2026-11-20T15:00:00+08:00",
            "scenario": "夜间客房起火",
            "plan_id": plan["id"],
            "participant_ids": [worker.pk],
            "evacuation_seconds": 185,
            "rating": "met",
            "problems": [{"description": "走廊应急照明不亮", "hazard": True}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["plan_id"] == plan["id"] and body["participant_ids"] == [worker.pk]
    assert body["problems"][0]["hazard_id"] and body["rating_label"]
    listed = client.get("/api/v1/drills?since=2026-11-20&until=2026-11-20&region=220102").json()
    assert [d["id"] for d in listed["items"]] == [body["id"]]
    assert client.get("/api/v1/drills?since=2026-11-21").json()["count"] == 0
    assert client.get("/api/v1/drills?region=220103").json()["count"] == 0
    bad = client.post(
        "/api/v1/drills",
        {"unit_id": cast.unit.pk, "held_at": "2026-11-20T15:00:00+08:00", "scenario": "x",
         "rating": "met", "participant_ids": [], "others_count": 0},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "participant_ids"


# Measured on SQLite for a county regulator: the page 10 (session, user, memberships, the
# menu's counts, the count, the rows, their problems, the user's own units), the API 7 (token,
# memberships, the count, the rows, participants, photos, problems); neither grows with rows.
LIST_BUDGET = 10
API_BUDGET = 7


def test_list_page_and_api_stay_within_their_query_budgets(cast):
    for n in range(3):
        make_drill(cast.unit, cast.unit_manager, plan=False, problems=[{"description": f"问题{n}"}])
    client, api = web_client(cast.regulator), api_client(cast.regulator)
    client.get("/drills/")
    api.get("/api/v1/drills")
    with CaptureQueriesContext(connection) as page:
        assert client.get("/drills/").status_code == 200
    with CaptureQueriesContext(connection) as listed:
        assert api.get("/api/v1/drills").json()["count"] == 3
    for n in range(6):
        make_drill(cast.unit, cast.unit_manager, plan=False, problems=[{"description": f"再{n}"}])
    with CaptureQueriesContext(connection) as page_more:
        client.get("/drills/")
    with CaptureQueriesContext(connection) as listed_more:
        assert api.get("/api/v1/drills").json()["count"] == 9
    assert len(page) <= LIST_BUDGET and len(page_more) == len(page)
    assert len(listed) <= API_BUDGET and len(listed_more) == len(listed)
