"""The shared table writer and reader (lib/sheets.py): text stays text, a note ends a capped
file, progress is reported, and a sheet reads from row 1 and column A as the spreadsheet shows."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from hazardloop.lib.sheets import CSV, XLSX, UnreadableSheet, read_rows, sheet_name, write_table

HOSTILE = ['=HYPERLINK("http://evil.example")', "@SUM(1)", "-1+1", "灭火器\x0b过期"]


def _write(fmt, rows, **kwargs) -> bytes:
    out = io.BytesIO()
    count = write_table(
        out, fmt, title="台账", header=["名称", "数量", "名称"], rows=rows, **kwargs
    )
    assert count == len(rows)
    return out.getvalue()


def test_xlsx_text_is_text_and_numbers_are_numbers():
    rows = [[text, i, None] for i, text in enumerate(HOSTILE)]
    data = _write(XLSX, rows)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "\x0b" not in xml
    values = list(load_workbook(io.BytesIO(data)).active.values)
    assert values[0][0] == "名称" and values[0][2].strip() == "名称"  # same header twice: kept
    assert [r[0] for r in values[1:]] == [*HOSTILE[:3], "灭火器过期"]
    assert [r[1] for r in values[1:]] == [0, 1, 2, 3]


def test_csv_defuses_formulas_and_starts_with_a_bom():
    data = _write(CSV, [[text, 1, None] for text in HOSTILE])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [
        "'" + HOSTILE[0],
        "'@SUM(1)",
        "'-1+1",
        "灭火器过期",
    ]


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_a_note_ends_the_file_and_progress_is_reported(fmt):
    seen = []
    data = _write(
        fmt,
        [["a", i, None] for i in range(5)],
        note="只含最新的 5 条",
        total=5,
        progress=lambda done, total: seen.append((done, total)),
        every=2,
    )
    assert seen == [(2, 5), (4, 5), (5, 5)]
    if fmt == XLSX:
        last = list(load_workbook(io.BytesIO(data)).active.values)[-1]
    else:
        last = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[-1]
    assert last[0] == "只含最新的 5 条"


def test_sheet_names_are_what_a_spreadsheet_accepts():
    assert sheet_name("a/b:c[d]*?") == "abcd"
    assert len(sheet_name("长" * 40)) == 31
    assert sheet_name("") == "Sheet1"


def test_read_rows_starts_at_row_one_and_column_a():
    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"] = "单位名称", "层数"
    sheet["C5"], sheet["D5"] = "饭店", 3
    out = io.BytesIO()
    book.save(out)
    height, rows = read_rows(out)
    rows = list(rows)
    assert height == len(rows) == 5
    assert rows[2][:4] == [None, None, "单位名称", "层数"]
    assert rows[3] == [None, None, None, None]
    assert rows[4][2] == "饭店" and rows[4][3] == 3


def test_read_rows_refuses_a_file_that_is_not_a_workbook():
    with pytest.raises(UnreadableSheet):
        read_rows(io.BytesIO(b"PK\x03\x04 not really"))
