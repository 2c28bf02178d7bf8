"""submit_inspections: the batch form of submit_inspection (imports, the demo)."""

import pytest

from hazardloop.audit.models import AuditEvent
from hazardloop.evidence.models import Photo
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Answer, Inspection, Signature, TeamMember
from hazardloop.inspections.services import SubmissionError, submit_inspections
from hazardloop.inspections.tests.helpers import payload, template_and_version

pytestmark = pytest.mark.django_db


def _entries(cast, version, n=3, **overrides):
    return [
        {
            "payload": payload(cast, version, **overrides),
            "actor": cast.inspector,
            "unit": cast.unit,
            "version": version,
        }
        for _ in range(n)
    ]


def test_a_batch_writes_what_single_submissions_write_and_is_idempotent(cast):
    _t, version = template_and_version()
    entries = _entries(cast, version)
    results = submit_inspections(entries)
    assert [created for _i, created in results] == [True, True, True]
    assert Inspection.objects.count() == 3 and Answer.objects.count() == 15
    assert TeamMember.objects.count() == 3 and Signature.objects.count() == 6
    assert Hazard.objects.count() == 6  # two failed items each
    for inspection, _created in results:
        inspection.refresh_from_db()
        assert (inspection.n_items, inspection.n_failed, inspection.n_hazards) == (5, 2, 2)
        linked = Answer.objects.filter(inspection=inspection, hazard__isnull=False)
        assert sorted(a.hazard.source_ref for a in linked) == [
            f"inspection:{inspection.pk}/item:A1",
            f"inspection:{inspection.pk}/item:A2",
        ]
    assert not Photo.objects.filter(claimed_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="inspection.submit").count() == 3
    again = submit_inspections(entries)
    assert [(i.pk, c) for i, c in again] == [(i.pk, False) for i, _c in results]
    assert Inspection.objects.count() == 3 and Hazard.objects.count() == 6


def test_one_bad_submission_refuses_the_whole_batch(cast):
    _t, version = template_and_version()
    entries = _entries(cast, version, n=2)
    entries[1]["payload"]["mode"] = "picnic"
    with pytest.raises(SubmissionError) as err:
        submit_inspections(entries)
    assert entries[1]["payload"]["client_id"] in err.value.errors[0]
    assert not Inspection.objects.exists() and not Hazard.objects.exists()
    assert not AuditEvent.objects.filter(action="inspection.submit").exists()


def test_a_client_id_twice_in_one_batch_is_refused(cast):
    _t, version = template_and_version()
    entries = _entries(cast, version, n=2)
    entries[1]["payload"]["client_id"] = entries[0]["payload"]["client_id"]
    with pytest.raises(SubmissionError):
        submit_inspections(entries)
    assert not Inspection.objects.exists()
