"""Keeping `UnitSearchToken` rows (search.py) in step with units, in bulk.

A token row is (char, next_char, region_code, unit). `add_for(units)` writes the tokens of
new units, `replace_for(changes)` swaps those of units whose name, address or region changed
(deleting by primary key, never by a scan), `rebuild()` makes them again from the units (after
a raw COPY, or to clear tokens of deleted units). On PostgreSQL new units' tokens go in with
COPY, other rows through `unnest` of four arrays: one statement per batch, no per-row SQL.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from hazardloop.units import search
from hazardloop.units.bulk import copy_text
from hazardloop.units.models import Unit, UnitSearchToken

BATCH = 50_000  # token rows per statement
TABLE = UnitSearchToken._meta.db_table
COLUMNS = ["char", "next_char", "region_code", "unit_id"]
Row = tuple[str, str, str, int]


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _columns(rows: list[Row]) -> list[list]:
    return [[r[i] for r in rows] for i in range(4)]


def _copy_line(row: Row) -> str:
    # COPY text format: only a backslash needs escaping here (search.normalise drops tabs,
    # newlines and every other white space; region codes are digits).
    a, b, region, unit = row
    if "\\" in a or "\\" in b:
        a, b = a.replace("\\", "\\\\"), b.replace("\\", "\\\\")
    return f"{a}\t{b}\t{region}\t{unit}\n"


def _insert(rows: list[Row], *, new: bool = False) -> None:
    """new=True: rows of units that have no tokens yet (no conflicts possible): COPY."""
    if new and _pg():
        copy_text(TABLE, COLUMNS, "".join(map(_copy_line, rows)))
        return
    rows.sort()  # neighbouring keys together: fewer index pages touched per statement
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if _pg():
            with connection.cursor() as cursor:
                cursor.execute(
                    f'INSERT INTO {TABLE} ("char", next_char, region_code, unit_id) '  # noqa: S608
                    "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], "
                    "%s::bigint[]) ON CONFLICT DO NOTHING",
                    _columns(batch),
                )
        else:
            UnitSearchToken.objects.bulk_create(
                [
                    UnitSearchToken(char=a, next_char=b, region_code=r, unit_id=u)
                    for a, b, r, u in batch
                ],
                ignore_conflicts=True,
                batch_size=250,
            )


def _delete(rows: list[Row]) -> None:
    rows.sort()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if _pg():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE "  # noqa: S608
                    '("char", next_char, region_code, unit_id) IN (SELECT * FROM '
                    "unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::bigint[]))",
                    _columns(batch),
                )
        else:
            for small in range(0, len(batch), 200):
                UnitSearchToken.objects.filter(pk__in=batch[small : small + 200]).delete()


def _rows(pk: int, name: str, address: str, region: str) -> list[Row]:
    return [(a, b, region, pk) for a, b in search.tokens(name, address)]


def add_for(units: Iterable[Unit]) -> int:
    """Write the tokens of units just created (they have primary keys). Returns the row count."""
    rows = [row for u in units for row in _rows(u.pk, u.name, u.address, u.region_id)]
    _insert(rows, new=True)
    return len(rows)


def replace_for(changes: Iterable[tuple[int, str, str, str, str, str, str]]) -> None:
    """changes: (unit id, old name, old address, old region, new name, new address,
    new region). A unit that moved region gets all its tokens anew."""
    gone, new = [], []
    for pk, old_name, old_address, old_region, name, address, region in changes:
        before = search.tokens(old_name, old_address)
        after = search.tokens(name, address)
        if old_region != region:
            gone.extend((a, b, old_region, pk) for a, b in before)
            new.extend((a, b, region, pk) for a, b in after)
        else:
            gone.extend((a, b, region, pk) for a, b in before - after)
            new.extend((a, b, region, pk) for a, b in after - before)
    with transaction.atomic():
        _delete(gone)
        _insert(new)


def rebuild(*, since_id: int = 0, chunk: int = 5000) -> int:
    """Make the tokens of every unit with id > since_id again (all: the table is emptied first,
    which also drops tokens of deleted units). Returns the unit count."""
    done = 0
    with transaction.atomic():
        if not since_id:
            UnitSearchToken.objects.all().delete()
        last = since_id
        base = Unit.objects.order_by("pk").values_list("pk", "name", "address", "region_id")
        while True:
            batch = list(base.filter(pk__gt=last)[:chunk])
            if not batch:
                break
            _insert([row for unit in batch for row in _rows(*unit)])
            last = batch[-1][0]
            done += len(batch)
    return done
