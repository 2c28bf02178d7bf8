"""Maintained aggregates behind the statistics (docs/campaigns.md, "Aggregates").

`HazardDay`, `RectifiedDay`, `InspectionDay` and `DocumentDay` hold additive counts per record
region code × local day × campaign (× sector, category, deadline day / mode). `refresh` rebuilds
only the (region code, day) buckets touched since the last refresh, with one `INSERT … SELECT …
GROUP BY` per table over the source rows of those buckets (the same SQL on SQLite and
PostgreSQL, compiled by the ORM); `refresh(full=True)` rebuilds everything. Both are
idempotent: a bucket is deleted and recomputed from the source rows, so running twice leaves
the same rows.

What counts as touched (source rows are append-only except hazards):
- hazards: a new hazard (id above the last mark) or a hazard with a new `HazardEvent` — every
  change of a hazard's state, deadline or rung writes one (hazards/workflow.py, the ladder);
- inspections and enforcement documents: new rows (id above the last mark); their counted
  fields are never edited (an amendment changes answers, not mode, unit, time or campaign).
A writer that took an id before the last refresh and committed after it would be missed by a
plain "id above the mark", so every refresh records the ids among the last `OVERLAP` below each
mark that did not exist (`StatsRefresh.gaps`) and the next one looks again at those only: with
nothing new, nothing is rewritten.

The roll-ups (`ROLLS`, models.py "Roll-ups"; their machinery in rollups.py) sum the base tables
per region prefix at each depth (the loaded regions' prefix lengths) × day and month × campaign
(0: all), for the dashboards' questions; each refresh rebuilds the (prefix, day) rows of the
touched buckets, finest depth first, and their months.

`refresh_once(now)` is the sweep step (settings.SWEEP_STEPS); `manage.py refresh_stats` runs it
by hand (`--full` to rebuild). `ensure_fresh` is called on read: when the aggregates were never
built or are older than `settings.STATS_MAX_AGE_SECONDS` (default 300 s), the reader refreshes
them first. A refresh that changed anything gives `StatsRefresh.generation` a new random token:
what the statistics keep between refreshes (kept.py) is keyed by it, and the refresh records
the token before it and the region codes it rebuilt (`previous`, `touched`: ahead.py carries
the answers of the other regions forward).
"""

import datetime as dt
import hashlib
import time
import uuid
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from hazardloop.campaigns.sources import inspection_fields, inspections
from hazardloop.hazards.choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    ClockKind,
    Grade,
    SupervisionLevel,
)
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.regions.models import Region
from hazardloop.reports import duty_counts
from hazardloop.reports.models import (
    DocumentDay,
    HazardDay,
    InspectionDay,
    RectifiedDay,
    StatsRefresh,
    UnitCount,
    UnitLast,
    UnitLastDay,
    UnitRoll,
)
from hazardloop.reports.rollups import (
    HAZARD_COUNTS,
    MODES,
    ROLLS,
    ROLLUPS,
    rebuild_roll,
    rebuild_unit_roll,
    state,
)
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.units.models import Unit

OVERLAP = 200
UNIT_LAG = dt.timedelta(minutes=5)
UNIT_ATTRIBUTES = [
    "region", "sector", "gas_use", "risk_level",
    "is_crowded_place", "is_public_gathering", "is_fire_key_unit",
]  # fmt: skip
UNIT_ATTRIBUTES_SOURCE = ["region_id", "sector_id", *UNIT_ATTRIBUTES[2:]]
HAZARD_KEY = [
    "region_code", "day", "campaign_id", "sector_code", "category", "due_day", "clock",
    "clock_day",
]  # fmt: skip
REGULATOR = Q(status__in=OPEN_STATUSES, clock__in=[ClockKind.ORDER, ClockKind.VERIFY])
LISTED = (SupervisionLevel.LISTED, SupervisionLevel.ACCOUNTABILITY)


TABLES = (HazardDay, RectifiedDay, InspectionDay, DocumentDay, UnitLast, UnitLastDay, UnitCount)


def _tz():
    return timezone.get_default_timezone()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = _tz()
    lo = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    return lo, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)


def _buckets_q(buckets, region_field: str, time_field: str) -> Q | None:
    """Source rows of the (region code, day) buckets; None: all rows (full rebuild)."""
    if buckets is None:
        return None
    by_day: dict[dt.date, set[str]] = {}
    for code, day in buckets:
        by_day.setdefault(day, set()).add(code)
    if not by_day:
        return Q(pk__in=[])
    parts = []
    for day, codes in by_day.items():
        lo, hi = day_bounds(day)
        parts.append(
            Q(
                **{
                    f"{region_field}__in": sorted(codes),
                    f"{time_field}__gte": lo,
                    f"{time_field}__lt": hi,
                }
            )
        )
    return reduce(or_, parts)


def _delete(model, buckets, day_field="day") -> None:
    if buckets is None:
        model.objects.all().delete()
        return
    by_day: dict[dt.date, set[str]] = {}
    for code, day in buckets:
        by_day.setdefault(day, set()).add(code)
    for day, codes in by_day.items():
        model.objects.filter(**{day_field: day, "region_code__in": sorted(codes)}).delete()


def _insert(model, columns: list[str], qs, select: list[str] | None = None) -> None:
    """INSERT INTO model's table (columns) SELECT columns FROM (qs) — one statement."""
    sql, params = qs.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    picked = ", ".join(quote(c) for c in (select or columns))
    with connection.cursor() as cursor:
        # Table and column names are quoted identifiers of our own models; values are params.
        insert = f"INSERT INTO {table} ({cols}) SELECT {picked} FROM ({sql}) sub"  # noqa: S608
        cursor.execute(insert, params)


def depths() -> list[int]:
    """The roll-ups' depths: the prefix lengths of the loaded regions."""
    return sorted({len(p) for p in Region.objects.values_list("prefix", flat=True).distinct()})


def _rectified_keys(buckets) -> set[tuple[str, dt.date]]:
    """The (region code, rectified day) buckets of the `RectifiedDay` rows of these found
    buckets."""
    if not buckets:
        return set()
    by_day: dict[dt.date, set[str]] = {}
    for code, day in buckets:
        by_day.setdefault(day, set()).add(code)
    where = reduce(or_, [Q(found_day=d, region_code__in=sorted(c)) for d, c in by_day.items()])
    return set(RectifiedDay.objects.filter(where).values_list("region_code", "day").distinct())


def _rebuild_hazards(buckets) -> set | None:
    """Rebuild the hazard buckets; returns the (region code, day) buckets of `RectifiedDay`
    whose rows changed (None: all)."""
    if buckets is not None and not buckets:
        return set()
    rectified = None if buckets is None else _rectified_keys(buckets)
    tz = _tz()
    qs = Hazard.objects.all()
    where = _buckets_q(buckets, "region_code", "found_at")
    if where is not None:
        qs = qs.filter(where)
    done = Q(status__in=DONE_STATUSES)
    rectified_at = Coalesce("verified_at", "closed_at")
    _delete(HazardDay, buckets)
    source_key = [k if k != "clock" else "stats_clock" for k in HAZARD_KEY]
    _insert(
        HazardDay,
        HAZARD_KEY + HAZARD_COUNTS,
        qs.annotate(
            day=TruncDate("found_at", tzinfo=tz),
            due_day=Case(
                When(status__in=OPEN_STATUSES, then=TruncDate("due_at", tzinfo=tz)), default=None
            ),
            clock_day=Case(
                When(REGULATOR, then=TruncDate("clock_due_at", tzinfo=tz)), default=None
            ),
            stats_clock=Case(When(REGULATOR, then=F("clock")), default=Value("")),
            rectified_at=rectified_at,
            deadline=Coalesce("original_due_at", "due_at"),
        )
        .values(*source_key)
        .annotate(
            found=Count("pk"),
            major=Count("pk", filter=Q(grade=Grade.MAJOR)),
            rectified=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(rectified_at__lte=F("deadline"))),
            listed=Count("pk", filter=Q(grade=Grade.MAJOR, supervision_level__in=LISTED)),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            waiting=Count("pk", filter=REGULATOR),
        )
        .order_by(),
        select=source_key + HAZARD_COUNTS,
    )
    _delete(RectifiedDay, buckets, day_field="found_day")
    _insert(
        RectifiedDay,
        ["region_code", "day", "found_day", "campaign_id", "n"],
        qs.filter(done)
        .annotate(
            day=TruncDate(rectified_at, tzinfo=tz), found_day=TruncDate("found_at", tzinfo=tz)
        )
        .filter(day__isnull=False)
        .values("region_code", "day", "found_day", "campaign_id")
        .annotate(n=Count("pk"))
        .order_by(),
    )
    if rectified is not None:
        rectified |= _rectified_keys(buckets)
    return rectified


def _rebuild_inspections(buckets) -> None:
    if buckets is not None and not buckets:
        return
    fields, qs = inspection_fields(), inspections()
    if qs is None:
        return
    where = _buckets_q(buckets, fields["region"], fields["at"])
    if where is not None:
        qs = qs.filter(where)
    _delete(InspectionDay, buckets)
    modes = {m: Count("pk", filter=Q(mode=m)) for m in MODES}
    _insert(
        InspectionDay,
        ["region_code", "day", "campaign_id", *MODES],
        qs.annotate(day=TruncDate(fields["at"], tzinfo=_tz()))
        .values("region_code", "day", "campaign_id")
        .annotate(**modes)
        .order_by(),
    )


def _rebuild_unit_last(units) -> set | None:
    """`UnitLast` of these unit ids (None: all); returns the (region code, day) buckets of
    `UnitLastDay` rebuilt (None: all)."""
    if units is not None and not units:
        return set()
    fields, qs = inspection_fields(), inspections()
    if qs is None or not fields.get("mode"):
        return set()
    at, tz = fields["at"], _tz()
    old = UnitLast.objects.all()
    if units is not None:
        qs, old = qs.filter(unit_id__in=units), old.filter(unit_id__in=units)
    days = _last_days(old)
    old.delete()
    own = ~Q(mode="self_inspection")
    _insert(
        UnitLast,
        ["unit_id", "region_code", "last_own", "last_self"],
        qs.values("unit_id", "region_code")
        .annotate(
            last_own=TruncDate(Max(at, filter=own), tzinfo=tz),
            last_self=TruncDate(Max(at, filter=Q(mode="self_inspection")), tzinfo=tz),
        )
        .order_by(),
    )
    rows = UnitLast.objects.all() if units is None else UnitLast.objects.filter(unit_id__in=units)
    split = rows.values("unit_id").annotate(c=Count("pk")).filter(c__gt=1).values_list("unit_id")
    UnitLast.objects.filter(unit_id__in=[u for (u,) in split]).update(split=True)
    if units is None:
        UnitLastDay.objects.all().delete()
        buckets = None
    else:
        buckets = days | _last_days(rows)
    _rebuild_last_days(buckets)
    return None if buckets is None else {(code, day) for code, day, _self in buckets}


def _last_days(rows) -> set[tuple[str, dt.date, bool]]:
    """The (region code, day, is_self) buckets of `UnitLastDay` these `UnitLast` rows count in."""
    out = set()
    for code, own, self_ in rows.values_list("region_code", "last_own", "last_self"):
        if own is not None:
            out.add((code, own, False))
        if self_ is not None:
            out.add((code, self_, True))
    return out


def _rebuild_last_days(buckets) -> None:
    """Recount `UnitLastDay` buckets from `UnitLast` (None: all, into an emptied table)."""
    for is_self, field in ((False, "last_own"), (True, "last_self")):
        rows = UnitLast.objects.filter(**{f"{field}__isnull": False})
        if buckets is not None:
            chosen = [(c, d) for c, d, s in buckets if s == is_self]
            if not chosen:
                continue
            by_day: dict[dt.date, set[str]] = {}
            for code, day in chosen:
                by_day.setdefault(day, set()).add(code)
            where = reduce(
                or_,
                [Q(**{field: d, "region_code__in": sorted(c)}) for d, c in by_day.items()],
            )
            rows = rows.filter(where)
            UnitLastDay.objects.filter(
                reduce(or_, [Q(day=d, region_code__in=sorted(c)) for d, c in by_day.items()]),
                is_self=is_self,
            ).delete()
        _insert(
            UnitLastDay,
            ["region_code", "day", "is_self", "n"],
            rows.annotate(day=F(field), is_self=Value(is_self))
            .values("region_code", "day", "is_self")
            .annotate(n=Count("pk"))
            .order_by(),
        )


def _recent(units_mark) -> bool:
    """Is the latest unit edit counted less than `UNIT_LAG` old? Only then may an edit stamped
    before it still commit, and only then is the fingerprint of its window compared: once the
    mark is older, it stays older, so its fingerprint is not taken (at 250,000 units edited
    at once, a bulk import, it read all of them at every refresh: 2.3 s at 5M hazards)."""
    return units_mark is not None and timezone.now() - units_mark < UNIT_LAG


def _units_recent(units_mark) -> str:
    """A fingerprint of the units edited in the `UNIT_LAG` before the latest edit counted."""
    if units_mark is None:
        return ""
    rows = Unit.objects.filter(updated_at__gt=units_mark - UNIT_LAG).order_by("pk")
    text = repr(list(rows.values_list("pk", "updated_at")))
    return hashlib.sha256(text.encode()).hexdigest()


def _units_changed(row: StatsRefresh, marks: dict) -> bool:
    """Units were added or edited since `UnitCount` was built, or (for `UNIT_LAG` after the
    latest edit it counted) an edit stamped before that one was committed late: the units
    edited in that window are not those counted. The app never deletes units; after a deletion
    by hand, run `manage.py refresh_stats --full`."""
    if row.units_mark is None:
        return True
    if marks["units_max_id"] != row.units_max_id:
        return True
    if Unit.objects.filter(updated_at__gt=row.units_mark).exists():
        return True
    return _recent(row.units_mark) and _units_recent(row.units_mark) != (row.gaps or {}).get(
        "units"
    )


def _rebuild_unit_counts() -> None:
    """Units per region and attribute, with their lapsed duties (reports/duty_counts.py)."""
    UnitCount.objects.all().delete()
    sums = duty_counts.unit_sums()
    _insert(
        UnitCount,
        [*UNIT_ATTRIBUTES, "n", *sums],
        Unit.objects.values(*UNIT_ATTRIBUTES_SOURCE).annotate(n=Count("pk"), **sums).order_by(),
        select=[*UNIT_ATTRIBUTES_SOURCE, "n", *sums],
    )


def _rebuild_documents(buckets) -> None:
    if buckets is not None and not buckets:
        return
    qs = EnforcementDocument.objects.all()
    where = _buckets_q(buckets, "region_code", "issued_at")
    if where is not None:
        qs = qs.filter(where)
    _delete(DocumentDay, buckets)
    _insert(
        DocumentDay,
        ["region_code", "day", "campaign_id", "n"],
        qs.annotate(day=TruncDate("issued_at", tzinfo=_tz()), campaign_id=F("hazard__campaign_id"))
        .values("region_code", "day", "campaign_id")
        .annotate(n=Count("pk"))
        .order_by(),
    )


def _touched(qs, region_field: str, time_field: str) -> set[tuple[str, dt.date]]:
    tz = _tz()
    return {
        (code, day)
        for code, day in qs.annotate(bucket_day=TruncDate(time_field, tzinfo=tz))
        .values_list(region_field, "bucket_day")
        .distinct()
        .order_by()
    }


def _max_id(qs) -> int:
    return qs.aggregate(m=Max("pk"))["m"] or 0


def _new_ids(qs, mark: int, gaps: list[int], field: str = "pk") -> set[int]:
    """`field` of the rows with an id above the mark or among the gaps (ids below the mark that
    did not exist at the last refresh: a writer that took one may have committed since)."""
    where = Q(pk__gt=mark)
    if gaps:
        where |= Q(pk__in=gaps)
    return set(qs.filter(where).values_list(field, flat=True))


def _gaps(qs, mark: int) -> list[int]:
    """The ids of the last `OVERLAP` below and at the mark that do not exist (yet)."""
    low = max(1, mark - OVERLAP + 1)
    if mark < low:
        return []
    seen = set(qs.filter(pk__gte=low, pk__lte=mark).values_list("pk", flat=True))
    return [i for i in range(low, mark + 1) if i not in seen]


def refresh(*, full: bool = False) -> dict:
    """Bring the aggregates up to date; returns what was done (and how long it took). Nothing
    is rewritten when nothing changed."""
    started = time.monotonic()
    wall = timezone.now()
    with transaction.atomic():
        row, _ = StatsRefresh.objects.get_or_create(pk=1)
        row = StatsRefresh.objects.select_for_update().get(pk=1)
        levels = depths()
        depth_text = ",".join(map(str, levels))
        full = full or row.refreshed_at is None or row.depths != depth_text
        source = inspections()
        fields = inspection_fields()
        sources = {
            "hazard": Hazard.objects.all(),
            "event": HazardEvent.objects.all(),
            "inspection": source,
            "document": EnforcementDocument.objects.all(),
        }
        marks = {
            f"{name}_mark": _max_id(qs) if qs is not None else 0 for name, qs in sources.items()
        }
        marks["units_max_id"] = _max_id(Unit.objects)
        units_mark = Unit.objects.aggregate(m=Max("updated_at"))["m"]
        old_gaps = row.gaps or {}
        if full:
            hazard_buckets = inspection_buckets = document_buckets = inspected_units = None
            count = -1
        else:
            gap = {name: old_gaps.get(name, []) for name in sources}
            changed = _new_ids(sources["hazard"], row.hazard_mark, gap["hazard"]) | _new_ids(
                sources["event"], row.event_mark, gap["event"], "hazard_id"
            )
            hazard_buckets = (
                _touched(Hazard.objects.filter(pk__in=sorted(changed)), "region_code", "found_at")
                if changed
                else set()
            )
            inspection_buckets, inspected_units = set(), set()
            if source is not None:
                new = _new_ids(source, row.inspection_mark, gap["inspection"])
                if new:
                    new_inspections = source.filter(pk__in=sorted(new))
                    inspection_buckets = _touched(new_inspections, fields["region"], fields["at"])
                    inspected_units = set(new_inspections.values_list("unit_id", flat=True))
            new = _new_ids(sources["document"], row.document_mark, gap["document"])
            document_buckets = (
                _touched(
                    EnforcementDocument.objects.filter(pk__in=sorted(new)),
                    "region_code",
                    "issued_at",
                )
                if new
                else set()
            )
            count = len(hazard_buckets) + len(inspection_buckets) + len(document_buckets)
        rectified = _rebuild_hazards(hazard_buckets)
        _rebuild_inspections(inspection_buckets)
        last_days = _rebuild_unit_last(inspected_units)
        _rebuild_documents(document_buckets)
        keys = {
            HazardDay: hazard_buckets,
            RectifiedDay: rectified,
            InspectionDay: inspection_buckets,
            DocumentDay: document_buckets,
            UnitLastDay: last_days,
        }
        for roll in ROLLS:
            rebuild_roll(roll, levels, keys[roll.base])
        marks["duties_mark"] = duty_counts.mark()
        units_rebuilt = (
            full or _units_changed(row, marks) or marks["duties_mark"] != row.duties_mark
        )
        unit_prefixes: set = set()
        if units_rebuilt:
            before = None if full else _unit_roll_rows()
            _rebuild_unit_counts()
            rebuild_unit_roll(levels)
            marks["units_mark"] = units_mark
            if before is not None:
                after = _unit_roll_rows()
                unit_prefixes = {
                    (key[1],)
                    for key in before.keys() | after.keys()
                    if before.get(key) != after.get(key)
                }
        else:
            marks["units_mark"] = row.units_mark
        if full and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # planner statistics of the refilled tables
                for model in TABLES + ROLLUPS:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        gaps = {
            name: _gaps(qs, marks[f"{name}_mark"]) for name, qs in sources.items() if qs is not None
        }
        gaps["units"] = _units_recent(marks["units_mark"]) if _recent(marks["units_mark"]) else ""
        seconds = time.monotonic() - started
        changed = full or count > 0 or units_rebuilt or not row.generation
        since = {}
        if changed:
            since["previous"] = row.generation
            since["touched"] = (
                None
                if full or not row.generation
                else _touched_codes(
                    hazard_buckets,
                    rectified,
                    inspection_buckets,
                    document_buckets,
                    last_days,
                    unit_prefixes,
                )
            )
        StatsRefresh.objects.filter(pk=1).update(
            generation=uuid.uuid4().hex if changed else row.generation,
            refreshed_at=wall,
            full_at=wall if full else row.full_at,
            seconds=seconds,
            buckets=max(count, 0),
            depths=depth_text,
            gaps=gaps,
            **marks,
            **since,
        )
    return {"full": full, "buckets": count, "seconds": round(seconds, 3)}


def _unit_roll_rows() -> dict:
    """`UnitRoll` as {(depth, prefix, sector): its counts}: one row per region and sector with
    units (at most 9 sectors × 989 townships at the benchmark province's finest depth),
    compared before and after the units' recount to find the regions whose units' figures
    moved. Most steps change their unit's risk (its counts of open hazards), which moves no
    row here."""
    return {
        (depth, prefix, sector): counts
        for depth, prefix, sector, *counts in UnitRoll.objects.values_list(
            "depth", "prefix", "sector", "n", "lapsed_units", "lapsed"
        )
    }


# More region codes than this in one refresh are recorded as "possibly any region".
TOUCHED_MAX = 2000


def _touched_codes(*bucket_sets) -> list[str] | None:
    """The region codes of the buckets a refresh rebuilt and the prefixes of the units' roll-up
    rows that moved (each set's keys begin with the code or prefix), sorted; None when a set is
    None (all of them) or there are more than TOUCHED_MAX."""
    codes: set[str] = set()
    for buckets in bucket_sets:
        if buckets is None:
            return None
        codes.update(key[0] for key in buckets)
        if len(codes) > TOUCHED_MAX:
            return None
    return sorted(codes)


def refresh_once(now=None) -> int:
    """The sweep step: an incremental refresh; returns the number of buckets rebuilt."""
    return max(refresh()["buckets"], 0)


def ensure_fresh() -> StatsRefresh:
    """The refresh state, refreshing first when never built or older than the allowed age."""
    row = state()
    limit = dt.timedelta(seconds=settings.STATS_MAX_AGE_SECONDS)
    if row is None or row.refreshed_at is None or timezone.now() - row.refreshed_at > limit:
        refresh()
        row = state()
    return row
