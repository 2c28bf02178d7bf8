"""Risk formula, override, the hazards hook and the import/export jobs."""

import io

import pytest
from openpyxl import load_workbook

from hazardloop.audit.models import AuditEvent
from hazardloop.testing import IMMEDIATE_TASKS, make_unit, web_client
from hazardloop.units import risk, services
from hazardloop.units.choices import JobStatus
from hazardloop.units.jobs import run_job_once
from hazardloop.units.models import Unit, UnitJob
from hazardloop.units.tests.helpers import HEADER, code, xlsx_file


def facts(**over):
    base = dict(
        sector_code="catering",
        is_fire_key_unit=False,
        is_crowded_place=True,
        is_public_gathering=True,
        gas_use="bottled_lpg",
        lpg_stored_kg=60,
    )
    base.update(over)
    return risk.compute(**base)


def test_risk_formula_levels():
    assert facts() == risk.RiskResult(score=50, level="orange")
    assert facts(lpg_stored_kg=120).score == 65
    assert facts(gas_use="pipeline", lpg_stored_kg=0).level == "yellow"
    assert facts(gas_use="none", is_crowded_place=False, is_public_gathering=False).level == "blue"
    plant = facts(
        sector_code="hazchem",
        is_fire_key_unit=True,
        is_crowded_place=False,
        is_public_gathering=False,
        gas_use="none",
    )
    assert plant == risk.RiskResult(score=65, level="orange")
    assert facts(lpg_stored_kg=120, hazard_history=25).level == "red"
    low = facts(gas_use="none", is_crowded_place=False, is_public_gathering=False)
    assert low.level == "blue"
    floor = facts(
        gas_use="none",
        is_crowded_place=False,
        is_public_gathering=False,
        has_open_major_hazard=True,
    )
    assert floor.level == "orange"


def test_risk_weights_come_from_settings(settings):
    settings.UNIT_RISK = {"thresholds": [("red", 40), ("orange", 30), ("yellow", 10)]}
    assert facts().level == "red"


@pytest.mark.django_db
def test_recompute_risk_is_idempotent_and_audited(cast):
    unit = make_unit("220102", gas_use="pipeline", is_crowded_place=True)
    assert unit.risk_level == "yellow"
    unit = services.recompute_risk(unit, actor=None, open_major_hazards=1, open_hazards=3)
    # 30 points + 25 (one major) + 3 × 3 (open hazards) = 64
    assert (unit.risk_score, unit.risk_level, unit.open_major_hazards) == (64, "orange", 1)
    count = AuditEvent.objects.filter(action="unit.risk_recomputed").count()
    services.recompute_risk(unit, actor=None, open_major_hazards=1, open_hazards=3)
    assert AuditEvent.objects.filter(action="unit.risk_recomputed").count() == count == 1
    unit = services.override_risk(unit, actor=cast.regulator, level="blue", reason="已整改")
    unit = services.recompute_risk(unit, actor=None, open_major_hazards=2, open_hazards=5)
    assert unit.risk_level == "blue" and unit.risk_computed == "red"  # the override holds
    assert unit.risk_score == 30 + 50  # the hazard history is capped at 50


@pytest.mark.django_db
def test_override_needs_a_reason(cast):
    with pytest.raises(ValueError):
        services.override_risk(cast.unit, actor=cast.regulator, level="red", reason="  ")


@pytest.mark.django_db
def test_update_unit_writes_nothing_when_nothing_changed(cast):
    before = AuditEvent.objects.count()
    services.update_unit(cast.unit, actor=cast.regulator, data={"name": cast.unit.name})
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_import_job_check_then_commit(cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    c = code()
    client = web_client(cast.regulator)
    fh = xlsx_file([HEADER[:4], ["后台导入饭店", c, "南关区", "餐饮"]])
    response = client.post("/units/import/", {"file": fh})
    job = UnitJob.objects.get(created_by=cast.regulator)
    assert response.status_code == 302 and job.status == JobStatus.CHECKED
    assert job.created == 1 and not Unit.objects.filter(uscc=c).exists()
    page = client.get(f"/units/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="import-commit"' in page and "hx-trigger" not in page
    client.post(f"/units/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED and Unit.objects.filter(uscc=c).exists()
    again = client.post(f"/units/jobs/{job.pk}/commit/")  # a second click changes nothing
    assert again.status_code == 302 and Unit.objects.filter(uscc=c).count() == 1


@pytest.mark.django_db
def test_queued_job_runs_once(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the database backend: enqueued, run by the worker
    fh = xlsx_file([HEADER[:4], ["排队饭店", code(), "南关区", "餐饮"]])
    web_client(cast.regulator).post("/units/import/", {"file": fh})
    job = UnitJob.objects.get(created_by=cast.regulator)
    assert job.status == JobStatus.QUEUED
    assert run_job_once(job.pk) == JobStatus.CHECKED
    assert run_job_once(job.pk) == JobStatus.CHECKED  # not queued: left alone


@pytest.mark.django_db
def test_export_is_scoped_and_reimportable(cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    make_unit("220102", name="导出饭店", gas_use="bottled_lpg", lpg_cylinders=2)
    client = web_client(cast.regulator)
    client.post("/units/export/", {"q": "饭店"})
    job = UnitJob.objects.get(created_by=cast.regulator, kind="export")
    assert job.status == JobStatus.DONE
    download = client.get(f"/units/jobs/{job.pk}/download/")
    data = b"".join(download.streaming_content)
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    names = {r[0] for r in rows[1:]}
    assert "导出饭店" in names and cast.neighbour_unit.name not in names
    assert rows[0][:4] == ("单位名称", "统一社会信用代码", "所属区域", "行业")
    fh = io.BytesIO(data)
    fh.name = "export.xlsx"
    from hazardloop.units.importing.run import import_units

    result = import_units(fh, fh.name, user=cast.regulator, commit=False)
    assert result.errors == [] and result.created == 0 and result.updated == 0


@pytest.mark.django_db(transaction=True)
def test_sweep_deletes_files_of_old_finished_jobs(cast, settings, tmp_path):
    """Uploads and exports of jobs finished more than UNIT_JOB_FILE_DAYS ago are deleted (on
    commit); the job rows stay; newer files and unfinished jobs are kept; a second run does
    nothing; a checked import whose file is gone can no longer be committed."""
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from hazardloop.units.jobs import delete_old_job_files_once

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    settings.UNIT_JOB_FILE_DAYS = 7
    client = web_client(cast.regulator)
    client.post(
        "/units/import/", {"file": xlsx_file([HEADER[:4], ["旧导入", code(), "南关区", "餐饮"]])}
    )
    client.post("/units/export/", {"q": "饭店"})
    client.post(
        "/units/import/", {"file": xlsx_file([HEADER[:4], ["新导入", code(), "南关区", "餐饮"]])}
    )
    old_import, export, new_import = UnitJob.objects.order_by("pk")
    assert old_import.status == JobStatus.CHECKED and export.status == JobStatus.DONE
    now = timezone.now()
    UnitJob.objects.filter(pk__in=[old_import.pk, export.pk]).update(
        finished_at=now - dt.timedelta(days=8)
    )
    queued = UnitJob.objects.create(
        kind="import", created_by=cast.regulator, file=new_import.file.name, filename="x.xlsx"
    )  # unfinished (finished_at empty): kept whatever its age
    names = [old_import.file.name, export.file.name]
    assert all(default_storage.exists(n) for n in names)

    assert delete_old_job_files_once(now) == 2
    assert not any(default_storage.exists(n) for n in names)
    assert default_storage.exists(new_import.file.name)
    old_import.refresh_from_db()
    export.refresh_from_db()
    queued.refresh_from_db()
    assert old_import.file.name == "" and export.file.name == "" and queued.file
    assert AuditEvent.objects.filter(action="unit_job.files_deleted").count() == 1
    assert delete_old_job_files_once(now) == 0

    assert not old_import.can_commit
    page = client.get(f"/units/jobs/{old_import.pk}/").content.decode()
    assert 'data-testid="job-file-deleted"' in page and 'data-testid="import-commit"' not in page
    assert client.get(f"/units/jobs/{export.pk}/download/").status_code == 404
    client.post(f"/units/jobs/{old_import.pk}/commit/")
    old_import.refresh_from_db()
    assert old_import.status == JobStatus.CHECKED


def test_bulk_audit_events_verify_like_single_ones(cast):
    """record_many (the import's audit writer: COPY on PostgreSQL) writes the same events as
    record_events: flat and nested payloads, decimals and non-text keys all verify."""
    from decimal import Decimal

    from hazardloop.audit.chain import Canonical, canonical
    from hazardloop.audit.services import record_event, record_many, verify_chain

    record_event("unit.viewed", actor=cast.regulator, obj=cast.unit)
    assert record_many([]) == 0
    written = record_many(
        [
            ("unit.created", {"actor": cast.regulator, "obj": cast.unit, "after": {
                "name": "饺子馆", "latitude": Decimal("43.880000"), "floors": 3, "key": True}}),
            ("unit.updated", {"actor": cast.regulator, "obj": cast.unit,
                              "before": {"name": "旧"}, "after": {"tags": ["a", {"b": 1}]}}),
            ("unit.imported", {"actor_label": "sweep", "after": {9: "x", 10: None}}),
            ("unit.import_rows", {"actor": cast.regulator, "after": Canonical(canonical(
                {"created": [[1, "饺子馆", "43.880000", 3, True, None]], "fields": ["a"]}))}),
        ]
    )  # fmt: skip
    assert written == 4
    record_event("unit.viewed", actor=cast.regulator, obj=cast.unit)  # the chain goes on
    assert verify_chain()[1:] == (None, "")
    created = AuditEvent.objects.get(action="unit.created")
    assert created.after["latitude"] == "43.880000" and created.object_id == str(cast.unit.pk)
    assert AuditEvent.objects.get(action="unit.imported").after == {"9": "x", "10": None}
    rows = AuditEvent.objects.get(action="unit.import_rows").after  # stored as JSON, not text
    assert rows["created"][0][1] == "饺子馆" and rows["fields"] == ["a"]
