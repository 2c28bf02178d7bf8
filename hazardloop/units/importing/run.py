"""Checking (dry run) and committing an import: the same pass over the file either way.

`import_units(fh, filename, user=..., commit=...)` reads every row, checks it, and compares it
with the unit of the same USCC, if any. With commit=True the whole pass runs in one
transaction and writes chunk by chunk; any problem in any row, even the last, rolls everything
back, so an import is all or nothing. Memory stays flat: rows are never all held at once.
"""

import gc
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Lookup
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import scope_for
from hazardloop.audit.chain import Canonical, canonical
from hazardloop.audit.services import record_event, record_many
from hazardloop.regions.models import Department
from hazardloop.units.bulk import copy_rows, insert_rows, is_pg, update_rows
from hazardloop.units.importing.checked import Spool, table_of
from hazardloop.units.importing.checked import read as read_kept
from hazardloop.units.importing.columns import BY_FIELD
from hazardloop.units.importing.mapping import (
    SAMPLES,
    describe,
    missing_message,
    recall_for,
    remember,
    sample_text,
)
from hazardloop.units.importing.reader import FileProblem, open_table
from hazardloop.units.importing.rows import Lookups, RowChecker
from hazardloop.units.models import Unit, derived_values
from hazardloop.units.services import PROFILE_FIELDS, DepartmentPicker

FOOTER = re.compile(
    r"^(合计|总计|小计|共计|填表人|填报人|制表人|审核人|负责人签字|备注[:：]|注[:：])"
)
CHUNK = 2000
MAX_ERRORS = 1000  # problems kept for display; the count goes on
# A created unit's columns in its import audit event (services.snapshot's fields).
AUDIT_FIELDS = [*PROFILE_FIELDS, "risk_level"]
# What the comparison reads of an existing unit: every field a row may set, what the risk
# formula reads (overdue_hazards too: never a query per unit), the level for the audit.
EXISTING_FIELDS = [
    "id", "uscc", *[f for f in PROFILE_FIELDS if f != "uscc"], "risk_override", "risk_level",
    "open_hazards", "open_major_hazards", "overdue_hazards", "lapsed_duties",
]  # fmt: skip
DERIVED = [
    "risk_score", "risk_computed", "risk_level", "risk_rank", "search_text", "search_pairs",
    "updated_at",
]  # fmt: skip


class _Rollback(Exception):
    pass


class AnyOf(Lookup):
    """`column = ANY(%s)`: a list of values as one parameter (PostgreSQL), as a filter:
    filter(AnyOf(F("uscc"), codes))."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


class _Facts:
    """A row's values as attributes, for the risk formula (models.derived_values)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    committed: bool = False
    table: dict = field(default_factory=dict)  # mapping.describe(): the columns and their fields
    spool: Spool | None = None  # a dry run's checked rows, kept for its commit (checked.py)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows": self.rows,
            "error_count": self.error_count,
            "errors": self.errors,
            "committed": self.committed,
            "table": self.table,
        }


class _Importer:
    def __init__(self, table, user, commit: bool, progress, keep: bool = False):
        self.table = table
        self.user = user
        self.commit = commit
        self.progress = progress or (lambda done, total: None)
        self.scope = scope_for(user, "unit.import")
        self.lookups = Lookups(self.scope)
        self.checker = RowChecker(self.lookups)
        self.result = ImportResult()
        self.seen: dict[str, int] = {}
        self.departments: DepartmentPicker | None = None  # loaded by the first new unit
        fields = [f for f in Unit._meta.concrete_fields if not f.primary_key]
        dynamic = {f.attname: f.default for f in fields if f.has_default() and callable(f.default)}
        self.defaults = {f.attname: f.get_default() for f in fields if f.attname not in dynamic}
        self.callable_defaults = list(dynamic.items())
        self.picked: dict[tuple[str, str], list[int]] = {}  # (region, sector) → department ids
        self.now = timezone.now()
        # per chunk: its changes as canonical JSON, rows created, rows updated (_audit_chunk)
        self.audit: list[tuple[str, int, int]] = []
        self.samples: dict[int, list[str]] = {}  # column index → first values (mapping step)
        self.spool = Spool() if keep else None
        self.uscc_at = next((i for i, n in table.columns.items() if n == "uscc"), None)

    def column(self, name: str) -> str:
        return self.table.header_of.get(name) or str(BY_FIELD[name].label)

    def _sample(self, cells: list) -> None:
        for i, value in enumerate(cells):
            text = sample_text(value)
            kept = self.samples.setdefault(i, [])
            if text and len(kept) < SAMPLES:
                kept.append(text)

    def _is_footer(self, cells: list) -> bool:
        """A totals or signature line below the table (合计：35家, 填表人：…) with no USCC."""
        uscc_at = self.uscc_at
        if uscc_at is not None and sample_text(cells[uscc_at]):
            return False
        first = next((sample_text(c) for c in cells if sample_text(c)), "")
        return bool(FOOTER.match(first))

    def run(self, kept=None, description: dict | None = None) -> ImportResult:
        """Check every row (and, committing, write them); the mapping and samples go into
        result.table. When a required field has no column, rows are only counted. `kept`: the
        rows a dry run checked (checked.read), taken instead of the sheet's."""
        missing = self.table.missing
        try:
            if kept is not None:
                self._kept(kept)
            else:
                self._rows(missing)
        finally:
            self.result.table = description or describe(self.table, self.samples)
        if missing:
            self.result.add_error(self.table.header_row, "", missing_message(missing))
        for text in self.table.unmatched:
            self.result.add_error(
                self.table.header_row,
                text,
                _("The mapping names this column, but the header row has no such column."),
            )
        return self.result

    def _rows(self, missing) -> None:
        chunk: list[tuple[int, dict]] = []
        mapped = list(self.table.columns)
        for number, cells in self.table.rows:
            if self.result.rows < SAMPLES * 3:
                self._sample(cells)
            if mapped and all(cells[i] is None or not str(cells[i]).strip() for i in mapped):
                continue  # a note or a total below the table, in columns not imported
            if self._is_footer(cells):
                continue
            self.result.rows += 1
            if missing:
                continue
            values = {name: cells[i] for i, name in self.table.columns.items()}
            data, errors = self.checker.check(values)
            for name, message in errors:
                self.result.add_error(number, self.column(name), message)
            code = data.get("uscc")
            if code:
                if code in self.seen:
                    self.result.add_error(
                        number,
                        self.column("uscc"),
                        _("The same code is already in row %(row)d of this file.")
                        % {"row": self.seen[code]},
                    )
                    errors = True
                else:
                    self.seen[code] = number
            if not errors:
                chunk.append((number, data))
                if self.spool is not None:
                    self.spool.add(number, data)
            if len(chunk) >= CHUNK:
                self._chunk(chunk)
                chunk = []
                self.progress(self.result.rows, self.table.total_hint)
        if chunk:
            self._chunk(chunk)
        self.progress(self.result.rows, self.result.rows)
        if self.result.rows == 0:
            self.result.add_error(
                self.table.header_row, "", _("There are no data rows below the header.")
            )

    def _kept(self, kept) -> None:
        """The rows a dry run checked, compared and written chunk by chunk as from the sheet."""
        chunk: list[tuple[int, dict]] = []
        for number, data in kept:
            self.result.rows += 1
            chunk.append((number, data))
            if len(chunk) >= CHUNK:
                self._chunk(chunk)
                chunk = []
                self.progress(self.result.rows, self.table.total_hint)
        if chunk:
            self._chunk(chunk)
        self.progress(self.result.rows, self.result.rows)

    def _existing(self, codes: list[str]) -> dict[str, dict]:
        """The units of these USCCs as {uscc: {field: value}}: one query, no model instances."""
        if is_pg():  # one array parameter, not 2,000 compiled ones
            rows = Unit.objects.filter(AnyOf(F("uscc"), codes)).order_by()
        else:
            rows = Unit.objects.filter(uscc__in=codes).order_by()
        rows = rows.values_list(*EXISTING_FIELDS)
        return {row[1]: dict(zip(EXISTING_FIELDS, row, strict=True)) for row in rows}

    def _chunk(self, chunk: list[tuple[int, dict]]) -> None:
        """Compare a chunk of checked rows with the units of the same USCCs and, committing,
        write it. Rows stay dicts: a new unit is its row with the model's defaults, a changed
        one the unit's current values with the row's changes; their derived columns (risk,
        search) are computed once, only when committing (a dry run only counts)."""
        existing = self._existing([d["uscc"] for _n, d in chunk])
        to_create: list[dict] = []
        to_update: list[tuple[dict, dict, dict]] = []  # the unit's new values, before, after
        changed_fields: set[str] = set()
        covers = self.scope.covers_region
        for number, data in chunk:
            unit = existing.get(data["uscc"])
            if unit is not None and not covers(unit["region_id"]):
                self.result.add_error(
                    number,
                    self.column("uscc"),
                    _(
                        "A unit with this code is registered outside your jurisdiction; ask "
                        "the regulator of its region."
                    ),
                )
                continue
            if not covers(data["region_id"]):
                self.result.add_error(
                    number,
                    self.column("region"),
                    _("This region is outside your jurisdiction."),
                )
                continue
            if unit is None:
                to_create.append(data)
                continue
            changed = [k for k, v in data.items() if unit[k] != v]
            if not changed:
                self.result.unchanged += 1
                continue
            before = {k: unit[k] for k in changed}
            after = {k: data[k] for k in changed}
            changed_fields.update(changed)
            to_update.append(({**unit, **after}, before, after))
        self.result.created += len(to_create)
        self.result.updated += len(to_update)
        if self.commit and not self.result.error_count:
            self._write(to_create, to_update, changed_fields)

    def _new_row(self, data: dict) -> dict:
        """Every column of a new unit: the model's defaults, the row, the derived columns."""
        row = {**self.defaults, **data}
        for name, default in self.callable_defaults:
            if name not in data:
                row[name] = default()
        row["created_at"] = row["updated_at"] = self.now
        row.update(derived_values(_Facts(row)))
        return row

    def _write(self, to_create, to_update, changed_fields) -> None:
        """Bulk writes for one chunk: units and their departments; the audit
        of its changes is kept for the end (_audit_chunk)."""
        created = to_create  # completed in place by insert_rows
        if created:
            # each row completed (defaults, derived columns) as it is written: see insert_rows
            insert_rows(Unit, created, complete=self._new_row)
            if any(r["id"] is None for r in created):  # backends that return no ids
                ids = dict(
                    Unit.objects.filter(uscc__in=[r["uscc"] for r in created]).values_list(
                        "uscc", "pk"
                    )
                )
                for row in created:
                    row["id"] = ids[row["uscc"]]
            through = Unit.supervising_departments.through
            picked = self.picked
            links = []
            for row in created:
                key = (row["region_id"], row["sector_id"])
                if key not in picked:
                    if self.departments is None:  # a commit that creates units only
                        self.departments = DepartmentPicker(
                            Department.objects.prefetch_related("sectors")
                        )
                    chain = self.lookups.chain(row["region_id"])
                    picked[key] = [d.pk for d in self.departments.pick(chain, row["sector_id"])]
                links.extend((row["id"], d) for d in picked[key])
            if is_pg():
                copy_rows(through._meta.db_table, ["unit_id", "department_id"], links)
            else:
                through.objects.bulk_create(
                    [through(unit_id=u, department_id=d) for u, d in links], batch_size=2000
                )
        if to_update:
            for row, before, after in to_update:
                old_level = row["risk_level"]
                row.update(derived_values(_Facts(row)))
                row["updated_at"] = self.now
                if row["risk_level"] != old_level:
                    before["risk_level"], after["risk_level"] = old_level, row["risk_level"]
            fields = sorted(changed_fields | set(DERIVED))
            update_rows(Unit, [row for row, _b, _a in to_update], fields)
        self._audit_chunk(created, to_update)

    def _audit_chunk(self, created, to_update) -> None:
        """Keep this chunk's changes, compact, for one audit event written at the end: each
        created unit as [id, *its profile in AUDIT_FIELDS order], each updated one as [id,
        changed fields before, after]. Kept as JSON text (about 0.3 KB a row): the audit
        chain is locked only for the few seconds the events take at the end, not during the
        whole import."""
        if not (created or to_update):
            return
        changes = {
            "fields": AUDIT_FIELDS,
            "created": [[r["id"], *[r[f] for f in AUDIT_FIELDS]] for r in created],
            "updated": [[r["id"], b, a] for r, b, a in to_update],
        }
        # Rendered once, as the event will hash and store it: text keys, and values that read
        # back from the JSON column as they are (text, numbers, booleans, None; a Decimal as
        # its text), so the audit takes it without the round trip (audit.chain.Canonical).
        self.audit.append((Canonical(canonical(changes)), len(created), len(to_update)))

    def write_audit(self, filename: str, job_id: int | None) -> None:
        """One `unit.import_rows` event per chunk of changed rows (see _audit_chunk), written
        together: one claim on the audit chain and one COPY."""
        record_many(
            [
                (
                    "unit.import_rows",
                    {
                        "actor": self.user,
                        "object_type": "units.unitjob" if job_id else "",
                        "object_id": str(job_id or ""),
                        "object_repr": filename[:200],
                        "message": f"{created} created, {updated} updated",
                        "after": text,
                    },
                )
                for text, created, updated in self.audit
            ]
        )


SEARCH_INDEXES = ["unit_search_trgm", "unit_tokens_gin"]  # GIN (migrations 0004, 0013)


def _bulk_session_settings() -> None:
    """For this transaction only: sorts in memory, and new entries of the search indexes (GIN:
    migrations 0004, 0013) collected in their pending lists instead of merged every 4 MB (they
    are merged after the commit: merge_search_indexes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")


def merge_search_indexes() -> int:
    """Merge the pending lists of the search indexes into their trees; returns the pages
    merged (0 when there was nothing to merge, and off PostgreSQL). An import leaves its new
    entries there and this runs after its commit, in the background (jobs.merge_unit_search,
    and the sweep), so that the user does not wait for it: until then a search also scans the
    pending list, and finds the new units all the same."""
    from django.db import connection

    if not is_pg():
        return 0
    merged = 0
    with connection.cursor() as cursor:
        for name in SEARCH_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
            merged += cursor.fetchone()[0]
    return merged


def _merge_after_commit() -> None:
    from hazardloop.units.jobs import merge_unit_search

    transaction.on_commit(merge_unit_search.enqueue, robust=True)


@contextmanager
def _collector_paused():
    """The cyclic garbage collector off for one import: its rows are acyclic dicts and lists,
    freed by reference counting, but the hundreds of thousands of them made the collector run
    over a thousand times in a 100,000-row commit (0.66 s, bench/units/bench.py). It runs again
    afterwards, and collects whatever cycles the import left."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@_collector_paused()
def import_units(
    fh,
    filename: str,
    *,
    user,
    commit: bool,
    progress: Callable[[int, int], None] | None = None,
    job_id: int | None = None,
    sha256: str = "",
    header_row: int | None = None,
    choices: dict[int, str] | None = None,
    named: dict[str, str] | None = None,
    keep_checked: bool = False,
    kept: dict | None = None,
    description: dict | None = None,
) -> ImportResult:
    """Check (commit=False) or import (commit=True) a spreadsheet of units for `user`.

    Columns are mapped by name and meaning, then as the user mapped this header row before,
    then by `choices` ({column index: field or "" to ignore}, their corrections; `header_row`
    is then the row the dry run found) or `named` ({header text: field or ""}, from the API).
    result.table shows the mapping.
    Rows whose region, or whose existing unit, lies outside the user's `unit.import` scope are
    errors. Blank optional cells keep an existing unit's value. With commit=True nothing is
    written unless every row is right; then one `unit.imported` audit event records it, with
    the mapping and the columns not imported, and the mapping is remembered for the user.

    A dry run with keep_checked=True returns, when it found no problem, its checked rows in
    result.spool (checked.Spool, to be saved for the commit). A commit given `kept` (what the
    job keeps of that spool, usable for this file: checked.usable) and the dry run's
    `description` (its result.table) takes those rows instead of reading the sheet (`fh` is
    then not read).
    """
    if commit and kept is not None and description:
        table = table_of(description)
        table.total_hint = kept.get("rows", 0)
        rows = read_kept(kept)
    else:
        rows = None
        try:
            table = open_table(
                fh,
                filename,
                header_row=header_row,
                choices=choices,
                named=named,
                recall=recall_for(user),
            )
        except FileProblem as problem:
            result = ImportResult()
            result.add_error(0, "", str(problem))
            return result
    importer = _Importer(table, user, commit, progress, keep=keep_checked and not commit)
    if not commit:
        try:
            result = importer.run()
        except FileProblem as problem:  # found while reading on (too many rows)
            if importer.spool is not None:
                importer.spool.close()
            result = ImportResult()
            result.add_error(0, "", str(problem))
            return result
        if importer.spool is not None:
            if result.error_count or not result.rows:
                importer.spool.close()
            else:
                result.spool = importer.spool
        return result
    try:
        with transaction.atomic():
            if is_pg():
                _bulk_session_settings()
            result = importer.run(rows, description if rows is not None else None)
            if result.error_count:
                raise _Rollback
            if is_pg() and result.created + result.updated:
                _merge_after_commit()
            importer.write_audit(filename, job_id)
            record_event(
                "unit.imported",
                actor=user,
                object_type="units.unitjob" if job_id else "",
                object_id=str(job_id or ""),
                object_repr=filename[:200],
                message=f"{result.created} created, {result.updated} updated",
                after={
                    "file": filename,
                    "sha256": sha256,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "row_events": len(importer.audit),
                    "columns": table.header_of,
                    "not_imported": [table.headers[i] for i in [*table.unknown, *table.ignored]],
                },
            )
            remember(user, result.table)
    except _Rollback:
        result = importer.result
        result.created = result.updated = result.unchanged = 0
        return result
    except FileProblem as problem:  # found while reading on (too many rows): nothing written
        result = ImportResult()
        result.add_error(0, "", str(problem))
        return result
    except IntegrityError:
        result = ImportResult(rows=importer.result.rows)
        result.add_error(
            0, "", _("Units were changed while the file was imported; nothing was saved. Retry.")
        )
        return result
    result.committed = True
    return result
