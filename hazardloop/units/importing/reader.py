"""Reading an uploaded spreadsheet: xlsx or csv (UTF-8 with or without BOM, or GB18030).

Real spreadsheets have title rows (often merged cells) above the header, notes below it, blank
rows and columns at the end. The header is the first row, among the first HEADER_SEARCH_ROWS,
in which at least the unit name and the USCC columns are recognised.
"""

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from hazardloop.units.importing.columns import field_for_header

HEADER_SEARCH_ROWS = 20


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why (translated)."""


@dataclass
class Table:
    header_row: int  # 1-based row number of the header, as the spreadsheet shows it
    columns: dict[int, str]  # cell index → field
    headers: dict[str, str]  # field → header text as written in the file
    ignored: list[str]  # headers we did not recognise
    rows: Iterator[tuple[int, list]]  # (row number, cell values)
    total_hint: int = 0  # about how many data rows follow (for the progress bar)


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The CSV file is neither UTF-8 nor GB18030 text."))


def _size(fh) -> int:
    try:
        return os.fstat(fh.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        pass
    size = getattr(fh, "size", None)
    if size is not None:
        return size
    here = fh.tell()
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(here)
    return size


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def _check_size(fh) -> None:
    size, limit = _size(fh), settings.IMPORT_MAX_BYTES
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported. Split it.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )


def _too_many_rows() -> FileProblem:
    return FileProblem(
        _("The sheet has more than %(n)s rows; split it into files of at most %(n)s rows.")
        % {"n": f"{settings.IMPORT_MAX_ROWS:,}"}
    )


def _check_xlsx_package(fh) -> None:
    """Refuse a workbook whose parts would unpack to far more than a spreadsheet of units needs
    (a zip bomb) before any XML is parsed: read-only openpyxl still loads the shared strings."""
    try:
        with zipfile.ZipFile(fh) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    finally:
        fh.seek(0)
    total = sum(p.file_size for p in parts)
    shared = sum(p.file_size for p in parts if p.filename.endswith("sharedStrings.xml"))
    inflated = [
        p
        for p in parts
        if p.file_size > 1024 * 1024
        and p.file_size > settings.IMPORT_MAX_ZIP_RATIO * max(p.compress_size, 1)
    ]
    if (
        total > settings.IMPORT_MAX_UNPACKED_BYTES
        or shared > settings.IMPORT_MAX_SHARED_STRINGS
        or inflated
    ):
        raise FileProblem(
            _(
                "The workbook unpacks to far more data than a sheet of units holds; it was not "
                "read. Save the sheet again as a new .xlsx file, or split it."
            )
        )


def _csv_rows(data: bytes, sizes: dict) -> Iterator[list]:
    text = _decode_csv(data)
    sizes["rows"] = text.count("\n") + 1
    if sizes["rows"] > settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(fh, sizes: dict) -> Iterator[list]:
    from openpyxl import load_workbook

    _check_xlsx_package(fh)
    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        sizes["rows"] = sheet.max_row or 0
        limit = settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS
        if sizes["rows"] > limit:
            raise _too_many_rows()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limit:  # the sheet's stated size may be missing or wrong
                raise _too_many_rows()
            yield list(row)
    finally:
        workbook.close()


def raw_rows(fh, filename: str, sizes: dict) -> Iterator[list]:
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        _check_size(fh)
    if suffix == ".csv":
        return _csv_rows(fh.read(), sizes)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(fh, sizes)
    if suffix == ".xls":
        raise FileProblem(_("Old .xls files cannot be read: save the sheet as .xlsx or .csv."))
    raise FileProblem(_("Upload an .xlsx or a .csv file."))


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_table(fh, filename: str) -> Table:
    """Find the header row and return the table whose `rows` yields the data rows that follow
    (blank rows skipped, trailing blank cells ignored)."""
    sizes: dict = {}
    rows = raw_rows(fh, filename, sizes)
    seen = 0
    for number, cells in enumerate(rows, start=1):
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        columns, headers, ignored = {}, {}, []
        for index, cell in enumerate(cells):
            if _is_blank(cell):
                continue
            name = field_for_header(cell)
            if name is None:
                ignored.append(str(cell).strip())
            elif name not in headers:
                columns[index] = name
                headers[name] = str(cell).strip()
        if "name" in headers and "uscc" in headers:
            data = _data_rows(rows, number, columns)
            hint = max(0, sizes.get("rows", 0) - number)
            return Table(number, columns, headers, ignored, data, hint)
    raise FileProblem(
        _(
            "No header row found in the first %(n)d rows: the sheet needs at least the columns "
            "单位名称 (unit name) and 统一社会信用代码 (USCC). Download the template to see them."
        )
        % {"n": HEADER_SEARCH_ROWS}
    )


def _data_rows(rows, header_row: int, columns: dict[int, str]) -> Iterator[tuple[int, list]]:
    width = max(columns) + 1
    for number, cells in enumerate(rows, start=header_row + 1):
        cells = list(cells[:width]) + [None] * (width - len(cells))
        if all(_is_blank(cells[i]) for i in columns):
            continue
        yield number, cells
