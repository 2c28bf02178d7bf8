"""Keeping `UnitSearchToken` rows (search.py) in step with units, in bulk.

`add_for(units)` writes the tokens of new units, `replace_for(changes)` swaps those of units
whose name or address changed (deleting by primary key, never by a scan), `rebuild()` makes
them again from the units (after a raw COPY, or to clear tokens of deleted units). On
PostgreSQL rows go through `unnest` of three arrays: one statement per batch, no per-row SQL.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from hazardloop.units import search
from hazardloop.units.bulk import copy_rows
from hazardloop.units.models import Unit, UnitSearchToken

BATCH = 50_000  # token rows per statement
TABLE = UnitSearchToken._meta.db_table


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _columns(rows: list[tuple[str, str, int]]) -> list[list]:
    return [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]]


def _insert(rows: list[tuple[str, str, int]], *, new: bool = False) -> None:
    """new=True: rows of units that have no tokens yet (no conflicts possible): COPY."""
    if new and _pg():
        copy_rows(TABLE, ["char", "next_char", "unit_id"], rows)
        return
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if _pg():
            with connection.cursor() as cursor:
                cursor.execute(
                    f'INSERT INTO {TABLE} ("char", next_char, unit_id) '  # noqa: S608
                    "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[]) "
                    "ON CONFLICT DO NOTHING",
                    _columns(batch),
                )
        else:
            UnitSearchToken.objects.bulk_create(
                [UnitSearchToken(char=a, next_char=b, unit_id=u) for a, b, u in batch],
                ignore_conflicts=True,
                batch_size=300,
            )


def _delete(rows: list[tuple[str, str, int]]) -> None:
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if _pg():
            with connection.cursor() as cursor:
                cursor.execute(
                    f'DELETE FROM {TABLE} WHERE ("char", next_char, unit_id) IN '  # noqa: S608
                    "(SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[]))",
                    _columns(batch),
                )
        else:
            for small in range(0, len(batch), 300):
                UnitSearchToken.objects.filter(pk__in=batch[small : small + 300]).delete()


def add_for(units: Iterable[Unit]) -> int:
    """Write the tokens of units just created (they have primary keys). Returns the row count."""
    rows = [(a, b, u.pk) for u in units for a, b in search.tokens(u.name, u.address)]
    _insert(rows, new=True)
    return len(rows)


def replace_for(changes: Iterable[tuple[int, str, str, str, str]]) -> None:
    """changes: (unit id, old name, old address, new name, new address)."""
    gone, new = [], []
    for pk, old_name, old_address, name, address in changes:
        before = search.tokens(old_name, old_address)
        after = search.tokens(name, address)
        gone.extend((a, b, pk) for a, b in before - after)
        new.extend((a, b, pk) for a, b in after - before)
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
        base = Unit.objects.order_by("pk").values_list("pk", "name", "address")
        while True:
            batch = list(base.filter(pk__gt=last)[:chunk])
            if not batch:
                break
            _insert([(a, b, pk) for pk, n, ad in batch for a, b in search.tokens(n, ad)])
            last = batch[-1][0]
            done += len(batch)
    return done
