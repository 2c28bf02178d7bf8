"""Imports cannot exhaust a worker: size, rows, unpacked size and zip bombs are refused before
parsing, with a clear translated message, nothing written — and a memory test per file type
measures the peak of a process reading the hostile file."""

import io
import zipfile
from pathlib import Path

import pytest

from hazardloop.testing import subprocess_peak_mb
from hazardloop.units.importing.run import import_units
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import HEADER, code, csv_file, xlsx_file

# A process reading a hostile file may grow by at most this much over one that reads nothing.
MEMORY_BUDGET_MB = 150


def run(cast, fh, commit=True):
    return import_units(fh, fh.name, user=cast.regulator, commit=commit)


def messages(result) -> str:
    return " ".join(str(e["message"]) for e in result.as_dict()["errors"])


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def bomb_xlsx(path: Path, shared_mb: int = 200) -> Path:
    """A well-formed workbook whose sheet uses shared strings that unpack to `shared_mb` MB (a
    few hundred KB packed): the 2.5 MB file that once added ~970 MB to a worker was of this kind
    (openpyxl loads the shared strings whole, even in read-only mode)."""
    header = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="units" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row></sheetData>'
            "</worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in parts.items():
            out.writestr(name, text)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f'<sst xmlns="{MAIN}">'.encode())
            fh.write("".join(f"<si><t>{h}</t></si>" for h in HEADER).encode())
            block = ("<si><t>" + "某某" * 2000 + "</t></si>").encode() * 16
            for _ in range(shared_mb * 1024 * 1024 // len(block)):
                fh.write(block)
            fh.write(b"</sst>")
    return path


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_unread(cast, settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "units.csv"
    with open(path, "wb") as fh:
        fh.truncate(135 * 1024 * 1024)  # sparse: refused by its size, never read
    with open(path, "rb") as fh:
        result = run(cast, fh)
    assert "135 MB" in messages(result) and not result.committed


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_too_many_rows_are_refused_and_nothing_is_written(cast, settings, kind):
    settings.IMPORT_MAX_ROWS = 50
    rows = [HEADER] + [[f"单位{i}", code(seed=i), "220102", "餐饮"] for i in range(80)]
    fh = xlsx_file(rows) if kind == "xlsx" else csv_file(rows)
    before = Unit.objects.count()
    result = run(cast, fh)
    assert "50" in messages(result) and not result.committed
    assert Unit.objects.count() == before


@pytest.mark.django_db
def test_rows_past_the_limit_are_caught_when_the_sheet_does_not_say_its_size(cast, settings):
    """Our own streaming writer, like many generators, writes no dimension: rows are counted."""
    from hazardloop.units.xlsx import SheetWriter

    settings.IMPORT_MAX_ROWS = 50
    buffer = io.BytesIO()
    with SheetWriter(buffer, "units") as sheet:
        sheet.append(HEADER)
        for i in range(80):
            sheet.append([f"单位{i}", code(seed=i), "220102", "餐饮"])
    buffer.seek(0)
    buffer.name = "units.xlsx"
    for commit in (False, True):
        buffer.seek(0)
        result = run(cast, buffer, commit=commit)
        assert "50" in messages(result) and not result.committed
    assert not Unit.objects.filter(name__startswith="单位").exists()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_parsing(cast, tmp_path):
    path = bomb_xlsx(tmp_path / "bomb.xlsx", shared_mb=80)
    assert path.stat().st_size < 2 * 1024 * 1024
    with open(path, "rb") as fh:
        result = run(cast, fh)
    assert "unpacks" in messages(result) or "解压" in messages(result)


def _peak_mb(code_text: str, **env) -> float:
    return subprocess_peak_mb(code_text, **env)["peak_mb"]


READ = """
import django, json, resource, sys
django.setup()
from hazardloop.units.importing.reader import FileProblem, open_table
path = {path!r}
if path:
    try:
        with open(path, "rb") as fh:
            table = open_table(fh, path)
            for _ in table.rows:
                pass
    except FileProblem:
        pass
print(json.dumps({{"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


@pytest.mark.parametrize("kind", ["xlsx_bomb", "csv_135mb", "xlsx_many_rows"])
def test_memory_of_a_process_reading_a_hostile_import(kind, tmp_path):
    if kind == "xlsx_bomb":
        path = bomb_xlsx(tmp_path / "bomb.xlsx", shared_mb=300)
    elif kind == "csv_135mb":
        path = tmp_path / "big.csv"
        line = ("某单位," + "9" * 18 + ",220102,餐饮\n").encode()
        with open(path, "wb") as fh:
            for _ in range(135 * 1024 * 1024 // len(line)):
                fh.write(line)
    else:
        path = tmp_path / "many.xlsx"
        from hazardloop.units.xlsx import SheetWriter

        with open(path, "wb") as fh, SheetWriter(fh, "units") as sheet:
            sheet.append(HEADER)
            for i in range(30_000):
                sheet.append([f"单位{i}", "9" * 18, "220102", "餐饮"])
    # The row limit is lowered for the test (the same code path as 1,048,576 rows over 200,000).
    limits = {"IMPORT_MAX_ROWS": "20000"}
    baseline = _peak_mb(READ.format(path=""), **limits)
    peak = _peak_mb(READ.format(path=str(path)), **limits)
    assert peak - baseline < MEMORY_BUDGET_MB, (kind, baseline, peak)
