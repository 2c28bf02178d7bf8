"""The dashboards' usual question answered ahead, once for every web process.

What the statistics read from the aggregates is kept per web process between refreshes
(kept.py), so the first request of each scope in each process after a refresh that changed
something counts again: the roll-up statement of together.py, 10–13 ms for a province at
5,000,000 hazards. During a campaign day the sweep refreshes every minute, so that first request
is the common one.

So after each such refresh the sweep (`answer_ahead_once`, after `aggregates.refresh_once` in
settings.SWEEP_STEPS) runs that statement for every region with children, without a campaign,
for the periods of the last N days ending today (settings.STATS_AHEAD_DAYS, 30 and 365 by
default: the dashboard's default period and a year), and stores the rows under the refresh
token (`AnsweredAhead`). `rows()` reads them with one indexed SELECT and counts only a question
not answered ahead (another period, or a refresh the sweep has not answered yet).

A refresh records the region codes whose buckets it rebuilt, with the prefixes of the units'
roll-up rows that moved (`StatsRefresh.touched`). The answers about the other regions did not
change: the step copies them forward from the token before (`carry_forward`) and counts only
the regions that contain a touched code (those regions, their ancestors, the province): a
minute of a campaign day touches a few counties, not every region.

The answer is a function of the aggregates alone (the region, the children's depth, the
period, today), not of who asks: `stats.region_stats` asks only when the roll-ups can answer
for the caller's scope (`rollups.rolls_answer`: the scope covers the whole region). A token that
changes makes the older answers unreachable; the next sweep deletes them.
"""

import datetime as dt
import hashlib

import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone

from hazardloop.regions.models import Region
from hazardloop.reports import together
from hazardloop.reports.models import AnsweredAhead
from hazardloop.reports.rollups import key_length, state

_read_sql: dict[str, str] = {}


def question_key(generation: str, parent_code: str, depth: int, start, end, today) -> str:
    raw = repr(("together", generation, parent_code, depth, str(start), str(end), str(today)))
    return hashlib.sha256(raw.encode()).hexdigest()


def _read(key: str):
    sql = _read_sql.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        table, column = AnsweredAhead._meta.db_table, AnsweredAhead._meta.get_field("value").column
        sql = _read_sql[connection.vendor] = (
            f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote('key')} = %s"  # noqa: S608
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        found = cursor.fetchone()
    if found is None:
        return None
    value = found[0]
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def rows(fresh, parent: Region, depth: int, start: dt.date, end: dt.date, today: dt.date):
    """`together.rows(parent, depth, start, end, today)`, read from the answer the sweep stored
    for the refresh token of `fresh` when there is one (looked up only for a period as long as
    one the sweep answers)."""
    generation = getattr(fresh, "generation", "")
    if generation and (end - start).days + 1 in settings.STATS_AHEAD_DAYS:
        found = _read(question_key(generation, parent.code, depth, start, end, today))
        if found is not None:
            return found
    return together.rows(parent, depth, start, end, today)


def _plain(row) -> list:
    """A statement row as JSON keeps it: the sums as whole numbers (PostgreSQL gives a numeric
    for SUM of a bigint)."""
    return [v if v is None or isinstance(v, str) else int(v) for v in row]


def questions(today: dt.date, built: list[int]) -> list[tuple]:
    """(region, depth, start, end) for every region with children at a built depth, and every
    period of settings.STATS_AHEAD_DAYS ending `today`."""
    prefixes: dict[str, list[str]] = {}
    for parent_code, prefix in Region.objects.filter(parent__isnull=False).values_list(
        "parent_id", "prefix"
    ):
        prefixes.setdefault(parent_code, []).append(prefix)
    parents = Region.objects.in_bulk(list(prefixes))
    depths = {code: key_length(prefixes[code], p.prefix) for code, p in parents.items()}
    days = sorted({n for n in settings.STATS_AHEAD_DAYS if n > 0})
    periods = [(today - dt.timedelta(days=n - 1), today) for n in days]
    return [
        (parents[code], depths[code], start, end)
        for code in sorted(parents)
        if depths[code] in built
        for start, end in periods
    ]


def answer_ahead_once(now=None) -> int:
    """The sweep step: answer the usual questions for the current refresh token and today
    that are not answered yet, and delete the answers of older tokens; returns the number
    answered. Running it again answers nothing."""
    row = state()
    if row is None or not row.generation or not row.depths:
        return 0
    today = timezone.localdate(now)
    built = [int(d) for d in row.depths.split(",")]
    asked = questions(today, built)
    carried = carry_forward(row, asked, today)
    AnsweredAhead.objects.exclude(generation=row.generation).delete()
    return carried + answer(row.generation, asked, today)


def carry_forward(row, asked: list[tuple], today: dt.date) -> int:
    """Store under the current token, unchanged, the answers of the token before it to the
    questions about regions whose buckets the refresh did not rebuild (`row.touched`: none of
    its codes begins with the region's prefix); returns the number stored. Nothing when the
    refresh may have changed any region, or when the answers stored are of another token."""
    if not row.previous or row.touched is None:
        return 0
    touched = {code[:n] for code in row.touched for n in range(1, len(code) + 1)}
    new_key = {}
    for parent, depth, start, end in asked:
        if parent.prefix not in touched:
            old = question_key(row.previous, parent.code, depth, start, end, today)
            new_key[old] = question_key(row.generation, parent.code, depth, start, end, today)
    if not new_key:
        return 0
    found = AnsweredAhead.objects.filter(key__in=list(new_key)).values_list("key", "value")
    made = [
        AnsweredAhead(key=new_key[key], generation=row.generation, value=value)
        for key, value in found
    ]
    AnsweredAhead.objects.bulk_create(made, batch_size=200, ignore_conflicts=True)
    return len(made)


def answer(generation: str, asked: list[tuple], today: dt.date) -> int:
    """Store the answers to the questions `asked` ((region, depth, start, end) each) under the
    token `generation`, but for those already stored; returns the number stored."""
    wanted = {question_key(generation, q[0].code, q[1], q[2], q[3], today): q for q in asked}
    have = set(AnsweredAhead.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    made = [
        AnsweredAhead(
            key=key,
            generation=generation,
            value=[_plain(r) for r in together.rows(parent, depth, start, end, today)],
        )
        for key, (parent, depth, start, end) in wanted.items()
        if key not in have
    ]
    AnsweredAhead.objects.bulk_create(made, batch_size=200, ignore_conflicts=True)
    return len(made)
