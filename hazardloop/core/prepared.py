"""Querysets on hot paths, compiled to SQL once per process instead of once per request.

Building and compiling a queryset costs more Python than running its SQL: about 0.8 ms for a
hazard with its unit, 0.6 ms for a user's memberships, against 0.3–0.5 ms on the database. A
`Prepared` query builds its queryset and compiles it the first time it runs on a database,
then runs the same SQL with the new parameter values and turns the rows into model instances
exactly as the ORM does (its converters, `from_db`, `select_related` populators).

    MEMBERSHIPS = Prepared(
        lambda user_id: Membership.objects.filter(user_id=user_id, is_active=True),
        params=lambda user_id: [user_id, True],
    )
    rows = MEMBERSHIPS(user.pk)

`params(*args)` must give the compiled SQL's parameters in order; the first compilation checks
it against the ORM's own list and refuses a query whose shape does not match (so a changed
queryset cannot silently run with misplaced values). Only model querysets (no values(), no
annotations, no prefetch) with a fixed shape: anything whose SQL depends on the arguments
(an IN list of varying length, an optional filter) is not a Prepared query.

On PostgreSQL the hot paths run their statements on `prepared_cursor()`: the server parses
and plans each once per connection and then only binds and runs it (a Prepared query, the
step's compare-and-swap, the audit chain's claim and write, a notification's INSERT, a unit's
risk columns): rows by their key and inserts, whose plan is the same for every value, so the
connection tells PostgreSQL to keep each one's generic plan (`plan_cache_mode`, settings.py)
rather than plan some of them again at every run. Planning was most of those statements'
cost; Django's own queries stay client-side bound and unprepared.

`run_together((QUERY_A, (a,)), (QUERY_B, (b,)))` runs several queries and returns their rows in
order, in one round trip on PostgreSQL: prepared, in psycopg's pipeline mode (each statement
bound and run prepared, all sent before the first result is read); when prepared statements
are turned off, as one string of statements with one result set each (psycopg's client-side
binding allows it); one after another elsewhere. The hazard API reads a hazard, its
events and the caller's memberships this way; a step sends its compare-and-swap, then its
notification's INSERT, then its unit's lock and count. Never send a lock that others may
wait for ahead of a statement that may itself wait: a step that claimed its audit chain with
its compare-and-swap deadlocked (ADR 0003). Statements in one round trip still run one after
the other, so a lock sent after the swap is asked for only once the swap is done. Not every
pair gains: a join that is dearer to plan than the round trip it saves is slower, as the
token's memberships were (docs/performance.md).
"""

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models.query import get_related_populators


def prepared_cursor(using: str = "default"):
    """A cursor (Django's wrapper: logged, counted, errors translated like any other) whose
    statements PostgreSQL keeps prepared on this connection: parsed and planned once, then
    only bound and run. Planning was most of a hot statement's cost (a user's memberships,
    a four-table join: 0.30 ms a run client-side, 0.06 ms prepared). The values are bound
    server-side, so each parameter needs a type PostgreSQL can infer (a column it is compared
    with or assigned to, or a cast); one statement per call. Only for statements whose best
    plan does not depend on the values (rows by their key, inserts): PostgreSQL keeps one
    generic plan for every value (settings.py sets `plan_cache_mode=force_generic_plan`), and
    for the ledger's page (a province's prefix or a township's) or the dashboards' roll-up
    statement (30 days or a year) that plan can be far worse (the dashboards' cold page went
    from 40 to 159 ms at 5M hazards), so those stay unprepared.
    Elsewhere — SQLite, or `DB_PREPARED_STATEMENTS=false` (settings.py) — an ordinary
    cursor.

    Use it as `with prepared_cursor() as cursor:` and read the rows inside the block: each
    connection keeps one such cursor and lends it to one block at a time (closing the wrapper
    gives it back). A new psycopg cursor spends its first statement finding a dumper for each
    value's type; the kept one has found them already (15–41 µs less a statement, measured
    on a 7-value statement: docs/performance.md). A block opened while the kept cursor is
    lent gets a cursor of its own."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    kept = getattr(connection, "_hl_kept_cursor", None)
    if kept is not None and kept.fits(connection):
        if not kept.lent:
            kept.lent = True
            return connection._prepare_cursor(_Lent(kept))
        return connection._prepare_cursor(_new_cursor(connection))
    kept = _Kept(connection, _new_cursor(connection))
    connection._hl_kept_cursor = kept
    kept.lent = True
    return connection._prepare_cursor(_Lent(kept))


def _new_cursor(connection):
    with connection.wrap_database_errors:
        cursor = _preparing_cursor()(connection.connection)
    # Timestamps in the connection's time zone, as its own cursors read them.
    connection.match_time_zone(cursor)
    return cursor


class _Kept:
    """A connection's reusable preparing cursor: for the psycopg connection it was made on,
    in the time zone it was made for."""

    __slots__ = ("cursor", "lent", "raw", "timezone")

    def __init__(self, connection, cursor):
        self.raw = connection.connection
        self.timezone = connection.timezone
        self.cursor = cursor
        self.lent = False

    def fits(self, connection) -> bool:
        return (
            self.raw is connection.connection
            and self.timezone == connection.timezone
            and not self.cursor.closed
        )


class _Lent:
    """The kept cursor as one block sees it: everything is the cursor's, except that closing
    it gives it back instead of closing it."""

    __slots__ = ("_kept",)

    def __init__(self, kept: _Kept):
        self._kept = kept

    def __getattr__(self, name):
        if self._kept is None:  # given back: as a closed cursor
            if name == "closed":
                return True
            raise _closed_error()
        return getattr(self._kept.cursor, name)

    def __iter__(self):
        if self._kept is None:
            raise _closed_error()
        return iter(self._kept.cursor)

    def close(self) -> None:
        if self._kept is not None:
            self._kept.lent = False
            self._kept = None


def _closed_error():
    import psycopg

    return psycopg.InterfaceError("the cursor is closed")


@functools.cache
def _preparing_cursor():
    """Django's server-binding cursor, which also names the statement it ran when that was a
    prepared one (as psycopg does for the others), so that Django's query log and the tests'
    query counts show its SQL (with $1, $2 … for the values). Built on first use: the
    PostgreSQL backend is only imported where it is the database."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def _send_query_prepared(self, name, pgq, *, binary=None):
            self._query = pgq
            return super()._send_query_prepared(name, pgq, binary=binary)

    return PreparingCursor


def prepares(using: str = "default") -> bool:
    """Does `prepared_cursor` prepare on this database?"""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    return connection.connection.prepare_threshold is not None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    converters: list
    model: type
    start: int
    end: int
    init_list: list[str]
    populators: list
    compiler: object


class Prepared:
    def __init__(self, build: Callable, *, params: Callable | None = None):
        self.build = build
        self.params = params or (lambda *args: list(args))
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, args, using: str) -> _Compiled:
        with self._lock:
            compiled = self._compiled.get(using)
            if compiled is not None:
                return compiled
            qs = self.build(*args)
            if qs._prefetch_related_lookups or qs.query.annotations or qs._fields is not None:
                raise ValueError("Prepared takes plain model querysets only")
            compiler = qs.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            expected = list(self.params(*args))
            if list(params) != expected:
                raise ValueError(f"params {expected!r} do not match the SQL's {list(params)!r}")
            select, klass_info = compiler.select, compiler.klass_info
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
            compiled = _Compiled(
                sql=sql,
                converters=list(converters.items()),
                model=klass_info["model"],
                start=start,
                end=end,
                init_list=[f[0].target.attname for f in select[start:end]],
                populators=get_related_populators(klass_info, select, using),
                compiler=compiler,
            )
            self._compiled[using] = compiled
            return compiled

    def __call__(self, *args, using: str = "default") -> list:
        compiled = self._compiled.get(using) or self._compile(args, using)
        with prepared_cursor(using) as cursor:
            cursor.execute(compiled.sql, self.params(*args))
            rows = cursor.fetchall()
        return self._objects(compiled, rows, using)

    def _objects(self, compiled: _Compiled, rows, using: str) -> list:
        connection = connections[using]
        out = []
        model, start, end, init_list = (
            compiled.model,
            compiled.start,
            compiled.end,
            compiled.init_list,
        )
        for row in rows:
            if compiled.converters:
                row = list(row)
                for pos, (convs, expression) in compiled.converters:
                    value = row[pos]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[pos] = value
            obj = model.from_db(using, init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            out.append(obj)
        return out


def run_together(*queries: tuple, using: str = "default") -> list[list]:
    """The results of each query in order, in one round trip on PostgreSQL (pipelined when
    prepared, one string of statements when not; one after another elsewhere). A query is
    (Prepared, args): its model instances; or (sql, params): its rows as tuples. On
    PostgreSQL each statement still takes its own snapshot (READ COMMITTED), so a count sent
    after a row lock sees what was committed before the lock was granted."""
    connection = connections[using]
    if connection.vendor != "postgresql" or len(queries) < 2:
        return [_run_one(query, args, using) for query, args in queries]
    if prepares(using):
        return _run_pipelined(queries, using)
    compiled = [
        (query._compiled.get(using) or query._compile(args, using))
        if isinstance(query, Prepared)
        else None
        for query, args in queries
    ]
    sql = ";\n".join(
        c.sql if c else query for c, (query, _a) in zip(compiled, queries, strict=True)
    )
    params: list = []
    for query, args in queries:
        params.extend(query.params(*args) if isinstance(query, Prepared) else args)
    results = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for position, (query, _args) in enumerate(queries):
            if position:
                cursor.nextset()
            rows = cursor.fetchall()
            if isinstance(query, Prepared):
                rows = query._objects(compiled[position], rows, using)
            results.append(rows)
    return results


def _run_pipelined(queries, using: str) -> list[list]:
    """Prepared statements in psycopg's pipeline mode: each is bound and run prepared as
    `_run_one` would, but they are sent together and their results read after one wait
    (a hazard and its events: 0.41–0.52 against 0.53–0.65 ms one after another with a round
    trip of 80 µs, bench/hazards/run_together.py; docs/performance.md, session 17). A database
    error of any of them is raised when the pipeline ends, as Django's error. (A transaction's
    BEGIN is no cheaper in a pipeline: psycopg waits for it before going on.)"""
    compiled = [
        (query._compiled.get(using) or query._compile(args, using))
        if isinstance(query, Prepared)
        else None
        for query, args in queries
    ]
    cursors = []
    try:
        connection = connections[using]
        with connection.wrap_database_errors, connection.connection.pipeline():
            for c, (query, args) in zip(compiled, queries, strict=True):
                cursor = prepared_cursor(using)
                cursors.append(cursor)
                cursor.execute(c.sql if c else query, query.params(*args) if c else args)
        results = []
        for position, (query, _args) in enumerate(queries):
            rows = cursors[position].fetchall()
            if compiled[position] is not None:
                rows = query._objects(compiled[position], rows, using)
            results.append(rows)
        return results
    finally:
        for cursor in cursors:
            cursor.close()


def _run_one(query, args, using: str) -> list:
    if isinstance(query, Prepared):
        return query(*args, using=using)
    with prepared_cursor(using) as cursor:
        cursor.execute(query, args)
        return cursor.fetchall()


_insert_sql: dict[tuple[str, type], tuple[str, list]] = {}


def insert_fields(model, *, leave_out=()) -> list:
    """The columns a new row of `model` is inserted with: every concrete field but its primary
    key, generated ones and those named in `leave_out` (which the statement fills itself)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False) and f.name not in leave_out
    ]


def insert_values(obj, fields, connection) -> list:
    """What `obj.save(force_insert=True)` would write for `fields`: each field's `pre_save`
    (`auto_now_add`, defaults) and `get_db_prep_save` (relations, JSON, time zones)."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def insert_one(obj, using: str = "default"):
    """`obj.save(force_insert=True)` for a new row on a hot path: the INSERT … RETURNING id is
    built once per model and database instead of compiled on every call. The values are what
    `save()` would write (each field's `pre_save` and `get_db_prep_save`, so `auto_now_add`,
    defaults and foreign keys behave the same); no signal is sent (the project connects none).
    A model with database defaults (`db_default`) is saved by the ORM."""
    model = type(obj)
    connection = connections[using]
    key = (connection.vendor, model)
    built = _insert_sql.get(key)
    if built is None:
        meta = model._meta
        fields = insert_fields(model)
        if any(f.has_db_default() for f in fields) or not meta.pk.db_returning:
            obj.save(force_insert=True, using=using)
            return obj
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model)
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
        )
        built = _insert_sql[key] = (sql, fields)
    sql, fields = built
    params = insert_values(obj, fields, connection)
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj
