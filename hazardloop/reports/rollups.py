"""The roll-ups behind the dashboards (models.py "Roll-ups"; docs/campaigns.md, "Aggregates").

Each `Roll` sums one base table of `aggregates.py` (keyed by record region code × local day)
per region prefix at each depth (the loaded regions' prefix lengths) × day and month ×
campaign (0: all). `rebuild_roll` brings the (prefix, day) rows of the touched buckets up to
date, finest depth first, then their months; `aggregates.refresh` calls it for every roll.
Readers ask `rolls_answer` whether a roll-up can answer for a region and read its rows with
`roll_rows` (`period_q` picks whole months from month rows, the other days from day rows).
"""

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth

from hazardloop.core.prepared import Prepared
from hazardloop.hazards.choices import ClockKind
from hazardloop.inspections.choices import Mode
from hazardloop.regions.models import subtree_filter
from hazardloop.reports.models import (
    CategoryRoll,
    ClockRoll,
    DocumentDay,
    DocumentRoll,
    HazardDay,
    HazardRoll,
    InspectionDay,
    InspectionRoll,
    OpenRoll,
    RectifiedDay,
    RectifiedRoll,
    SectorRoll,
    StatsRefresh,
    UnitCount,
    UnitLastDay,
    UnitLastRoll,
    UnitRoll,
)

MODES = list(Mode.values)
HAZARD_COUNTS = ["found", "major", "rectified", "on_time", "listed", "open", "waiting"]
# The deadline day `OpenRoll` keeps for an open hazard without a deadline (never overdue).
NO_DEADLINE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Roll:
    """A roll-up (`reports/models.py` "Roll-ups") of a base table keyed by region code × day."""

    model: type
    base: type
    counts: tuple[str, ...]  # summed; (roll column, base column) when named differently
    dims: tuple[str, ...] = ()  # key columns kept, named as in the base (or `source`)
    campaign: bool = True
    months: bool = True
    where: Q | None = None  # base rows counted
    source: tuple = ()  # (roll column, base expression or aggregate) pairs
    # Read only for a region's own figures (a breakdown, the trend), never for its children:
    # not kept at the finest depth (a region there reads the base table: a few rows).
    parents_only: bool = False

    def levels(self, depths: list[int]) -> list[int]:
        return depths[:-1] if self.parents_only and len(depths) > 1 else depths


ROLLS = (
    Roll(
        HazardRoll,
        HazardDay,
        (*HAZARD_COUNTS[:-1], "order_waiting", "verify_waiting"),
        source=(
            ("order_waiting", Coalesce(Sum("waiting", filter=Q(clock=ClockKind.ORDER)), 0)),
            ("verify_waiting", Coalesce(Sum("waiting", filter=Q(clock=ClockKind.VERIFY)), 0)),
        ),
    ),
    Roll(
        ClockRoll,
        HazardDay,
        ("n",),
        dims=("clock", "due_day"),
        where=Q(waiting__gt=0),
        source=(("n", "waiting"), ("due_day", Coalesce("clock_day", Value(NO_DEADLINE)))),
    ),
    Roll(
        OpenRoll,
        HazardDay,
        ("n",),
        dims=("due_day",),
        where=Q(open__gt=0),
        source=(("n", "open"), ("due_day", Coalesce("due_day", Value(NO_DEADLINE)))),
    ),
    Roll(SectorRoll, HazardDay, ("found",), dims=("sector_code",), parents_only=True),
    Roll(CategoryRoll, HazardDay, ("found",), dims=("category",), parents_only=True),
    Roll(RectifiedRoll, RectifiedDay, ("n",), months=False, parents_only=True),
    Roll(InspectionRoll, InspectionDay, tuple(MODES)),
    Roll(DocumentRoll, DocumentDay, ("n",)),
    Roll(UnitLastRoll, UnitLastDay, ("n",), dims=("is_self",), campaign=False),
)
ROLLUPS = (*(r.model for r in ROLLS), UnitRoll)


def key_length(child_prefixes, parent_prefix: str) -> int:
    """The depth a region's rows are counted at: its children's longest prefix (its own
    prefix's length when it has none). The statistics and the answers ahead (ahead.py) ask
    the roll-ups at this depth."""
    return max((len(p) for p in child_prefixes), default=len(parent_prefix))


_STATE = Prepared(lambda pk: StatsRefresh.objects.filter(pk=pk))


def state() -> StatsRefresh | None:
    """The refresh's one row (read on every statistics request: its SQL compiled once)."""
    rows = _STATE(1)
    return rows[0] if rows else None


def _insert_picked(model, picked: list[tuple[str, object]], qs) -> None:
    """INSERT INTO model's table (columns) SELECT … FROM (qs): each picked pair is (column,
    the subquery's column name) or (column, `Value(constant)`)."""
    sql, params = qs.query.sql_with_params()
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c, _src in picked)
    parts, constants = [], []
    for _c, src in picked:
        if isinstance(src, Value):
            parts.append("%s")
            constants.append(src.value)
        else:
            parts.append(f"sub.{quote(src)}")
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        # Identifiers are our own models' quoted names; values are params.
        insert = f"INSERT INTO {table} ({cols}) SELECT {', '.join(parts)} FROM ({sql}) sub"  # noqa: S608
        cursor.execute(insert, [*constants, *params])


def _by_day(keys) -> dict[dt.date, list[str]]:
    out: dict[dt.date, set[str]] = {}
    for prefix, day in keys:
        out.setdefault(day, set()).add(prefix)
    return {d: sorted(p) for d, p in out.items()}


def _keys_q(keys, prefix_field: str, day_field: str = "day", *, under: int | None = None) -> Q:
    """Exactly the (prefix, day) keys: one term per day or one per prefix, whichever is fewer
    (a day's changes touch many days of few prefixes at the top, few days of many below).

    With `under=depth`, the source rows of the keys of that depth instead: those whose
    `prefix_field` cut to the depth is the prefix, written so that an index serves it — the
    field begins with a full-length prefix (LIKE 'p%'), or is a shorter one (a code shorter
    than the depth is its own key)."""
    if not keys:
        return Q(pk__in=[])

    def one(prefix: str) -> Q:
        if under is not None and len(prefix) >= under:
            return Q(**{f"{prefix_field}__startswith": prefix})
        return Q(**{prefix_field: prefix})

    def some(prefixes: list[str]) -> Q:
        if under is None:
            return Q(**{f"{prefix_field}__in": prefixes})
        return reduce(or_, map(one, prefixes))

    by_day = _by_day(keys)
    by_prefix: dict[str, set[dt.date]] = {}
    for prefix, day in keys:
        by_prefix.setdefault(prefix, set()).add(day)
    if len(by_prefix) < len(by_day):
        return reduce(
            or_,
            [one(p) & Q(**{f"{day_field}__in": sorted(d)}) for p, d in sorted(by_prefix.items())],
        )
    return reduce(or_, [Q(**{day_field: d}) & some(p) for d, p in by_day.items()])


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _roll_depth(roll: Roll, depth: int, finer: int | None, keys) -> None:
    """The day rows of one depth: from the base table (the finest depth) or from the day rows
    of the next finer depth; `keys` the (prefix, day) rows to rebuild (None: all)."""
    sums = {name: Sum(name) for name in roll.counts}
    if finer is None:
        source = dict(roll.source)
        qs = roll.base.objects.all()
        if roll.where is not None:
            qs = qs.filter(roll.where)
        qs = qs.annotate(
            roll_prefix=Substr("region_code", 1, depth),
            **{f"roll_{k}": v for k, v in source.items() if k in roll.dims},
        )
        dims = [f"roll_{d}" if d in source else d for d in roll.dims]
        sums = {
            name: source[name]
            if getattr(source.get(name), "contains_aggregate", False)
            else Sum(source.get(name, name))
            for name in roll.counts
        }
        variants = [(Value(0), {})]
        if roll.campaign:
            variants.append(("campaign_id", {"campaign_id__isnull": False}))
    else:
        qs = roll.model.objects.filter(depth=finer, month=False).annotate(
            roll_prefix=Substr("prefix", 1, depth)
        )
        dims = list(roll.dims)
        variants = [("campaign_id", {})]
    if keys is not None:
        source = "region_code" if finer is None else "prefix"
        qs = qs.filter(_keys_q(keys, source, under=depth))
    for campaign, where in variants:
        group = ["roll_prefix", "day", *dims]
        if not isinstance(campaign, Value):
            group.append(campaign)
        picked = [
            ("depth", Value(depth)),
            ("prefix", "roll_prefix"),
            ("month", Value(False)),
            ("day", "day"),
            ("campaign_id", campaign),
            *zip(roll.dims, dims, strict=True),
            *[(c, c) for c in roll.counts],
        ]
        _insert_picked(
            roll.model, picked, qs.filter(**where).values(*group).annotate(**sums).order_by()
        )


def _roll_months(roll: Roll, depth: int, keys) -> None:
    """The month rows of one depth from its day rows; `keys` (prefix, first of month)."""
    qs = roll.model.objects.filter(depth=depth, month=False)
    if keys is not None:
        if not keys:
            return
        by_month: dict[dt.date, set[str]] = {}
        for prefix, first in keys:
            by_month.setdefault(first, set()).add(prefix)
        qs = qs.filter(
            reduce(
                or_,
                [
                    Q(day__gte=m, day__lt=_next_month(m), prefix__in=sorted(p))
                    for m, p in by_month.items()
                ],
            )
        )
    picked = [
        ("depth", Value(depth)),
        ("prefix", "prefix"),
        ("month", Value(True)),
        ("day", "roll_month"),
        ("campaign_id", "campaign_id"),
        *[(d, d) for d in roll.dims],
        *[(c, c) for c in roll.counts],
    ]
    _insert_picked(
        roll.model,
        picked,
        qs.annotate(roll_month=TruncMonth("day"))
        .values("prefix", "roll_month", "campaign_id", *roll.dims)
        .annotate(**{c: Sum(c) for c in roll.counts})
        .order_by(),
    )


def rebuild_roll(roll: Roll, levels: list[int], buckets) -> None:
    """Bring one roll-up up to date with its base table's (region code, day) buckets
    (None: all)."""
    if buckets is not None and not buckets:
        return
    finer = None
    for depth in sorted(roll.levels(levels), reverse=True):
        rows = roll.model.objects.filter(depth=depth)
        if buckets is None:
            rows.delete()
            _roll_depth(roll, depth, finer, None)
            if roll.months:
                _roll_months(roll, depth, None)
        else:
            keys = {(code[:depth], day) for code, day in buckets}
            rows.filter(_keys_q(keys, "prefix"), month=False).delete()
            _roll_depth(roll, depth, finer, keys)
            if roll.months:
                months = {(p, _month_start(d)) for p, d in keys}
                by_month: dict[dt.date, set[str]] = {}
                for p, m in months:
                    by_month.setdefault(m, set()).add(p)
                rows.filter(
                    reduce(or_, [Q(day=m, prefix__in=sorted(p)) for m, p in by_month.items()]),
                    month=True,
                ).delete()
                _roll_months(roll, depth, months)
        finer = depth


def rebuild_unit_roll(levels: list[int]) -> None:
    UnitRoll.objects.all().delete()
    columns = ["n", "lapsed_units", "lapsed"]
    for depth in levels:
        _insert_picked(
            UnitRoll,
            [
                ("depth", Value(depth)),
                ("prefix", "roll_prefix"),
                ("sector", "sector"),
                *[(c, c) for c in columns],
            ],
            UnitCount.objects.annotate(roll_prefix=Substr("region", 1, depth))
            .values("roll_prefix", "sector")
            .annotate(**{c: Sum(c) for c in columns})
            .order_by(),
        )


def period_ranges(start: dt.date, end: dt.date) -> list[tuple[bool, dt.date, dt.date]]:
    """The roll-up rows of the days start … end as three (month rows?, from, before) ranges:
    the whole months inside from month rows, the days before and after them from day rows
    (without a whole month, the day rows of the whole period). Always three, some of them
    empty (from == before), so that SQL built once can take them (together.py)."""
    first = start if start.day == 1 else _next_month(start)
    after = end + dt.timedelta(days=1)
    stop = after if after.day == 1 else _month_start(end)  # the day after the last whole month
    if first >= stop:
        return [(True, start, start), (False, start, start), (False, start, after)]
    return [(True, first, stop), (False, start, first), (False, stop, after)]


def period_q(start: dt.date, end: dt.date, months: bool = True) -> Q:
    """Roll-up rows of the days start … end: the whole months inside from month rows, the days
    before and after them from day rows (`period_ranges`); `months=False`: day rows only."""
    if not months:
        return Q(month=False, day__gte=start, day__lte=end)
    return reduce(
        or_,
        (
            Q(month=month, day__gte=lo, day__lt=hi)
            for month, lo, hi in period_ranges(start, end)
            if lo < hi
        ),
    )


def rolls_answer(scope, parent, depth: int, row: StatsRefresh | None = None, model=None) -> bool:
    """Whether the roll-ups (or the roll-up `model`) can answer for the region `parent` at this
    depth: they count every record, so the scope must cover the whole region, and they must
    have been built with that depth."""
    if scope.unit_ids or not scope.covers_region(parent.code):
        return False
    row = row or state()
    if row is None or not row.depths:
        return False
    built = [int(d) for d in row.depths.split(",")]
    for roll in ROLLS:
        if roll.model is model:
            built = roll.levels(built)
    return depth in built


def roll_rows(model, parent, depth: int, start, end, tree=None, *, prefix=None, months=True):
    """Rows of a roll-up at `depth` under the region `parent` (or exactly at `prefix`) in the
    period, of every record (`tree` None) or of the campaign ids in `tree`."""
    qs = model.objects.filter(depth=depth)
    if prefix is not None:
        qs = qs.filter(prefix=prefix)
    else:
        qs = qs.filter(subtree_filter("prefix", parent.prefix))
    qs = qs.filter(campaign_id=0) if tree is None else qs.filter(campaign_id__in=tree)
    if start is not None:
        qs = qs.filter(period_q(start, end, months))
    return qs
