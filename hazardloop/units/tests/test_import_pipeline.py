"""The importer's own costs: each new unit completed while COPY streams the ones before it
(bulk.insert_rows), the cyclic garbage collector paused during an import, reference data loaded
only when needed, the audit's chunks rendered once as the text the audit hashes and stores."""

import gc
from decimal import Decimal

import pytest

from hazardloop.audit.models import AuditEvent
from hazardloop.audit.services import verify_chain
from hazardloop.units import search
from hazardloop.units.bulk import insert_rows
from hazardloop.units.importing import run
from hazardloop.units.importing.rows import Lookups
from hazardloop.units.importing.run import import_units
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import HEADER, code, xlsx_file

pytestmark = pytest.mark.django_db


def test_insert_rows_completes_each_row_as_it_is_written(cast):
    """`complete` fills a row just before it is written; the list holds the completed rows,
    with their ids, for the caller's links and audit."""
    base = Unit.objects.values().get(pk=cast.unit.pk)
    fields = {f.attname for f in Unit._meta.concrete_fields if not f.primary_key}
    seen = []

    def complete(row):
        seen.append(row["uscc"])
        full = {k: base[k] for k in fields}
        full.update(row, public_id=f"pipe{len(seen):08d}", search_text=row["name"])
        return full

    rows = [{"name": f"流水{i}", "uscc": code(seed=700 + i)} for i in range(3)]
    insert_rows(Unit, rows, complete=complete)
    assert seen == [r["uscc"] for r in rows]
    assert all(r["search_text"] == r["name"] and r["risk_level"] for r in rows)
    if rows[0]["id"] is not None:  # backends that return no ids: the importer reads them
        stored = dict(Unit.objects.filter(uscc__in=seen).values_list("id", "name"))
        assert stored == {r["id"]: r["name"] for r in rows}
    assert Unit.objects.filter(uscc__in=seen).count() == 3


def test_an_import_pauses_the_garbage_collector_and_restores_it(cast, monkeypatch):
    states = []
    real = run._Importer._chunk

    def chunk(self, rows):
        states.append(gc.isenabled())
        return real(self, rows)

    monkeypatch.setattr(run._Importer, "_chunk", chunk)
    rows = [HEADER[:5], ["收集饺子馆", code(seed=811), "南关区", "餐饮", "红旗街"]]
    for commit in (False, True):
        assert gc.isenabled()
        result = import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=commit)
        assert gc.isenabled()
    assert result.committed and result.created == 1
    assert states == [False, False]
    unit = Unit.objects.get(uscc=code(seed=811))
    assert (unit.search_text, unit.search_pairs) == search.search_columns(
        "收集饺子馆", unit.uscc, "红旗街"
    )
    gc.disable()
    try:  # a caller that had it off finds it off
        import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failed_import_restores_the_garbage_collector(cast, monkeypatch):
    def boom(self, rows):
        raise RuntimeError("boom")

    monkeypatch.setattr(run._Importer, "_chunk", boom)
    rows = [HEADER[:5], ["收集饺子馆", code(seed=812), "南关区", "餐饮", ""]]
    with pytest.raises(RuntimeError):
        import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=True)
    assert gc.isenabled()


def test_departments_are_loaded_only_by_a_commit_that_creates_units(cast, monkeypatch):
    built = []
    real = run.DepartmentPicker

    def picker(departments):
        built.append(1)
        return real(departments)

    monkeypatch.setattr(run, "DepartmentPicker", picker)
    rows = [HEADER[:5], ["部门饺子馆", code(seed=821), "南关区", "餐饮", ""]]
    import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=False)
    assert built == []
    result = import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=True)
    assert result.created == 1 and built == [1]
    unit = Unit.objects.get(uscc=code(seed=821))
    assert unit.supervising_departments.exists()
    result = import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=True)
    assert result.unchanged == 1 and built == [1]


def test_region_names_are_built_when_a_region_is_first_read(cast):
    lookups = Lookups()
    assert "region_names" not in lookups.__dict__
    assert lookups.chain("220102")[:2] == ["220102", "220100"]
    assert "region_names" not in lookups.__dict__
    assert lookups.region("长春市南关区")[0] == "220102"
    assert "region_names" in lookups.__dict__


def test_audit_values_are_written_as_before(cast):
    """Each chunk's changes are rendered once as the canonical text the event hashes and
    stores (audit.chain.Canonical): a Decimal is its text, as DjangoJSONEncoder wrote it; the
    rest are JSON's own types; the text is what the round trip through the JSON column gives,
    so the chain verifies."""
    rows = [
        [*HEADER[:5], "经度", "纬度"],
        ["审计饺子馆", code(seed=831), "南关区", "餐饮", "", 125.3, 43.88],
        ["审计火锅店", code(seed=832), "南关区", "餐饮", "人民大街\t1号", 125.31, 43.9],
    ]
    import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=True)
    assert verify_chain()[1:] == (None, "")
    event = AuditEvent.objects.get(action="unit.import_rows")
    assert event.message == "2 created, 0 updated"
    fields = event.after["fields"]
    created = dict(zip(fields, event.after["created"][0][1:], strict=True))
    assert created["name"] == "审计饺子馆" and created["region_id"] == "220102"
    assert isinstance(created["longitude"], str) and Decimal(created["longitude"]) == Decimal(
        "125.3"
    )


def test_the_search_merge_runs_after_the_commit_in_the_background(
    cast, django_capture_on_commit_callbacks
):
    """The commit leaves its new search entries in the indexes' pending lists and enqueues
    their merge once it has committed: the user does not wait for it. A search finds the new
    unit before the merge, and the merge (task or sweep step) is idempotent."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from hazardloop.units.jobs import merge_search_indexes_once

    rows = [HEADER[:5], ["合并火锅店", code(seed=841), "南关区", "餐饮", "人民大街 5 号"]]
    with django_capture_on_commit_callbacks() as callbacks:
        import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=False)
    assert callbacks == []  # a dry run writes nothing to merge
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=True)
    assert result.created == 1
    if connection.vendor != "postgresql":
        assert callbacks == [] and run.merge_search_indexes() == 0
        return
    queued = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    assert queued.task_path.endswith("merge_unit_search")
    found = Unit.objects.filter(search.match("合并火锅")).values_list("uscc", flat=True)
    assert list(found) == [code(seed=841)]  # read from the pending list
    short = Unit.objects.filter(search.match("火锅")).values_list("uscc", flat=True)
    assert code(seed=841) in set(short)  # the short search's index: its pending list too
    assert merge_search_indexes_once(None) > 0
    assert run.merge_search_indexes() == 0
    assert list(Unit.objects.filter(search.match("合并火锅")).values_list("uscc", flat=True)) == [
        code(seed=841)
    ]
