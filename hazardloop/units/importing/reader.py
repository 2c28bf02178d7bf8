"""Reading an uploaded spreadsheet: xlsx (python-calamine, lib/sheets.py) or csv (UTF-8 with or
without BOM, or GB18030).

Real spreadsheets have title rows (often merged cells) above the header, notes below it, blank
rows and columns at the end, line breaks inside header cells. `open_table` finds the header row
and maps its columns to fields (columns.py), with the user's corrections.
"""

import csv
import io
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from hazardloop.lib.packages import UnreadablePackage, unpacked_too_far
from hazardloop.lib.sheets import UnreadableSheet, read_rows
from hazardloop.units.importing.columns import (
    BY_FIELD,
    EXACT,
    REQUIRED,
    header_signature,
    match_header,
    normalise_header,
)

HEADER_SEARCH_ROWS = 20


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why (translated)."""


REMEMBERED, CHOSEN = "remembered", "chosen"


@dataclass
class Table:
    header_row: int  # 1-based row number of the header, as the spreadsheet shows it
    headers: list[str]  # every header cell's text, "" for a blank one
    columns: dict[int, str]  # cell index → field
    how: dict[int, str]  # cell index → EXACT, MEANING, REMEMBERED or CHOSEN
    ignored: list[int]  # cell indices the user chose to ignore
    rows: Iterator[tuple[int, list]]  # (row number, cell values)
    total_hint: int = 0  # about how many data rows follow (for the progress bar)
    signature: str = ""  # header_signature(headers)
    unmatched: list[str] = field(default_factory=list)  # mapped header names not in the sheet

    @property
    def header_of(self) -> dict[str, str]:
        """field → its header text as written in the file."""
        return {name: self.headers[i] for i, name in self.columns.items()}

    @property
    def unknown(self) -> list[int]:
        """Indices of headed columns that fill no field and that nobody chose to ignore."""
        return [
            i
            for i, text in enumerate(self.headers)
            if text and i not in self.columns and i not in self.ignored
        ]

    @property
    def missing(self) -> list[str]:
        """Required fields no column fills."""
        return [name for name in REQUIRED if name not in self.columns.values()]


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
    (a zip bomb) before any XML is parsed (lib/packages.py)."""
    try:
        bomb = unpacked_too_far(
            fh,
            max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
            max_ratio=settings.IMPORT_MAX_ZIP_RATIO,
            max_shared=settings.IMPORT_MAX_SHARED_STRINGS,
        )
    except UnreadablePackage as exc:
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    if bomb:
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
    """The first sheet's rows, read by python-calamine (lib/sheets.read_rows) after the
    zip-bomb check: the package's unpacked size bounds what calamine holds."""
    _check_xlsx_package(fh)
    try:
        height, rows = read_rows(fh)
    except UnreadableSheet as exc:
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    sizes["rows"] = height
    limit = settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS
    if height > limit:
        rows.close()
        raise _too_many_rows()
    for number, row in enumerate(rows, start=1):
        if number > limit:  # the sheet's stated size may be missing or wrong
            rows.close()
            raise _too_many_rows()
        yield row


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


def header_text(cell) -> str:
    """A header cell as the user wrote it, on one line."""
    return "" if _is_blank(cell) else " ".join(str(cell).split())


def auto_mapping(headers: list[str]) -> tuple[dict[int, str], dict[int, str]]:
    """Recognise each header by name or meaning: (index → field, index → how). When two
    columns name the same field, an exact name beats a match by meaning, then the leftmost."""
    found: dict[str, tuple[int, str]] = {}
    for index, text in enumerate(headers):
        name, how = match_header(text)
        if name is None:
            continue
        held = found.get(name)
        if held is None or (held[1] != EXACT and how == EXACT):
            found[name] = (index, how)
    columns = {index: name for name, (index, _how) in found.items()}
    how = {index: kind for _name, (index, kind) in found.items()}
    return dict(sorted(columns.items())), how


def apply_choices(
    columns: dict[int, str], how: dict[int, str], choices: dict[int, str], kind: str, width: int
) -> tuple[dict[int, str], dict[int, str], list[int]]:
    """Override the recognised mapping with `choices` (index → field, "" = ignore), as chosen
    by the user or remembered for them. Returns (columns, how, ignored indices)."""
    columns, how = dict(columns), dict(how)
    ignored = []
    for index, name in sorted(choices.items()):
        if not 0 <= index < width or (name and name not in BY_FIELD):
            continue
        if name and columns.get(index) == name:
            continue  # confirms what was recognised: keep saying how
        columns.pop(index, None)
        how.pop(index, None)
        if not name:
            ignored.append(index)
            continue
        for other in [i for i, n in columns.items() if n == name]:  # the choice takes the field
            columns.pop(other)
            how.pop(other, None)
        columns[index] = name
        how[index] = kind
    return dict(sorted(columns.items())), how, ignored


def open_table(
    fh,
    filename: str,
    *,
    header_row: int | None = None,
    choices: dict[int, str] | None = None,
    named: dict[str, str] | None = None,
    recall: Callable[[str], dict[int, str] | None] | None = None,
) -> Table:
    """Find the header row and return the table whose `rows` yields the data rows that follow
    (blank rows skipped, trailing blank cells ignored).

    The header row is `header_row` if given, else the first of the first HEADER_SEARCH_ROWS
    rows in which the unit name and the USCC columns are recognised (or whose mapping the user
    has corrected before), else the one in which most columns are recognised (at least two).
    The mapping is what is recognised, then what `recall(signature)` remembers for this header
    row, then `choices` (the user's corrections by column index) or `named` (by header text,
    from the API; names no header carries are kept in `unmatched`)."""
    sizes: dict = {}
    rows = raw_rows(fh, filename, sizes)
    head: list[list] = []
    found, best = None, None
    for number, cells in enumerate(rows, start=1):
        head.append(cells)
        headers = [header_text(c) for c in cells]
        if header_row is not None:
            if number == header_row:
                found = (number, headers)
                break
            continue
        columns, _how = auto_mapping(headers)
        if ("name" in columns.values() and "uscc" in columns.values()) or (
            recall and sum(map(bool, headers)) >= 2 and recall(header_signature(headers))
        ):
            found = (number, headers)
            break
        if len(columns) >= 2 and (best is None or len(columns) > best[0]):
            best = (len(columns), number, headers)
        if number >= HEADER_SEARCH_ROWS:
            break
    if found is None and best is not None:
        found = best[1:]
    if found is None:
        raise FileProblem(
            _(
                "No header row found in the first %(n)d rows: the sheet needs at least the "
                "columns 单位名称 (unit name) and 统一社会信用代码 (USCC). Download the "
                "template to see them."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    number, headers = found
    while headers and not headers[-1]:
        headers.pop()
    signature = header_signature(headers)
    columns, how = auto_mapping(headers)
    ignored: list[int] = []
    remembered = recall(signature) if recall else None
    if remembered:
        columns, how, ignored = apply_choices(columns, how, remembered, REMEMBERED, len(headers))
    unmatched: list[str] = []
    if named and choices is None:
        keys = [normalise_header(h) for h in headers]
        choices = {}
        for text, name in named.items():
            hits = [i for i, key in enumerate(keys) if key and key == normalise_header(text)]
            if hits:
                choices[hits[0]] = name
            else:
                unmatched.append(text)
    if choices is not None:
        columns, how, more = apply_choices(columns, how, choices, CHOSEN, len(headers))
        ignored = sorted(set(more) | {i for i in ignored if i not in columns})
    following = itertools.chain(head[number:], rows)
    data = _data_rows(following, number, len(headers))
    hint = max(0, sizes.get("rows", 0) - number)
    return Table(number, headers, columns, how, ignored, data, hint, signature, unmatched)


def _data_rows(rows, header_row: int, width: int) -> Iterator[tuple[int, list]]:
    width = max(width, 1)
    for number, cells in enumerate(rows, start=header_row + 1):
        cells = list(cells[:width]) + [None] * (width - len(cells))
        if all(_is_blank(c) for c in cells):
            continue
        yield number, cells
