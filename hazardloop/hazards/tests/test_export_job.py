"""The ledger export is a background job: the request only queues it (no file is written in the
request), the worker writes it with progress; .csv as well as .xlsx; the row cap is said in the
file and on the page, in both languages."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from hazardloop.hazards import exports
from hazardloop.hazards.jobs import run_hazard_export
from hazardloop.hazards.models import HazardExport
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.lib import sheets
from hazardloop.testing import web_client


def _download(client, job) -> bytes:
    response = client.get(f"/hazards/exports/{job.pk}/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_request_queues_the_export_and_the_worker_writes_it(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    for i in range(3):
        hazard(cast, title=f"隐患{i}")
    writes = []
    real = exports.write_table

    def spying(*args, **kwargs):
        writes.append(kwargs.get("title"))
        return real(*args, **kwargs)

    monkeypatch.setattr(exports, "write_table", spying)
    client = web_client(cast.regulator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hazards/export/?status=", {"format": "xlsx"})
    job = HazardExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/exports/{job.pk}/"
    # the request wrote nothing: no file, no rows; the task waits in the worker's queue
    assert writes == [] and job.status == "queued" and not job.file and job.done == 0
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("run_hazard_export")
    assert queued.args_kwargs["args"] == [job.pk]
    page = client.get(f"/hazards/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-progress"' in page and 'hx-trigger="every 1s"' in page
    assert "export-download" not in page

    # the worker's side (what db_worker runs for this task)
    assert run_hazard_export.call(job.pk) == "done"
    job.refresh_from_db()
    assert len(writes) == 1 and job.rows == 3 and job.done == job.total == 3
    assert job.matched == 3 and not job.capped and job.file.name.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(_download(client, job))).active.values)
    assert len(rows) == 4 and sorted(r[3] for r in rows[1:]) == ["隐患0", "隐患1", "隐患2"]
    poll = client.get(f"/hazards/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "export-download" in poll and "hx-trigger" not in poll
    # run twice: still written once
    assert run_hazard_export.call(job.pk) == "done" and len(writes) == 1


@pytest.mark.django_db
def test_progress_is_reported_while_the_worker_writes(cast, monkeypatch):
    for i in range(5):
        hazard(cast, title=f"隐患{i}")
    seen = []
    real = exports.write_table

    def small_steps(*args, **kwargs):
        report = kwargs["progress"]

        def progress(done, total):
            report(done, total)
            seen.append(HazardExport.objects.values_list("done", "total").get())

        return real(*args, **{**kwargs, "progress": progress, "every": 2})

    monkeypatch.setattr(exports, "write_table", small_steps)
    job = exports.start_export(actor=cast.regulator, params={})
    assert exports.run_export_once(job.pk) == "done"
    assert seen == [(2, 5), (4, 5), (5, 5)]


@pytest.mark.django_db
def test_csv_export_is_defused_text_with_local_times(cast):
    found = dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Asia/Shanghai
    h = hazard(cast, title='=HYPERLINK("http://evil.example")', description="x")
    type(h).objects.filter(pk=h.pk).update(found_at=found, due_at=found, status="ordered")
    later = hazard(cast, title="未到期")
    type(h).objects.filter(pk=later.pk).update(
        found_at=found - dt.timedelta(days=1), due_at=timezone.now() + dt.timedelta(days=3)
    )
    client = web_client(cast.regulator)
    client.post("/hazards/export/", {"format": "csv"})
    job = HazardExport.objects.get()
    assert job.format == "csv" and exports.run_export_once(job.pk) == "done"
    response = client.get(f"/hazards/exports/{job.pk}/download/")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheet programs read it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][8] == rows[1][9] == "2026-03-01 09:30"
    assert rows[1][11] == "是" and rows[2][11] == ""  # overdue: past its deadline, still open
    assert rows[1][2] == cast.unit.region.name_zh


@pytest.mark.django_db
def test_a_bad_format_is_refused_and_nothing_is_queued(cast):
    client = web_client(cast.regulator)
    response = client.post("/hazards/export/", {"format": "pdf"})
    assert response.status_code == 302 and response["Location"].startswith("/hazards/?")
    assert not HazardExport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "最新的"), ("en", "Only the newest")])
def test_a_capped_export_says_so_in_the_file_and_on_the_page(cast, settings, language, words):
    settings.HAZARD_EXPORT_MAX_ROWS = 2
    for i in range(3):
        hazard(cast, title=f"隐患{i}")
    client = web_client(cast.regulator)
    client.cookies["django_language"] = language
    client.post("/hazards/export/", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=language)
    job = HazardExport.objects.get()
    assert exports.run_export_once(job.pk) == "done"
    job.refresh_from_db()
    assert job.rows == 2 and job.matched == 3 and job.capped
    rows = list(load_workbook(io.BytesIO(_download(client, job))).active.values)
    assert len(rows) == 4  # header, the two newest, the note
    assert words in rows[-1][0] and "HAZARD_EXPORT_MAX_ROWS" in rows[-1][0]
    page = client.get(f"/hazards/exports/{job.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert 'data-testid="export-capped"' in text and words in text


def test_local_minutes_match_django_localtime():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")  # a zone with summer time: the offset changes
    local = sheets.LocalMinutes(zone)
    start = dt.datetime(2026, 3, 7, 0, 0, tzinfo=dt.UTC)
    for minutes in range(0, 3 * 24 * 60, 17):
        value = start + dt.timedelta(minutes=minutes)
        expected = timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")
        assert local(value) == expected
    assert local(None) is None
