"""A failed answer corrected on the spot (regulations.md §12.1, 消防监督检查规定 Art. 19): it stays
on the record with its after-photo, opens no hazard and never counts toward a determination."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.evidence.models import Photo
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import ensure_rules, hazard
from hazardloop.inspections.models import Answer, Inspection
from hazardloop.inspections.pdf import answer_detail, render_record
from hazardloop.inspections.services import SubmissionError, amend_inspection
from hazardloop.inspections.tests.helpers import payload, photo, template_and_version
from hazardloop.inspections.views import _record
from hazardloop.testing import api_client, make_unit

pytestmark = pytest.mark.django_db


def _post(user, body):
    return api_client(user).post(
        "/api/v1/inspections", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def _corrected(body, cast, code="A1", **extra):
    answer = next(a for a in body["answers"] if a["code"] == code)
    answer.update({"corrected_on_spot": True, "after_photo_ids": [photo(cast).pk], **extra})
    return answer


def test_a_corrected_failure_is_recorded_without_a_hazard(cast):
    _t, version = template_and_version()
    body = payload(cast, version)
    after_id = _corrected(body, cast)["after_photo_ids"][0]
    response = _post(cast.inspector, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    # A1 (corrected) and A2 (measured over the limit) failed; only A2 opens a hazard.
    assert data["n_failed"] == 2 and data["n_corrected"] == 1 and data["n_hazards"] == 1
    answers = {a["code"]: a for a in data["answers"]}
    a1 = answers["A1"]
    assert a1["result"] == "fail" and a1["corrected_on_spot"] is True
    assert a1["hazard_id"] is None and a1["after_photo_ids"] == [after_id]
    assert answers["A2"]["corrected_on_spot"] is False and answers["A2"]["hazard_id"]
    assert Hazard.objects.count() == 1
    assert not Hazard.objects.filter(source_ref__endswith="item:A1").exists()
    # the after-photo is claimed by the inspection like the others
    assert Photo.objects.get(pk=after_id).claimed_at is not None


def test_a_correction_needs_a_failure_and_an_after_photo(cast):
    _t, version = template_and_version()
    no_photo = payload(cast, version)
    _corrected(no_photo, cast, after_photo_ids=[])
    passed = payload(cast, version, failing=False)
    _corrected(passed, cast)
    stray = payload(cast, version)
    next(a for a in stray["answers"] if a["code"] == "A1")["after_photo_ids"] = [photo(cast).pk]
    same = payload(cast, version)
    a1 = _corrected(same, cast)
    a1["after_photo_ids"] = a1["photo_ids"]
    for body, words in (
        (no_photo, "needs a photo after the correction"),
        (passed, "only a failed item"),
        (stray, "belong to an item corrected on the spot"),
        (same, "cannot show the finding and its correction"),
    ):
        response = _post(cast.inspector, body)
        assert response.status_code == 422, response.json()
        assert words in str(response.json()), response.json()
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_a_corrected_number_answer_opens_nothing_either(cast):
    _t, version = template_and_version()
    body = payload(cast, version, failing=False)
    body["answers"][1]["number"] = "2.01"  # just above the 2 m limit: a failure
    _corrected(body, cast, code="A2")
    data = _post(cast.inspector, body).json()
    a2 = next(a for a in data["answers"] if a["code"] == "A2")
    assert a2["result"] == "fail" and a2["corrected_on_spot"] and a2["hazard_id"] is None
    assert data["n_hazards"] == 0 and not Hazard.objects.exists()


def test_a_corrected_element_never_counts_toward_the_determination(cast):
    """Two open comprehensive elements at a crowded place: a third one corrected on the spot
    leaves them general; the same third one not corrected makes all three major."""
    ensure_rules()
    found = timezone.make_aware(dt.datetime(2022, 10, 8, 10, 0))
    items = [item("E1", photo_on_fail=True, rule_refs=["gb35181:7.3.9"])]
    version = make_template(code="elements", items=items).versions.get(is_current=True)

    def submit(unit, corrected: bool):
        body = payload(cast, version, unit=unit, device_time=found.isoformat())
        body["answers"] = [
            {"code": "E1", "result": "fail", "photo_ids": [photo(cast, unit=unit).pk]}
        ]
        if corrected:
            body["answers"][0].update(
                corrected_on_spot=True, after_photo_ids=[photo(cast, unit=unit).pk]
            )
        return _post(cast.inspector, body)

    grades = {}
    for corrected in (True, False):
        unit = make_unit(is_crowded_place=True, sector="catering")
        first = hazard(cast, unit=unit, rule_refs=["gb35181:7.3.1"], found_at=found)
        second = hazard(cast, unit=unit, rule_refs=["gb35181:7.3.3"], found_at=found)
        assert submit(unit, corrected).status_code == 201
        first.refresh_from_db()
        second.refresh_from_db()
        grades[corrected] = (first.grade, second.grade, unit.open_major_hazards)
    assert grades[True][:2] == ("general", "general")
    assert grades[False][:2] == ("major", "major")


def test_an_amendment_cannot_mark_a_correction_and_keeps_one_uncounted(cast):
    _t, version = template_and_version()
    body = payload(cast, version)
    _corrected(body, cast)
    inspection = Inspection.objects.get(pk=_post(cast.inspector, body).json()["id"])
    with translation.override("en"), pytest.raises(SubmissionError) as refused:
        amend_inspection(
            inspection,
            actor=cast.inspector,
            reason="补记",
            changes=[{"code": "A5", "result": "fail", "corrected_on_spot": True}],
        )
    assert "not by an amendment" in str(refused.value.errors)
    # Rewording the corrected finding raises no hazard for it.
    amendment = amend_inspection(
        inspection,
        actor=cast.inspector,
        reason="补充说明",
        changes=[
            {
                "code": "A1",
                "result": "fail",
                "note": "当场移除了堵塞物",
                "photo_ids": [photo(cast).pk],
            }
        ],
    )
    assert amendment.changes[0]["hazard_id"] is None
    assert Answer.objects.get(inspection=inspection, code="A1").hazard_id is None


def test_the_record_page_and_pdf_state_the_correction(cast, client):
    _t, version = template_and_version()
    body = payload(cast, version)
    _corrected(body, cast)
    pk = _post(cast.inspector, body).json()["id"]
    client.force_login(cast.inspector)
    page = client.get(f"/inspections/{pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="corrected-A1"' in html and "no hazard opened" in html
    assert 'data-testid="corrected-A2"' not in html
    context = _record(pk, cast.inspector)
    assert render_record(context)[:4] == b"%PDF"
    a1 = next(a for a in context["answers"] if a.code == "A1")
    assert a1.corrected_on_spot and a1.after_photos.count() == 1
    assert "已当场改正" in answer_detail(a1) and "已登记隐患" not in answer_detail(a1)
    a2 = next(a for a in context["answers"] if a.code == "A2")
    assert "已当场改正" not in answer_detail(a2) and "已登记隐患" in answer_detail(a2)
