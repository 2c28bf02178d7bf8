"""The checked rows of a dry run, kept for its commit, so that a file is read and checked once.

A dry run without problems spools every checked row ((row number, unit data)) to a compressed
file, written as the rows are checked, 2,000 to a line (memory stays flat), stored beside the
upload and named
on the job with the file's hash and the mapping it was checked with. The commit of that job
reads the rows back instead of reading and checking the sheet again — only when the hash and
the mapping still match; otherwise it reads the file as before. The commit still compares every
row with the units as they are then, and checks the importer's jurisdiction, in its one
transaction. The spool is deleted with the job's files (jobs.delete_old_job_files_once).
"""

import gzip
import hashlib
import json
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.core.files import File
from django.core.files.storage import default_storage

from hazardloop.units.importing.reader import Table

DECIMAL_FIELDS = ("latitude", "longitude")


def _decimal(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def mapping_key(table: dict) -> str:
    """The mapping a dry run used (its header row and column → field), as a short hash."""
    columns = sorted((c["index"], c["field"]) for c in table.get("columns", []) if c["field"])
    text = json.dumps([table.get("header_row"), columns])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Spool:
    """Where a dry run writes its checked rows as it goes (a temporary file, gzip, JSON lines)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close/save)
        self.zip = gzip.GzipFile(fileobj=self.file, mode="wb", compresslevel=1)
        self.rows = 0
        self.lines: list[str] = []

    def add(self, number: int, data: dict) -> None:
        self.lines.append([number, data])
        self.rows += 1
        if len(self.lines) >= 2000:
            self._flush()

    def _flush(self) -> None:
        """One line per 2,000 rows: [[number, data], …] (one json.dumps, not 2,000)."""
        if self.lines:
            text = json.dumps(self.lines, ensure_ascii=False, default=_decimal)
            self.zip.write((text + "\n").encode())
            self.lines = []

    def save(self, *, job_id: int, sha256: str, table: dict) -> dict:
        """Store the spool; returns what the job keeps of it (params["checked"])."""
        self._flush()
        self.zip.close()
        self.file.seek(0)
        name = default_storage.save(
            f"unit_jobs/checked/{job_id}-{sha256[:16]}.jsonl.gz", File(self.file)
        )
        self.file.close()
        return {"name": name, "sha256": sha256, "key": mapping_key(table), "rows": self.rows}

    def close(self) -> None:
        self.zip.close()
        self.file.close()


def usable(checked: dict | None, *, sha256: str, table: dict | None) -> bool:
    """Whether a job's kept rows were checked from this file with this mapping."""
    return bool(
        checked
        and table
        and checked.get("sha256") == sha256
        and checked.get("key") == mapping_key(table)
        and default_storage.exists(checked.get("name", ""))
    )


def read(checked: dict) -> Iterator[tuple[int, dict]]:
    """The kept rows, one at a time."""
    with default_storage.open(checked["name"], "rb") as raw, gzip.GzipFile(fileobj=raw) as fh:
        for line in fh:
            item = json.loads(line)
            # a line of rows; a spool written before that held one row a line: [number, data]
            for number, data in item if item and isinstance(item[0], list) else [item]:
                for name in DECIMAL_FIELDS:
                    if name in data:
                        data[name] = Decimal(data[name])
                yield number, data


def forget(checked: dict | None) -> None:
    if checked and checked.get("name"):
        default_storage.delete(checked["name"])


def table_of(description: dict) -> Table:
    """The Table (without rows) a dry run described (mapping.describe): for a commit from the
    kept rows, whose messages and audit name the sheet's columns as the dry run did."""
    columns = description.get("columns", [])
    return Table(
        header_row=description.get("header_row") or 0,
        headers=[c["header"] for c in columns],
        columns={c["index"]: c["field"] for c in columns if c["field"]},
        how={c["index"]: c["how"] for c in columns if c["field"]},
        ignored=[c["index"] for c in columns if c["how"] == "ignored"],
        rows=iter(()),
        signature=description.get("signature", ""),
    )
