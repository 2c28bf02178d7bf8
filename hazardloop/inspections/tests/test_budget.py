"""Query budget of a whole submission: 30 answers, photos, signatures, one failed item."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.evidence.choices import PhotoKind
from hazardloop.inspections.models import Answer, Inspection
from hazardloop.inspections.tests.helpers import photo, version_of
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db

# Measured 47 on SQLite and PostgreSQL (was 53), savepoints included: token and role 2, unit
# and checklist 2, idempotency 1, items 1, the inspection with its team, answers, answer photos
# and signatures 5, photo claims 2, one audit batch 3 (+2), the failed item's hazard 15 and the
# unit's fire grading again 8 (hazards.services), the answers' hazard links 1, the response 6
# (with the answers' after-photos). Later the failed item's hazard read rule sets more often
# (edition-qualified refs, the determination path, whether the rule applies at the unit): 55.
# Now the rule sets and the unit's exclusions are read once for the hazard and once for the
# grading again (hazards.rule_sets.GradingLookups): 45, and the grading again no longer adds
# queries per open hazard of the unit (hazards/tests/test_grading.py). Whatever the number of
# answers, only failed items add queries.
BUDGET = 50


def _thirty_items():
    items = [item("Q00", photo_on_fail=True, rule_refs=["gb35181:7.3.3"])]
    items.append(item("Q01", "photo"))
    items += [item(f"Q{n:02d}") for n in range(2, 30)]
    return version_of(make_template(code="budget-30", items=items))


def _payload(cast, version):
    failed, shot = photo(cast), photo(cast)
    signature = photo(cast, kind=PhotoKind.SIGNATURE)
    answers = [{"code": "Q00", "result": "fail", "photo_ids": [failed.pk], "note": "出口上锁"}]
    answers.append({"code": "Q01", "photo_ids": [shot.pk]})
    answers += [{"code": f"Q{n:02d}", "result": "pass"} for n in range(2, 30)]
    return {
        "client_id": str(uuid.uuid4()),
        "unit_id": cast.unit.pk,
        "template_version_id": version.pk,
        "mode": "routine",
        "device_time": "2026-01-10T10:00:00+08:00",
        "team": [{"name": "张检查", "role": "cadre", "user_id": cast.inspector.pk}],
        "answers": answers,
        "signatures": [
            {"role": "inspector", "name": "张检查", "photo_id": signature.pk},
            {"role": "unit", "name": "李老板", "refused": True, "witness_name": "王见证"},
        ],
    }


def test_a_thirty_answer_submission_stays_within_its_query_budget(cast):
    version = _thirty_items()
    client = api_client(cast.inspector)
    # a first submission freezes the version (a one-time write) and warms per-process caches
    first = client.post(
        "/api/v1/inspections", _payload(cast, version), content_type="application/json"
    )
    assert first.status_code == 201, first.json()
    body = _payload(cast, version)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/inspections", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    queries = len(ctx.captured_queries)
    assert queries <= BUDGET, "\n".join(q["sql"][:160] for q in ctx.captured_queries)
    # the budget does not depend on the number of answers: it holds whatever the checklist
    data = response.json()
    assert data["n_items"] == 30 and data["n_failed"] == 1 and data["n_hazards"] == 1
    assert len(data["answers"]) == 30 and data["amendments"] == 0
    inspection = Inspection.objects.get(pk=data["id"])
    assert Answer.objects.filter(inspection=inspection).count() == 30
    assert Answer.objects.filter(inspection=inspection, hazard__isnull=False).count() == 1
