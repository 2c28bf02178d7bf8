"""Bulk inserts for the import: PostgreSQL COPY where it is available, bulk_create elsewhere.

COPY takes rows as Python values (psycopg adapts them) and skips Django's per-value
preparation, which costs more than the database work for wide rows. New units get their
primary keys from the identity sequence first, so their departments and audit events
can refer to them without reading them back. Rows are dicts: no model instances.
"""

from django.db import connection


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY rows (sequences of Python values, in `columns` order) into table. PostgreSQL only."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _update_copy(model, field_names: list[str], values) -> None:
    """COPY [pk, *values of field_names] rows into a temporary table, then one UPDATE … FROM."""
    table = model._meta.db_table
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in field_names]
    columns = [pk.column, *[f.column for f in fields]]
    quoted = [connection.ops.quote_name(c) for c in columns]
    stage = f"{table}_update_stage"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(quoted)} FROM {table} WITH NO DATA"
        )
    copy_rows(stage, columns, values)
    sets = ", ".join(f"{q} = s.{q}" for q in quoted[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {sets} FROM {stage} AS s "  # noqa: S608
            f"WHERE t.{quoted[0]} = s.{quoted[0]}"
        )
        cursor.execute(f"DROP TABLE {stage}")


def insert_rows(model, rows: list[dict], *, complete=None, batch_size: int = 1000) -> None:
    """Insert rows given as dicts of every concrete field (by attname) but the primary key,
    which is set in each dict. `complete`, if given, is called on each row just before it is
    written and returns the row with every field; the list is updated in place with what it
    returns. On PostgreSQL: ids from the sequence, then COPY of plain values (Django's
    per-value preparation and model instances cost more than the database work for wide
    rows), with each row completed while COPY streams: Python's work on a row overlaps the
    database's work on the rows sent before it. Elsewhere bulk_create."""
    if not rows:
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    if not is_pg():
        if complete is not None:
            rows[:] = map(complete, rows)
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=batch_size)
        for row, obj in zip(rows, objects, strict=True):
            row[pk.attname] = obj.pk  # None on backends that return no ids: the caller reads them
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for row, new_id in zip(rows, ids, strict=True):
        row[pk.attname] = new_id
    names = [pk.attname, *[f.attname for f in fields]]
    columns = [pk.column, *[f.column for f in fields]]

    def stream():
        for i, row in enumerate(rows):
            if complete is not None:
                row = rows[i] = complete(row)
            yield [row[n] for n in names]

    copy_rows(table, columns, stream())


def update_rows(model, rows: list[dict], field_names: list[str]) -> None:
    """Write `field_names` of existing rows given as dicts (with the primary key's attname):
    on PostgreSQL the new values are COPied into a temporary table and one UPDATE … FROM
    joins it by primary key (Django's bulk_update builds a CASE of a thousand branches per
    column and statement); elsewhere bulk_update."""
    if not rows:
        return
    pk = model._meta.pk.attname
    fields = [model._meta.get_field(name).attname for name in field_names]
    if not is_pg():
        objects = [model(**{pk: r[pk], **{f: r[f] for f in fields}}) for r in rows]
        model.objects.bulk_update(objects, field_names, batch_size=1000)
        return
    _update_copy(model, field_names, ([r[pk], *[r[f] for f in fields]] for r in rows))
