import uuid
from decimal import Decimal

import pytest

from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.evidence.models import Photo
from hazardloop.hazards.models import Hazard
from hazardloop.inspections import services
from hazardloop.inspections.models import Amendment, Answer, Inspection, Signature
from hazardloop.inspections.services import SubmissionError, amend_inspection
from hazardloop.inspections.tests.helpers import payload, photo, template_and_version
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db


def _post(client, body):
    return client.post("/api/v1/inspections", body, content_type="application/json")


def test_every_answer_type_and_failed_items_become_hazards(cast):
    _t, version = template_and_version()
    client = api_client(cast.inspector)
    body = payload(cast, version)
    response = _post(client, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["n_items"] == 5 and data["n_failed"] == 2 and data["n_hazards"] == 2
    answers = {a["code"]: a for a in data["answers"]}
    assert answers["A1"]["result"] == "fail"
    assert answers["A2"]["result"] == "fail" and answers["A2"]["number_value"] == 2.5  # > 2 m
    assert answers["A3"]["result"] == "recorded" and answers["A3"]["text_value"] == "15 kg×4"
    assert answers["A4"]["result"] == "recorded" and len(answers["A4"]["photo_ids"]) == 1
    assert answers["A5"]["result"] == "pass" and answers["A5"]["hazard_id"] is None
    inspection = Inspection.objects.get(pk=data["id"])
    assert inspection.region_code == cast.unit.region_id
    assert inspection.latitude == Decimal("43.880000")
    assert inspection.device_time.isoformat() == "2026-01-10T02:00:00+00:00"
    assert inspection.received_at > inspection.device_time
    hazard = Hazard.objects.get(pk=answers["A1"]["hazard_id"])
    assert hazard.unit == cast.unit and hazard.source == "inspection"
    assert hazard.source_ref == f"inspection:{inspection.pk}/item:A1"
    assert hazard.legal_basis == "《消防法》第二十八条"
    assert hazard.rule_refs == ["gb35181-2017:7.3.3"]  # the edition is named on the hazard
    assert "安全出口上锁" in hazard.description
    assert hazard.found_at == inspection.device_time
    measured = Hazard.objects.get(pk=answers["A2"]["hazard_id"])
    assert "2.5" in measured.description and measured.category == "gas"
    # photos and the signature image are claimed by the inspection
    assert not Photo.objects.filter(claimed_at__isnull=True).exists()
    signature = Signature.objects.get(inspection=inspection, role="inspector")
    assert signature.image.kind == "signature"
    assert Signature.objects.get(inspection=inspection, role="unit").refused
    version.refresh_from_db()
    assert version.is_locked


def test_a_number_within_the_limit_passes_whatever_the_device_said(cast):
    _t, version = template_and_version()
    body = payload(cast, version, failing=False)
    body["answers"][1]["result"] = "fail"
    response = _post(api_client(cast.inspector), body)
    assert response.status_code == 201
    assert response.json()["n_failed"] == 0
    assert not Hazard.objects.exists()


def test_duplicate_client_id_returns_the_same_inspection(cast):
    _t, version = template_and_version()
    client = api_client(cast.inspector)
    body = payload(cast, version)
    first = _post(client, body)
    again = _post(client, body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Inspection.objects.count() == 1
    assert Answer.objects.count() == 5
    assert Hazard.objects.count() == 2


def test_a_client_id_of_someone_else_is_a_conflict(cast):
    _t, version = template_and_version()
    body = payload(cast, version)
    assert _post(api_client(cast.inspector), body).status_code == 201
    other = payload(cast, version, user=cast.regulator, client_id=body["client_id"])
    response = _post(api_client(cast.regulator), other)
    assert response.status_code == 409
    assert response.json()["code"] == "client_id_conflict"


def test_a_failure_in_the_middle_leaves_nothing_behind(cast, monkeypatch):
    _t, version = template_and_version()
    real = services.create_hazard
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "create_hazard", flaky)
    body = payload(cast, version)
    with pytest.raises(RuntimeError):
        services.submit_inspection(body, actor=cast.inspector, unit=cast.unit, version=version)
    assert len(calls) == 2
    assert not Inspection.objects.exists()
    assert not Answer.objects.exists()
    assert not Signature.objects.exists()
    assert not Hazard.objects.exists()
    assert not Photo.objects.filter(claimed_at__isnull=False).exists()
    version.refresh_from_db()
    assert not version.is_locked
    # the device retries and this time it works, exactly once
    monkeypatch.setattr(services, "create_hazard", real)
    inspection, created = services.submit_inspection(
        body, actor=cast.inspector, unit=cast.unit, version=version
    )
    assert created and inspection.n_hazards == 2


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda b: b["answers"].pop(), "A5"),
        (lambda b: b["answers"][0].update(photo_ids=[]), "A1"),
        (lambda b: b["answers"][1].update(number="abc"), "A2"),
        (lambda b: b["answers"][2].update(text=""), "A3"),
        (lambda b: b["answers"][3].update(photo_ids=[]), "A4"),
        (lambda b: b["answers"][4].update(result="maybe"), "A5"),
        (lambda b: b["answers"].append({"code": "ZZ", "result": "pass"}), "ZZ"),
        (lambda b: b["signatures"][1].update(witness_name=""), "witness"),
        (lambda b: b["signatures"].pop(0), "inspector"),
        (lambda b: b.update(mode="leader_led"), "leader"),
        (lambda b: b.update(mode="joint"), "expert"),
        (lambda b: b.update(device_time="2026-01-10T10:00:00"), "time zone"),
    ],
    ids=["missing-item", "fail-without-photo", "not-a-number", "empty-text", "photo-item-no-photo",
         "bad-result", "unknown-item", "refusal-without-witness", "no-inspector-signature",
         "leader-led-without-leader", "joint-without-expert", "naive-time"],
)  # fmt: skip
def test_bad_submissions_are_refused_and_nothing_is_written(cast, change, fragment, settings):
    settings.LANGUAGE_CODE = "en"
    _t, version = template_and_version()
    body = payload(cast, version)
    change(body)
    response = _post(api_client(cast.inspector), body)
    assert response.status_code == 422, response.json()
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert fragment in messages, messages
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_photo_of_another_unit_is_refused(cast):
    _t, version = template_and_version()
    body = payload(cast, version)
    body["answers"][0]["photo_ids"] = [photo(cast, unit=cast.other_unit).pk]
    response = _post(api_client(cast.inspector), body)
    assert response.status_code == 422
    assert not Inspection.objects.exists()


def test_leader_led_counts_for_the_leader_and_joint_needs_both(cast):
    _t, version = template_and_version()
    body = payload(cast, version, mode="leader_led")
    body["team"].append({"name": "领导", "role": "leader", "user_id": cast.leader.pk})
    response = _post(api_client(cast.inspector), body)
    assert response.status_code == 201, response.json()
    assert Inspection.objects.get().leader == cast.leader
    joint = payload(cast, version, mode="joint")
    joint["team"].append({"name": "专家", "role": "expert", "user_id": cast.expert.pk})
    assert _post(api_client(cast.inspector), joint).status_code == 201


def test_unit_staff_only_self_inspect(cast):
    _t, version = template_and_version()
    client = api_client(cast.unit_manager)
    body = payload(cast, version, user=cast.unit_manager)
    assert _post(client, body).status_code == 422
    body = payload(cast, version, user=cast.unit_manager, mode="self_inspection")
    body["signatures"] = [body["signatures"][0]]
    response = _post(client, body)
    assert response.status_code == 201, response.json()
    assert Hazard.objects.filter(source="self_inspection").count() == 2


def test_submitted_inspection_is_amended_not_edited(cast):
    template = make_template(
        items=[item("B1", photo_on_fail=False), item("B2", "number", number_max=5)]
    )
    version = template.versions.get()
    inspection, _ = services.submit_inspection(
        {
            "client_id": str(uuid.uuid4()),
            "mode": "routine",
            "answers": [{"code": "B1", "result": "pass"}, {"code": "B2", "number": 3}],
            "signatures": [
                {"role": "inspector", "name": "甲", "photo_id": photo(cast, kind="signature").pk},
                {"role": "unit", "name": "乙", "photo_id": photo(cast, kind="signature").pk},
            ],
        },
        actor=cast.inspector,
        unit=cast.unit,
        version=version,
    )
    assert inspection.n_hazards == 0
    with pytest.raises(SubmissionError):
        amend_inspection(inspection, actor=cast.inspector, reason="", changes=[{"code": "B1"}])
    amendment = amend_inspection(
        inspection,
        actor=cast.inspector,
        reason="复核发现测量有误",
        changes=[{"code": "B2", "number": "7"}, {"code": "B1", "result": "pass", "note": "补记"}],
    )
    assert amendment.number == 1
    change = next(c for c in amendment.changes if c["code"] == "B2")
    assert change["result"] == "fail" and change["before"]["number_value"] == "3.000"
    assert Hazard.objects.get(pk=change["hazard_id"]).source_ref.endswith("/amendment:1")
    answer = Answer.objects.get(inspection=inspection, code="B2")
    assert answer.result == "pass" and answer.number_value == 3  # the original stays
    assert Amendment.objects.count() == 1
