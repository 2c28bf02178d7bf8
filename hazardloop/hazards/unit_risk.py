"""Hazards feed their units' risk level (docs/units.md: the hazard history term).

A unit's stored counts — open hazards, open majors, open hazards past their rectification
deadline — are counted here and handed to `units.services.recompute_risk_many` (units never
import hazards). They change only when a hazard enters or leaves an open status, changes grade,
or crosses its deadline: `workflow.apply` and `create_hazard` call `refresh_units` for the first
two (and for a deadline moved across `now` by an extension), the supervision sweep calls
`refresh_units_due_between` for deadlines that passed since the last sweeps, and
`manage.py recompute_unit_risk` (run by the data migration that introduced the counts) brings
every unit up to date.
"""

import datetime as dt

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from hazardloop.core.prepared import prepared_cursor
from hazardloop.hazards.choices import OPEN_STATUSES, Grade
from hazardloop.hazards.models import Hazard
from hazardloop.units.models import Unit
from hazardloop.units.services import RISK_COUNT_FIELDS, lock_query, recompute_risk_many

BATCH = 2000


_one_sql: dict[str, str] = {}


def _one_statement(unit_id: int, now) -> tuple[str, list, object]:
    """One unit's count as (SQL built once per database, its parameters, how to read its
    rows into (open, open major, overdue at `now`))."""
    sql = _one_sql.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        column = {f: quote(Hazard._meta.get_field(f).column) for f in ("unit", "status", "grade")}
        due = quote(Hazard._meta.get_field("due_at").column)
        statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
        sql = _one_sql[connection.vendor] = (
            f"SELECT COUNT(*), COUNT(CASE WHEN {column['grade']} = %s THEN 1 END), "  # noqa: S608
            f"COUNT(CASE WHEN {due} < %s THEN 1 END) FROM {quote(Hazard._meta.db_table)} "
            f"WHERE {column['unit']} = %s AND {column['status']} IN ({statuses})"
        )
    due_param = Hazard._meta.get_field("due_at").get_db_prep_value(now, connection)
    params = [str(Grade.MAJOR), due_param, unit_id, *map(str, OPEN_STATUSES)]
    return sql, params, _read_one


def _read_one(rows) -> tuple[int, int, int]:
    n, major, overdue = rows[0]
    return (n or 0, major or 0, overdue or 0)


def _counts_one(unit_id: int, now) -> tuple[int, int, int]:
    """One unit's (open, open major, overdue at `now`)."""
    sql, params, read = _one_statement(unit_id, now)
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return read(cursor.fetchall())


class _Counts:
    """`counts_for` at `now` as the units' risk recount asks it: a function of the unit ids,
    and for one unit the statement itself (sent with the unit's lock, one round trip)."""

    def __init__(self, now):
        self.now = now

    def __call__(self, unit_ids):
        return counts_for(unit_ids, self.now)

    def one_statement(self, unit_id: int):
        return _one_statement(unit_id, self.now)


class Recount:
    """One unit's recount after a hazard step, read in the step's own round trip: `queries`
    (the unit's lock, then its count) go after the step's compare-and-swap
    (`workflow.apply`), and `done(results)` feeds what they read into the unit's risk
    (`recompute_risk_many`, one audit event if it changed), as `refresh_units` would with
    `read_first=False`. The count sees the step's own change (a later statement of its
    transaction) and what was committed before the lock was granted."""

    def __init__(self, unit_id: int, *, actor=None, now=None):
        self.actor = actor
        sql, params, self._read = _one_statement(unit_id, now or timezone.now())
        self.queries = [lock_query(unit_id), (sql, params)]

    def done(self, results) -> int:
        units, rows = results
        counts = {unit.pk: self._read(rows) for unit in units}
        return len(recompute_risk_many(counts, actor=self.actor, locked=units))


def counts_for(unit_ids, now) -> dict[int, tuple[int, int, int]]:
    """unit id → (open, open major, overdue at `now`), one grouped query over open hazards."""
    unit_ids = list(unit_ids)
    if len(unit_ids) == 1:  # a hazard step: the same answer without compiling a queryset
        return {unit_ids[0]: _counts_one(unit_ids[0], now)}
    out = dict.fromkeys(unit_ids, (0, 0, 0))
    rows = (
        Hazard.objects.filter(unit_id__in=unit_ids, status__in=OPEN_STATUSES)
        .order_by()
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            major=Count("pk", filter=Q(grade=Grade.MAJOR)),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
        .values_list("unit_id", "n", "major", "overdue")
    )
    for unit_id, n, major, overdue in rows:
        out[unit_id] = (n, major, overdue)
    return out


def _overdue(due_at, now) -> bool:
    return due_at is not None and due_at < now


def touches(hazard, status_after: str, changes: dict, now) -> bool:
    """Does this change to `hazard` (not yet applied) change its unit's counts?"""
    was_open = hazard.status in OPEN_STATUSES
    if was_open != (status_after in OPEN_STATUSES):
        return True
    if not was_open:
        return False
    if "grade" in changes and changes["grade"] != hazard.grade:
        return True
    return "due_at" in changes and _overdue(hazard.due_at, now) != _overdue(changes["due_at"], now)


def refresh_units(unit_ids, *, actor=None, now=None, read_first: bool = True) -> int:
    """Count the units' hazards again and recompute the risk of those whose counts changed.

    With `read_first` (the sweeps), the stored counts are read and only the units whose counts
    differ are locked (a no-op costs two queries and no lock); without it (a hazard step that
    just changed the counts), the units are locked at once. Either way the counts written are
    read after the lock, so a concurrent change at the unit is seen. Returns the number of
    units written.
    """
    now = now or timezone.now()
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return 0
    if read_first:
        counts = counts_for(unit_ids, now)
        stored = {
            pk: tuple(rest)
            for pk, *rest in Unit.objects.filter(pk__in=unit_ids).values_list(
                "pk", *RISK_COUNT_FIELDS
            )
        }
        unit_ids = [pk for pk, c in counts.items() if pk in stored and stored[pk] != c]
    changed = recompute_risk_many(_Counts(now), unit_ids=unit_ids, actor=actor)
    return len(changed)


def refresh_units_due_between(start, end, *, now=None) -> int:
    """Refresh the units of open hazards whose deadline falls in [start, end) (the sweep)."""
    ids = (
        Hazard.objects.open()
        .filter(due_at__gte=start, due_at__lt=end)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return refresh_units(list(ids), now=now or end)


def refresh_all(*, now=None, batch: int = BATCH) -> int:
    """Bring every unit's hazard counts and risk up to date, in batches of units by id."""
    now = now or timezone.now()
    written, last = 0, 0
    while True:
        ids = list(
            Unit.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return written
        written += refresh_units(ids, now=now)
        last = ids[-1]


def recently(now, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """The window of deadlines a sweep at `now` looks at (a day: sweeps run every minute)."""
    return now - dt.timedelta(days=days), now
