"""A file is read and checked once: the dry run keeps its checked rows (keyed by the file's hash
and the mapping), and the commit of that job takes them instead of reading the sheet again —
through the page and through the API. Without usable kept rows the commit reads the file."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hazardloop.testing import IMMEDIATE_TASKS, api_client, web_client
from hazardloop.units.choices import JobStatus
from hazardloop.units.importing import reader
from hazardloop.units.models import Unit, UnitJob
from hazardloop.units.tests.helpers import HEADER, code, xlsx_file

COLUMNS = [*HEADER[:4], "经度", "纬度"]


def _rows(n, seed=0):
    return [COLUMNS] + [
        [f"一次读取饭店{i}", code(seed=seed + i), "南关区", "餐饮", "125.3", "43.88"]
        for i in range(n)
    ]


def _count_reads(monkeypatch) -> list:
    reads = []
    real = reader.raw_rows

    def counting(fh, filename, sizes):
        reads.append(filename)
        return real(fh, filename, sizes)

    monkeypatch.setattr(reader, "raw_rows", counting)
    return reads


@pytest.mark.django_db
def test_the_page_commit_takes_the_rows_the_dry_run_checked(cast, settings, tmp_path, monkeypatch):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    reads = _count_reads(monkeypatch)
    client = web_client(cast.regulator)
    client.post("/units/import/", {"file": xlsx_file(_rows(5))})
    job = UnitJob.objects.get(created_by=cast.regulator)
    assert job.status == JobStatus.CHECKED and job.created == 5 and len(reads) == 1
    kept = job.params["checked"]
    assert kept["sha256"] == job.sha256 and kept["rows"] == 5
    assert default_storage.exists(kept["name"])
    # the upload is no longer readable as a workbook: a commit that read it would fail
    with default_storage.open(job.file.name, "wb") as fh:
        fh.write(b"not a workbook any more")
    client.post(f"/units/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED and job.created == 5 and len(reads) == 1
    made = Unit.objects.get(name="一次读取饭店3")
    assert made.longitude == Decimal("125.3") and made.region_id == "220102"
    assert "checked" not in job.params and not default_storage.exists(kept["name"])
    assert job.table["columns"][0]["samples"]  # the mapping step still shows what it showed


@pytest.mark.django_db
def test_the_api_commit_does_not_read_the_file_again(cast, settings, tmp_path, monkeypatch):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    reads = _count_reads(monkeypatch)
    client = api_client(cast.regulator)
    fh = xlsx_file(_rows(3, seed=50))
    response = client.post("/api/v1/units/import", {"file": fh})
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response.json()["state"] == "checked" and len(reads) == 1
    response = client.post(f"/api/v1/units/imports/{job_id}/commit")
    assert response.status_code == 202 and response.json()["state"] == "committed"
    assert len(reads) == 1 and Unit.objects.filter(name__startswith="一次读取饭店").count() == 3


@pytest.mark.django_db
def test_without_usable_kept_rows_the_commit_reads_the_file(cast, settings, tmp_path, monkeypatch):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    reads = _count_reads(monkeypatch)
    client = web_client(cast.regulator)
    client.post("/units/import/", {"file": xlsx_file(_rows(2, seed=80))})
    job = UnitJob.objects.get(created_by=cast.regulator)
    # kept rows of another file (another hash) are never taken
    job.params["checked"]["sha256"] = "0" * 64
    UnitJob.objects.filter(pk=job.pk).update(params=job.params)
    client.post(f"/units/jobs/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED and len(reads) == 2
    assert Unit.objects.filter(name__startswith="一次读取饭店").count() == 2


@pytest.mark.django_db
def test_a_dry_run_with_problems_keeps_nothing_and_the_sweep_forgets_kept_rows(
    cast, settings, tmp_path
):
    import datetime as dt

    from django.utils import timezone

    from hazardloop.units.jobs import delete_old_job_files_once

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    client = web_client(cast.regulator)
    bad = [*_rows(2, seed=90), ["坏行", "123", "南关区", "餐饮", "", ""]]
    client.post("/units/import/", {"file": xlsx_file(bad)})
    client.post("/units/import/", {"file": xlsx_file(_rows(2, seed=95))})
    with_problems, good = UnitJob.objects.order_by("pk")
    assert with_problems.errors and "checked" not in with_problems.params
    name = good.params["checked"]["name"]
    assert default_storage.exists(name)
    UnitJob.objects.filter(pk=good.pk).update(finished_at=timezone.now() - dt.timedelta(days=30))
    delete_old_job_files_once(timezone.now())
    good.refresh_from_db()
    assert not default_storage.exists(name) and "checked" not in good.params


@pytest.mark.django_db
def test_kept_rows_are_gone_with_the_file(cast, settings, tmp_path):
    """A leftover spool name whose file is gone is not usable: the commit reads the upload."""
    from hazardloop.units.importing import checked

    settings.MEDIA_ROOT = tmp_path
    default_storage.save("unit_jobs/checked/x.jsonl.gz", ContentFile(b""))
    table = {"header_row": 1, "columns": [{"index": 0, "field": "name", "header": "单位名称"}]}
    kept = {
        "name": "unit_jobs/checked/gone.jsonl.gz",
        "sha256": "a",
        "key": checked.mapping_key(table),
    }
    assert not checked.usable(kept, sha256="a", table=table)
    kept["name"] = "unit_jobs/checked/x.jsonl.gz"
    assert checked.usable(kept, sha256="a", table=table)
    assert not checked.usable(kept, sha256="b", table=table)
    assert not checked.usable(kept, sha256="a", table={**table, "header_row": 2})


@pytest.mark.django_db
def test_changed_rows_cost_no_query_each(cast):
    """Comparing rows with existing units reads every field the risk formula needs at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hazardloop.units.importing.run import import_units

    rows = _rows(30, seed=200)
    fh = xlsx_file(rows)
    assert import_units(fh, fh.name, user=cast.regulator, commit=True).created == 30
    changed = [rows[0]] + [[*r[:4], "新地址", *r[5:]] for r in rows[1:]]
    fh = xlsx_file(
        [[*changed[0][:4], "地址", *changed[0][4:]]]
        + [[*r[:4], "新地址", "125.3", "43.88"] for r in rows[1:]]
    )
    with CaptureQueriesContext(connection) as queries:
        result = import_units(fh, fh.name, user=cast.regulator, commit=False)
    assert result.updated == 30 and not result.errors
    assert len(queries) < 30, [q["sql"][:80] for q in queries]


def test_kept_rows_read_back_as_spooled_and_from_one_row_a_line(settings, tmp_path):
    """The spool holds 2,000 rows a line; a spool written one row a line (before) still reads."""
    import gzip
    import json

    from hazardloop.units.importing import checked

    settings.MEDIA_ROOT = tmp_path
    rows = [(n, {"name": f"饭店{n}", "latitude": Decimal("43.880000")}) for n in range(3, 4505)]
    spool = checked.Spool()
    for number, data in rows:
        spool.add(number, data)
    kept = spool.save(job_id=1, sha256="0" * 64, table={"columns": []})
    assert kept["rows"] == len(rows)
    assert list(checked.read(kept)) == rows
    old = "\n".join(json.dumps([n, {**d, "latitude": str(d["latitude"])}]) for n, d in rows[:2])
    name = default_storage.save(
        "unit_jobs/checked/old.jsonl.gz", ContentFile(gzip.compress(old.encode()))
    )
    assert list(checked.read({"name": name})) == rows[:2]


@pytest.mark.django_db
def test_the_committed_counts_say_what_was_done_not_when(cast, settings, tmp_path):
    """The counts of a committed import read "已新增 / 已更新" (en "created", "updated"): the
    field labels of the same English words are times (创建时间, 更新时间)."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    client = web_client(cast.regulator)
    client.post("/units/import/", {"file": xlsx_file(_rows(2, seed=900))})
    job = UnitJob.objects.get(created_by=cast.regulator)
    client.post(f"/units/jobs/{job.pk}/commit/")
    page = client.get(f"/units/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert 'data-testid="count-created">2</div>已新增</div>' in text
    assert 'data-testid="count-updated">0</div>已更新</div>' in text
    assert "创建时间" not in text and "更新时间" not in text
    client.cookies["django_language"] = "en"
    text = client.get(f"/units/jobs/{job.pk}/").content.decode()
    assert 'data-testid="count-created">2</div>created</div>' in text
