"""The one safe way to put text into a spreadsheet cell (every .xlsx and .csv the product writes).

A value a user typed (a unit's name, a hazard's title) must arrive in the official's spreadsheet
as the same text, never as something the spreadsheet runs or chokes on:
- characters XML forbids (control characters such as a vertical tab) are dropped, so the file
  can always be written and opened;
- text is always written as text: in .xlsx the cell is typed as a string even when it starts
  with `=`, so it is never a formula; in .csv, where there are no types, text that begins with
  `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` (OWASP's CSV-injection
  guidance), which spreadsheet programs show as text.
"""

import re

# XML 1.0 forbids these (tab, line feed and carriage return are allowed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """The text without the characters a spreadsheet file cannot hold."""
    return _ILLEGAL.sub("", value)


def csv_value(value):
    """A value for a CSV cell: text cleaned and defused; anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def xlsx_cell(sheet, value):
    """A cell for openpyxl's write-only `sheet.append`: text is typed as a string (never a
    formula) and cleaned; other values pass through."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=clean_text(value))
    cell.data_type = "s"
    return cell


def xlsx_row(sheet, values) -> list:
    return [xlsx_cell(sheet, v) for v in values]


def set_text(cell, value) -> None:
    """Set an openpyxl cell of a normal (not write-only) sheet to `value`, text as text."""
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def append_row(sheet, values) -> None:
    """`sheet.append(values)` on a normal (not write-only) openpyxl sheet, text as text."""
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
