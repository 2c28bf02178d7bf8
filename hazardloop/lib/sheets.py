"""The one way the product writes a table to a file for download (.xlsx or .csv), and reads one.

Every export job (the ledger, the unit register) writes through `write_table`: rows come from
a generator and go to the file as they come (memory stays flat whatever the row count),
progress is reported every `every` rows, a capped export ends with a row saying so, and every
text cell goes through lib/cells.py (control characters dropped; in .xlsx text is typed as
text, never a formula; in .csv text that a spreadsheet would run is defused).

.xlsx is written by rustpy-xlsxwriter (rust_xlsxwriter underneath): in the comparison recorded
in docs/performance.md ("Spreadsheets") it wrote 100,000 ledger rows in 1.0 s with 21 MB peak
RSS (flat to 400,000 rows), against 1.7 s for the former hand-written streaming writer, 5.6 s
for pyexcelerate (91 MB), 7.9 s for XlsxWriter in constant-memory mode and 11.8 s for openpyxl's
write-only mode. It writes every string as an inline string, so text is never a formula.

`read_rows` reads the first sheet of an .xlsx with python-calamine (Rust): a sheet of 10,000
units reads in a fraction of the time openpyxl takes. Callers check the package for a zip bomb
first (lib/packages.py); calamine holds the sheet's cells while it is read, so that check (and
the byte limits) bound the memory.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from hazardloop.lib.cells import clean_text, csv_value

XLSX, CSV = "xlsx", "csv"
FORMATS = (XLSX, CSV)
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}


def _xlsx_value(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Decimal):
        return float(value)
    return clean_text(str(value))


def write_table(
    fh,
    fmt: str,
    *,
    title: str,
    header: list[str],
    rows: Iterable[list],
    note: str = "",
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
    every: int = 5000,
) -> int:
    """Write `header` and `rows` to the binary file `fh` as `fmt` (XLSX or CSV); returns the
    number of rows written. `note` (a capped export says so) becomes a last row of its own.
    `progress(done, total)` is called every `every` rows and at the end."""
    count = [0]

    def counting(source):
        for row in source:
            count[0] += 1
            yield row
            if progress and count[0] % every == 0:
                progress(count[0], total)

    body = counting(rows)
    if fmt == CSV:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="", write_through=False)
        writer = csv.writer(text)
        writer.writerow([csv_value(h) for h in header])
        batch = []
        for row in body:
            batch.append([csv_value(v) for v in row])
            if len(batch) >= 2000:
                writer.writerows(batch)
                batch = []
        writer.writerows(batch)
        if note:
            writer.writerow([csv_value(note)])
        text.flush()
        text.detach()
    elif fmt == XLSX:
        from rustpy_xlsxwriter import write_worksheet

        keys = _unique([clean_text(str(h)) for h in header])

        def records():
            for row in body:
                yield dict(zip(keys, map(_xlsx_value, row), strict=False))
            if note:
                yield {keys[0]: clean_text(note)}

        write_worksheet(records(), fh, sheet_name=sheet_name(title))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    if progress:
        progress(count[0], max(total, count[0]))
    return count[0]


def _unique(keys: list[str]) -> list[str]:
    """Header texts as the record keys: each must be distinct (and not empty)."""
    seen: set[str] = set()
    out = []
    for key in keys:
        key = key or " "
        while key in seen:
            key += " "
        seen.add(key)
        out.append(key)
    return out


def sheet_name(title: str) -> str:
    """A title a spreadsheet accepts as a sheet's name (31 characters, none of []:*?/\\)."""
    text = clean_text(title).translate(str.maketrans("", "", "[]:*?/\\")).strip("'")
    return text[:31] or "Sheet1"


def save_export(fieldfile, stem: str, fmt: str, write: Callable):
    """The export jobs' one way to store their file: `write(fh)` writes into a temporary file
    (never memory), which is then saved into `fieldfile` (a FileField's file, not yet saved
    on its model) as `<stem>.<fmt>`. Returns what `write` returns."""
    import tempfile

    from django.core.files import File

    with tempfile.TemporaryFile() as fh:
        result = write(fh)
        fh.seek(0)
        fieldfile.save(f"{stem}.{fmt}", File(fh), save=False)
    return result


def progress_of(queryset) -> Callable[[int, int], None]:
    """progress(done, total) for write_table that keeps a job row's `done` and `total` (the
    fields the job's page polls), given the queryset of that one row."""

    def report(done: int, total: int) -> None:
        queryset.update(done=done, total=max(done, total))

    return report


class LocalMinutes:
    """Aware datetimes as local 'YYYY-MM-DD HH:MM' text, converted in bulk: the zone's offset
    is looked up once per UTC hour (not once per value), the text is formatted without
    strftime. For an export's many timestamps in one zone."""

    def __init__(self, zone):
        self.zone = zone
        self.offsets: dict[int, dt.timedelta] = {}

    def __call__(self, value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        hour = int(value.timestamp()) // 3600
        offset = self.offsets.get(hour)
        if offset is None:
            offset = self.offsets[hour] = value.astimezone(self.zone).utcoffset()
        v = value.replace(tzinfo=None) - (value.utcoffset() or dt.timedelta()) + offset
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}"


class LocalMinuteText:
    """An aware timestamp column as local 'YYYY-MM-DD HH:MM' text computed by PostgreSQL
    (to_char … AT TIME ZONE): the rows arrive as text, no datetime is parsed or converted in
    Python. On other databases use LocalMinutes on the column instead (`in_database`)."""

    @staticmethod
    def in_database(connection) -> bool:
        return connection.vendor == "postgresql"

    def __new__(cls, column: str, zone_name: str):
        from django.db.models import CharField, F, Func, Value

        return Func(
            F(column),
            Value(zone_name),
            function="",
            template="to_char(%(expressions)s, 'YYYY-MM-DD HH24:MI')",
            arg_joiner=" AT TIME ZONE ",
            output_field=CharField(),
        )


# --- reading ---------------------------------------------------------------------------------


class UnreadableSheet(ValueError):
    """The file is not an .xlsx workbook calamine can read."""


def read_rows(fh) -> tuple[int, Iterator[list]]:
    """The first sheet of the .xlsx in the binary file `fh`: (its row count, an iterator of its
    rows from row 1 and column A, each a list of values, None for an empty cell). Numbers are
    floats or ints, dates datetimes, as calamine reads them. Check the package first
    (lib/packages.unpacked_too_far). UnreadableSheet for a damaged or foreign file."""
    from python_calamine import CalamineWorkbook

    try:
        fh.seek(0)
        book = CalamineWorkbook.from_filelike(fh)
        sheet = book.get_sheet_by_index(0)
        end = sheet.end  # (row, column) of the last cell, from 0
        height = end[0] + 1 if end else 0
        first_column = (sheet.start or (0, 0))[1]
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several kinds for a damaged file
        raise UnreadableSheet(str(exc)) from exc
    return height, _normalised(book, rows, first_column)


def _normalised(book, rows, first_column: int) -> Iterator[list]:
    pad = [None] * first_column
    try:
        for row in rows:
            yield pad + [None if v == "" else v for v in row]
    finally:
        book.close()
