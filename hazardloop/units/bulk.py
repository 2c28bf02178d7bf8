"""Bulk inserts for the import: PostgreSQL COPY where it is available, bulk_create elsewhere.

COPY takes rows as Python values (psycopg adapts them) and skips Django's per-value
preparation, which costs more than the database work for wide rows. New units get their
primary keys from the identity sequence first, so their departments and audit events
can refer to them without reading them back.
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


def insert_models(model, objects: list, *, batch_size: int = 1000) -> None:
    """Insert new model instances and set their primary keys (auto_now fields must be set)."""
    if not objects:
        return
    if not is_pg():
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    table = model._meta.db_table
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, pk.attname, new_id)
        obj._state.adding = False
    fields = model._meta.concrete_fields
    copy_rows(
        table,
        [f.column for f in fields],
        ([getattr(obj, f.attname) for f in fields] for obj in objects),
    )


def update_models(model, objects: list, field_names: list[str]) -> None:
    """Write `field_names` of existing model instances. On PostgreSQL: COPY the new values into
    a temporary table and one UPDATE … FROM joins it by primary key (Django's bulk_update
    builds a CASE of a thousand branches per column and statement); elsewhere bulk_update."""
    if not objects:
        return
    if not is_pg():
        model.objects.bulk_update(objects, field_names, batch_size=1000)
        return
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
    copy_rows(
        stage,
        columns,
        ([getattr(obj, pk.attname), *[getattr(obj, f.attname) for f in fields]] for obj in objects),
    )
    sets = ", ".join(f"{q} = s.{q}" for q in quoted[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {sets} FROM {stage} AS s "  # noqa: S608
            f"WHERE t.{quoted[0]} = s.{quoted[0]}"
        )
        cursor.execute(f"DROP TABLE {stage}")
