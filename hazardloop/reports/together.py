"""The roll-up figures of a region's children for a period without a campaign (the dashboards'
usual question), read in one statement whose SQL is built once per process.

`stats.region_stats` reads nine things from the roll-ups for it (units, inspections per mode, two
probes, units last inspected, hazards, the open and waiting ones due today or later, documents).
Through the ORM that is nine queries compiled on every request (about a millisecond of Python
each) and nine round trips; here it is one `UNION ALL` of the same nine SELECTs, with a fixed
shape whatever the period: the period's whole months from month rows and the days before and
after them from day rows are always three ranges, empty ones included
(`rollups.period_ranges`, which `rollups.period_q` reads too). Each part is a row tag, the
child prefix and up to `WIDTH` numbers. The same SQL runs on SQLite and PostgreSQL; tests
compare it with the live figures (test_aggregates.py).

`now_rows` does the same for what is counted at the moment of the request (never kept, never
answered ahead): the open hazards due today before now, the time limits passed today before
now, and the accidents (test_accident_figures.py compares them with the live figures).
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from hazardloop.accidents.models import Accident
from hazardloop.accidents.stats import year_before
from hazardloop.hazards.choices import OPEN_STATUSES, ClockKind
from hazardloop.hazards.models import Hazard
from hazardloop.regions.models import subtree_bounds
from hazardloop.reports import accident_counts
from hazardloop.reports.aggregates import day_bounds
from hazardloop.reports.models import (
    ClockRoll,
    DocumentRoll,
    HazardRoll,
    InspectionDay,
    InspectionRoll,
    OpenRoll,
    UnitLast,
    UnitLastRoll,
    UnitRoll,
)
from hazardloop.reports.rollups import MODES, period_ranges

HAZARD_SUMS = (
    "found", "major", "rectified", "on_time", "open", "listed", "order_waiting", "verify_waiting",
)  # fmt: skip
WIDTH = max(len(HAZARD_SUMS), len(MODES), 3)
# Typed, so that PostgreSQL can match the parts column by column.
NULL = "CAST(NULL AS BIGINT)"
_sql: dict[str, str] = {}


def _period_params(start: dt.date, end: dt.date) -> list:
    """(month, from, before) × 3, as `rollups.period_ranges` gives them."""
    date = connection.ops.adapt_datefield_value
    return [v for month, lo, hi in period_ranges(start, end) for v in (month, date(lo), date(hi))]


def _build() -> str:
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def part(tag, model, sums, *, where="", key="prefix", group="prefix", rolled=True):
        cells = [*sums, *[NULL] * (WIDTH - len(sums))]
        conditions = ["depth = %s", "prefix >= %s", "prefix <= %s"]
        if rolled:
            conditions += ["campaign_id = 0", _PERIOD]
        if where:
            conditions.append(where)
        return (
            f"SELECT '{tag}', {key}, {', '.join(cells)} FROM {table(model)} "  # noqa: S608
            f"WHERE {' AND '.join(conditions)} GROUP BY {group}"
        )

    order = f"'{ClockKind.ORDER.value}'"
    later = f"SELECT 1 FROM {table(InspectionDay)} WHERE day > %s"  # noqa: S608
    split = (
        f"SELECT 1 FROM {table(UnitLast)} "  # noqa: S608
        "WHERE region_code >= %s AND region_code <= %s AND split = %s"
    )
    nulls = ", ".join([NULL] * (WIDTH - 2))
    probes = (
        f"SELECT 'x', NULL, CASE WHEN EXISTS ({later}) THEN 1 ELSE 0 END, "
        f"CASE WHEN EXISTS ({split}) THEN 1 ELSE 0 END, {nulls}"
    )
    parts = [
        part("u", UnitRoll, ["SUM(n)", "SUM(lapsed_units)", "SUM(lapsed)"], rolled=False),
        part("i", InspectionRoll, [f"SUM({quote(m)})" for m in MODES]),
        probes,
        part(
            "l",
            UnitLastRoll,
            ["CASE WHEN is_self THEN 1 ELSE 0 END", "SUM(n)"],
            group="prefix, is_self",
        ),
        part("h", HazardRoll, [f"SUM({quote(c)})" for c in HAZARD_SUMS]),
        part("o", OpenRoll, ["SUM(n)"], where="due_day >= %s"),
        part(
            "c",
            ClockRoll,
            [
                f"SUM(CASE WHEN clock = {order} THEN n ELSE 0 END)",
                f"SUM(CASE WHEN clock = {order} THEN 0 ELSE n END)",
            ],
            where="due_day >= %s",
        ),
        part("d", DocumentRoll, ["SUM(n)"]),
    ]
    return " UNION ALL ".join(parts)


_PERIOD = (
    "((month = %s AND day >= %s AND day < %s) OR (month = %s AND day >= %s AND day < %s) "
    "OR (month = %s AND day >= %s AND day < %s))"
)


def statement(parent, depth: int, start: dt.date, end: dt.date, today: dt.date):
    """The roll-up statement of `parent`'s children at `depth` in the period: (SQL, parameters)."""
    sql = _sql.get(connection.vendor)
    if sql is None:
        sql = _sql[connection.vendor] = _build()
    lo, hi = subtree_bounds(parent.prefix)
    key = [depth, lo, hi]
    period = _period_params(start, end)
    date = connection.ops.adapt_datefield_value
    params = [
        *key,  # units
        *key, *period,  # inspections
        date(end), lo, hi, True,  # the probes
        *key, *period,  # units last inspected
        *key, *period,  # hazards
        *key, *period, date(today),  # open
        *key, *period, date(today),  # waiting
        *key, *period,  # documents
    ]  # fmt: skip
    return sql, params


def rows(parent, depth: int, start: dt.date, end: dt.date, today: dt.date) -> list[tuple]:
    """(tag, prefix, numbers…) rows of the roll-ups at `depth` under `parent` in the period."""
    sql, params = statement(parent, depth, start, end, today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# What the roll-ups leave to the moment of the request, in one statement too: the open hazards
# due today before now ('n'), the regulator's time limits passed today before now ('k'), and
# the accidents of the period and of the same period a year before ('a', the six
# `accident_counts.COUNTS` in order). Through the ORM these were three querysets built and
# compiled on every request, even when everything else was kept (reports/kept.py). The
# statuses and clocks are written into the SQL, not bound: the partial indexes on open hazards
# (`hazard_open_due`, `hazard_regulator_clock`) serve only a query that names them.
_now_sql: dict[str, str] = {}
ACCIDENT_WIDTH = len(accident_counts.COUNTS)  # three figures, this period and a year before


def _build_now() -> str:
    quote = connection.ops.quote_name
    hazards = quote(Hazard._meta.db_table)
    accidents = quote(Accident._meta.db_table)
    key = "SUBSTR(region_code, 1, %s)"
    region = "region_code >= %s AND region_code <= %s"
    found = "found_at >= %s AND found_at < %s"
    open_ = "status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_STATUSES))
    order, verify = f"'{ClockKind.ORDER.value}'", f"'{ClockKind.VERIFY.value}'"

    def cells(sums):
        return ", ".join([*sums, *[NULL] * (ACCIDENT_WIDTH - len(sums))])

    period = "occurred_at >= %s AND occurred_at < %s"
    # Three sums over the period, then the same three over the period a year before.
    accident_sums = [
        f"SUM(CASE WHEN {period} THEN {value} ELSE 0 END)"
        for value in ("1", "deaths", "serious_injuries") * 2
    ]
    return " UNION ALL ".join(
        [
            f"SELECT 'n', {key}, {cells(['COUNT(*)'])} FROM {hazards} "  # noqa: S608
            f"WHERE {region} AND {found} AND {open_} AND due_at >= %s AND due_at < %s "
            "GROUP BY 2",
            f"SELECT 'k', {key}, "  # noqa: S608
            + cells(
                [
                    f"SUM(CASE WHEN clock = {order} THEN 1 ELSE 0 END)",
                    f"SUM(CASE WHEN clock = {verify} THEN 1 ELSE 0 END)",
                ]
            )
            + f" FROM {hazards} WHERE {region} AND {found} AND {open_} "
            f"AND clock IN ({order}, {verify}) AND clock_due_at >= %s AND clock_due_at < %s "
            "GROUP BY 2",
            f"SELECT 'a', {key}, {cells(accident_sums)} FROM {accidents} "  # noqa: S608
            f"WHERE {region} AND (({period}) OR ({period})) GROUP BY 2",
        ]
    )


def now_statement(parent, depth: int, lo, hi, since, now, last_lo, last_hi):
    """The statement of what is counted at the moment for `parent`'s children at `depth`:
    hazards found in [lo, hi), the deadlines and time limits in [since, now), accidents in
    [lo, hi) and [last_lo, last_hi). (SQL, parameters)."""
    sql = _now_sql.get(connection.vendor)
    if sql is None:
        sql = _now_sql[connection.vendor] = _build_now()
    moment = connection.ops.adapt_datetimefield_value
    low, high = subtree_bounds(parent.prefix)
    lo, hi, since, now = moment(lo), moment(hi), moment(since), moment(now)
    last_lo, last_hi = moment(last_lo), moment(last_hi)
    this, last = [lo, hi], [last_lo, last_hi]
    params = [
        depth, low, high, lo, hi, since, now,  # due today before now
        depth, low, high, lo, hi, since, now,  # time limits passed today before now
        depth, *this * 3, *last * 3, low, high, *this, *last,  # accidents
    ]  # fmt: skip
    return sql, params


def now_rows(parent, depth: int, lo, hi, since, now, last_lo, last_hi) -> list[tuple]:
    """(tag, prefix, numbers…) rows of `now_statement`."""
    sql, params = now_statement(parent, depth, lo, hi, since, now, last_lo, last_hi)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count_now(q, period_bounds) -> None:
    """Add `now_rows` to the rows of `q` (reports.stats._Query) as `stats._count_hazards_now`
    and `accident_counts.count` would: the roll-ups' usual question (no campaign, a scope
    covering the whole parent)."""
    midnight, _ = day_bounds(timezone.localdate(q.now))
    last_lo, last_hi = period_bounds(year_before(q.start), year_before(q.end))
    for tag, key, *n in now_rows(q.parent, q.length, q.lo, q.hi, midnight, q.now, last_lo, last_hi):
        if tag == "n":
            q.add(key, "overdue", n[0])
        elif tag == "k":
            q.add(key, "order_lapsed", n[0])
            q.add(key, "verify_lapsed", n[1])
        else:
            for name, value in zip(accident_counts.COUNTS, n, strict=True):
                q.add(key, name, value)
