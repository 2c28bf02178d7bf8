"""The month's roster as .xlsx, written by the worker: openpyxl reads it, text stays text."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from hazardloop.duty import jobs, services
from hazardloop.duty.choices import ExportStatus
from hazardloop.duty.models import RosterExport
from hazardloop.duty.tests.helpers import roster, shift
from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def test_export_job_writes_a_workbook_openpyxl_reads(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = roster(cast)
    cast.duty_officer.phone = "=HYPERLINK(1)"
    cast.duty_officer.save()
    shift(cast, r, "2026-12-05 08:00", "2026-12-06 08:00", cast.duty_officer)
    shift(cast, r, "2026-12-06 08:00", "2026-12-07 08:00")
    services.set_leader(r, dt.date(2026, 12, 5), actor=cast.regulator, user=cast.regulator)
    export = jobs.start_export(r, dt.date(2026, 12, 17), actor=cast.regulator)
    assert export.status == ExportStatus.QUEUED and not export.file  # nothing built in the request
    assert jobs.run_roster_export_once(export.pk) == ExportStatus.DONE
    assert jobs.run_roster_export_once(export.pk) == ExportStatus.DONE  # runs once
    export.refresh_from_db()
    assert export.rows == 2
    book = load_workbook(io.BytesIO(export.file.read()))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0] == str(r.department)
    assert rows[3][:2] == ["2026-12-05", "2026-12-05 08:00"]
    assert rows[3][4] == str(cast.duty_officer) and rows[3][7] == str(cast.regulator)
    assert rows[3][5] == "=HYPERLINK(1)"  # a phone that looks like a formula stays text
    assert book.worksheets[0].cell(row=4, column=6).data_type == "s"
    assert rows[4][4] in ("Nobody", "无人")
    # the download is its creator's alone
    url = f"/duty/exports/{export.pk}/download/"
    response = web_client(cast.regulator).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert web_client(cast.city_regulator).get(url).status_code == 404


def test_only_managers_export(cast):
    r = roster(cast)
    with pytest.raises(PermissionDenied):
        jobs.start_export(r, dt.date(2026, 12, 1), actor=cast.duty_officer)
    assert not RosterExport.objects.exists()
