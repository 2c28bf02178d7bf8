"""The campaign and period statistics behind the dashboards, rankings, map, big screen, the API
and the scheduling report: one function, `region_stats`, one row per child region, plus a "directly
under" row for the records at the region's own code or under no loaded child region (a county
without townships loaded has only that row), so that the rows always add up to the total.

Every figure is counted inside the user's `stats.view` scope (the access module). Definitions
(also written on the dashboard and in docs/campaigns.md):

- units_in_scope: units under the region (for a campaign: matching its effective scope).
- units_inspected / coverage: units with at least one inspection in the period other than a
  self-inspection / units_in_scope.
- inspections, inspections_by_mode: inspections in the period (for a campaign: the campaign's
  own, when inspections carry a campaign, else those at units in scope).
- hazards_found / general / major: hazards found in the period (for a campaign: recorded
  against the campaign or one of its adoptions).
- rectified: of those, verified or closed; rectification_rate = rectified / hazards_found.
- on_time: rectified no later than the original deadline; on_time_rate = on_time /
  (rectified + overdue), i.e. among hazards whose deadline outcome is known.
- overdue: open with the deadline passed at `now`.
- order_lapsed / verify_lapsed: open hazards whose regulator's time limit passed at `now` — found
  and not ordered in time, submitted and not re-checked in time (`Hazard.clock`, the regulator's
  own clocks of hazards/deadlines.py; counted live on both paths, a partial index).
- majors_listed: major hazards listed for supervision (listed or accountability rung).
- enforcement_actions: enforcement documents issued in the period for those units/hazards.
- self_inspected / self_inspection_rate: units in scope with a self-inspection / units_in_scope.
- per-100-unit figures normalise counts by units in scope, so rankings are fair between large
  and small regions.
- accidents / accident_deaths / accident_serious_injuries: accidents that happened in the period
  (by `occurred_at`, whatever the campaign) and their casualties as last reported, with the same
  three for the same period a year before (`*_last_year`, 同比); `accidents_change` and
  `accident_deaths_change` in per cent (None without a year-before figure) and
  `accidents_both_down` (双下降: both fell) — the rule of `accidents/stats.py`.
- units_with_lapsed_duties / lapsed_duties / lapsed_duty_rate: units (in scope; for a campaign,
  in its scope) with duties lapsed in the last DUTY_LAPSED_DAYS days as of the obligations
  sweep's last recount, their lapsed duties, and the share of units (reports/duty_counts.py).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from hazardloop.campaigns.models import Campaign
from hazardloop.campaigns.scoping import effective_scope
from hazardloop.campaigns.sources import inspection_fields, inspections
from hazardloop.core.prepared import Prepared
from hazardloop.hazards.choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    ClockKind,
    Grade,
    SupervisionLevel,
)
from hazardloop.hazards.models import Hazard
from hazardloop.regions.models import Region, subtree_filter
from hazardloop.reports import accident_counts, aggregates, ahead, duty_counts, kept, rollups
from hazardloop.reports.models import (
    ClockRoll,
    DocumentDay,
    DocumentRoll,
    HazardDay,
    HazardRoll,
    InspectionDay,
    InspectionRoll,
    OpenRoll,
    UnitCount,
    UnitLast,
    UnitLastDay,
    UnitLastRoll,
    UnitRoll,
)
from hazardloop.reports.ranking import rank_rows
from hazardloop.reports.together import count_now
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.units.models import Unit

COUNTS = (
    "units_in_scope",
    "units_inspected",
    "inspections",
    "leader_led",
    "unannounced",
    "hazards_found",
    "general",
    "major",
    "rectified",
    "on_time",
    "overdue",
    "order_lapsed",
    "verify_lapsed",
    "majors_listed",
    "enforcement_actions",
    "self_inspected",
    *accident_counts.COUNTS,
    *duty_counts.COUNTS,
)
LISTED = (SupervisionLevel.LISTED, SupervisionLevel.ACCOUNTABILITY)


def ratio(part, whole, scale=100):
    if not whole:
        return None
    return round(part * scale / whole, 1)


@dataclass
class Row:
    code: str
    name: str
    level: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    by_mode: dict = field(default_factory=dict)
    rank: int | None = None
    # The "directly under" row: the parent's own records, never ranked nor drilled into.
    own: bool = False

    def is_empty(self) -> bool:
        return not any(self.counts.values()) and not any(self.by_mode.values())

    @property
    def rates(self) -> dict:
        c = self.counts
        return {
            "coverage": ratio(c["units_inspected"], c["units_in_scope"]),
            "rectification_rate": ratio(c["rectified"], c["hazards_found"]),
            "on_time_rate": ratio(c["on_time"], c["rectified"] + c["overdue"]),
            "self_inspection_rate": ratio(c["self_inspected"], c["units_in_scope"]),
            "overdue_per_100_units": ratio(c["overdue"], c["units_in_scope"]),
            "hazards_per_100_units": ratio(c["hazards_found"], c["units_in_scope"]),
            "hazards_per_inspection": ratio(c["hazards_found"], c["inspections"], 1),
            "training_coverage": None,  # no training records are kept yet
            **accident_counts.rates(c),
            **duty_counts.rates(c),
        }

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            **self.counts,
            "inspections_by_mode": dict(sorted(self.by_mode.items())),
            **self.rates,
            "rank": self.rank,
            "own": self.own,
        }


@dataclass
class Stats:
    parent: Region
    campaign: Campaign | None
    start: dt.date
    end: dt.date
    now: dt.datetime
    rows: list[Row]
    total: Row
    indicator: str
    as_of: dt.datetime | None = None  # when the aggregates were refreshed; None: live
    fresh: object = None  # the aggregates' refresh state read (StatsRefresh); None: live

    def row_dicts(self) -> list[dict]:
        return [r.as_dict() for r in self.rows]

    @property
    def child_rows(self) -> list[Row]:
        """The rows of child regions (without the "directly under" row)."""
        return [r for r in self.rows if not r.own]


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    return lo, hi


def default_period(campaign: Campaign | None, now) -> tuple[dt.date, dt.date]:
    today = timezone.localdate(now)
    if campaign is not None:
        return campaign.starts_on, min(
            campaign.ends_on, today
        ) if campaign.starts_on <= today else campaign.ends_on
    return today - dt.timedelta(days=29), today


def campaign_tree_ids(campaign: Campaign) -> list[int]:
    """The campaign, the campaigns it adopted, and its own adoptions (all one campaign)."""
    return list(
        Campaign.objects.filter(
            Q(pk=campaign.root_id) | Q(root_id_value=campaign.root_id)
        ).values_list("pk", flat=True)
    )


_CHILDREN = Prepared(lambda code: Region.objects.filter(parent_id=code).order_by("code"))


def children_of(parent: Region) -> list[Region]:
    """The region's children in code order (on every statistics request: compiled once)."""
    return _CHILDREN(parent.code)


def region_stats(
    scope,
    parent: Region,
    *,
    campaign: Campaign | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
    indicator: str = "coverage",
    live: bool | None = None,
) -> Stats:
    """One row per child region of `parent`, counted inside `scope` (a `Scope` for stats.view).

    Read from the maintained aggregates (`aggregates.py`) when the scope is regions; computed
    from the source rows (`live=True`: the reference, and the path for a scope of units).
    The caller has checked that the user may look at `parent` (see `dashboard_views`).
    """
    now = now or timezone.now()
    if start is None or end is None:
        d_start, d_end = default_period(campaign, now)
        start, end = start or d_start, end or d_end
    if live is None:
        live = not uses_aggregates(scope)
    fresh = None if live else aggregates.ensure_fresh()
    as_of = fresh.refreshed_at if fresh else None
    q = _Query(scope, parent, campaign, start, end, now)
    q.rolled = not live and rollups.rolls_answer(scope, parent, q.length, fresh)
    if live:
        _count_units_live(q)
        _count_inspections_live(q)
        _count_hazards_live(q)
        _count_documents_live(q)
        _add_clock_lapses(q)
    else:
        units_live = _count_from_aggregates(q, fresh)
        if campaign is not None:
            _count_inspections_live(q)
        elif units_live:
            _count_units_inspected_live(q)
        if q.rolled and campaign is None:  # the usual dashboard: one statement (together.py)
            count_now(q, period_bounds)  # with the accidents
        else:
            _count_hazards_now(q)
            if not q.rolled:  # the roll-ups count them with the hazards
                _add_clock_lapses(q)
    if live or not (q.rolled and campaign is None):
        accident_counts.count(q, period_bounds)
    ordered = list(q.rows.values())
    if not ordered or not q.own.is_empty():
        ordered.append(q.own)
    rank_rows(ordered, indicator)
    total = Row(parent.code, parent.name, parent.level)
    for row in ordered:
        for name in COUNTS:
            total.counts[name] += row.counts[name]
        for m, n in row.by_mode.items():
            total.by_mode[m] = total.by_mode.get(m, 0) + n
    return Stats(parent, campaign, start, end, now, ordered, total, indicator, as_of, fresh)


def _count_from_aggregates(q: "_Query", fresh) -> bool:
    """Every figure read from the aggregates, kept between refreshes (kept.py) under the scope,
    the region and its children, the campaign, the period and today (what "due today or later"
    is read against); returns whether the units inspected must be counted live."""
    today = timezone.localdate(q.now)
    parts = (
        q.parent.code,
        q.length,
        tuple(sorted(q.rows)),
        tuple(sorted(q.tree)) if q.tree is not None else None,
        str(q.unit_scope.unit_q(prefix="")) if q.unit_scope is not None else None,
        q.start,
        q.end,
        today,
        q.rolled,
    )

    def compute():
        if q.rolled and q.campaign is None:
            return _count_together(q, today, fresh)
        _count_units(q)
        units_live = q.campaign is None and _count_inspections(q)
        _count_hazards(q)
        _count_documents(q)
        return q.snapshot(), units_live

    counted, units_live = kept.kept("region_rows", fresh, q.scope, parts, compute)
    q.restore(counted)
    return units_live


def _count_together(q: "_Query", today, fresh) -> tuple[dict, bool]:
    """What `_count_units`, `_count_inspections`, `_count_hazards` and `_count_documents` count
    from the roll-ups, in one statement (together.py), or from its answer stored by the sweep
    (ahead.py): the usual dashboard, without a campaign."""
    found = ahead.rows(fresh, q.parent, q.length, q.start, q.end, today)
    probes = next(r for r in found if r[0] == "x")
    units_live = bool(probes[2] or probes[3])  # an inspection after the period; a unit split
    for tag, key, *n in found:
        if tag == "u":
            q.add(key, "units_in_scope", n[0])
            duty_counts.add(q, key, {"lapsed_units": n[1], "lapsed": n[2]})
        elif tag == "i":
            _add_modes(q, key, dict(zip(rollups.MODES, n, strict=False)))
        elif tag == "l" and not units_live:
            q.add(key, "self_inspected" if n[0] else "units_inspected", n[1])
        elif tag == "h":
            _add_hazards(q, key, *n[:6])
            q.add(key, "order_lapsed", n[6])
            q.add(key, "verify_lapsed", n[7])
        elif tag == "o":
            q.add(key, "overdue", -(n[0] or 0))
        elif tag == "c":
            q.add(key, "order_lapsed", -(n[0] or 0))
            q.add(key, "verify_lapsed", -(n[1] or 0))
        elif tag == "d":
            q.add(key, "enforcement_actions", n[0])
    return q.snapshot(), units_live


def uses_aggregates(scope) -> bool:
    """Aggregates are kept per region code: a scope of single units is counted live."""
    return not scope.unit_ids


class _Query:
    def __init__(self, scope, parent, campaign, start, end, now):
        self.scope, self.parent, self.campaign, self.now = scope, parent, campaign, now
        self.start, self.end = start, end
        self.lo, self.hi = period_bounds(start, end)
        children = children_of(parent)
        self.length = rollups.key_length([c.prefix for c in children], parent.prefix)
        self.rows = {c.prefix: Row(c.code, c.name, c.level) for c in children}
        self.own = Row(parent.code, parent.own_label, parent.level, own=True)
        self._prefix_lengths = sorted({len(p) for p in self.rows}, reverse=True)
        self.inside = subtree_filter("region_code", parent.prefix)
        self.unit_scope = effective_scope(campaign) if campaign is not None else None
        self.tree = campaign_tree_ids(campaign) if campaign is not None else None
        self.rolled = False  # read the roll-ups (the scope covers the whole parent)

    def row_for(self, key: str) -> Row:
        """The child row whose region contains the code (prefix) `key`, else the own row."""
        for n in self._prefix_lengths:
            row = self.rows.get(key[:n])
            if row is not None:
                return row
        return self.own

    def snapshot(self) -> dict:
        """The rows' counts so far, by child prefix (None: the "directly under" row)."""
        rows = [(p, r) for p, r in self.rows.items()] + [(None, self.own)]
        return {p: (dict(r.counts), dict(r.by_mode)) for p, r in rows}

    def restore(self, counted: dict) -> None:
        """Set the rows' counts to a `snapshot` (of a query with the same children)."""
        for p, (counts, by_mode) in counted.items():
            row = self.own if p is None else self.rows[p]
            row.counts, row.by_mode = dict(counts), dict(by_mode)

    def add(self, key, name, value):
        self.row_for(key).counts[name] += value or 0

    def keyed(self, qs, field="region_code"):
        return qs.annotate(key=Substr(field, 1, self.length)).values("key")

    def rolled_rows(self, model, months=True):
        """Rows of a roll-up at the children's depth under the parent, in the period, keyed
        by `key` (the prefix) as `keyed` keys the records."""
        qs = rollups.roll_rows(
            model, self.parent, self.length, self.start, self.end, self.tree, months=months
        )
        return qs.annotate(key=F("prefix")).values("key")

    def aggregate_rows(self, model):
        """Rows of an aggregate table under the parent, inside the scope and the period."""
        qs = self.scope.filter(model.objects.filter(self.inside), "region_code", None)
        qs = qs.filter(day__gte=self.start, day__lte=self.end)
        if self.tree is not None:
            qs = qs.filter(campaign_id__in=self.tree)
        return qs


def _count_units(q: _Query) -> None:
    """From `UnitRoll`, or for a campaign from `UnitCount` (per region and the attributes a
    campaign scope filters on); with the units with lapsed duties (reports/duty_counts.py)."""
    sums = {"n": Sum("n"), **duty_counts.roll_sums()}
    if q.rolled and q.unit_scope is None:
        rows = UnitRoll.objects.filter(subtree_filter("prefix", q.parent.prefix), depth=q.length)
        rows = rows.values("prefix").annotate(**sums).values("prefix", *sums)
        for row in rows:
            q.add(row["prefix"], "units_in_scope", row["n"])
            duty_counts.add(q, row["prefix"], row)
        return
    counts = q.scope.filter(
        UnitCount.objects.filter(subtree_filter("region", q.parent.prefix)), "region", None
    )
    if q.unit_scope is not None:
        counts = counts.filter(q.unit_scope.unit_q(prefix=""))
    for row in q.keyed(counts, "region").annotate(**sums).values("key", *sums):
        q.add(row["key"], "units_in_scope", row["n"])
        duty_counts.add(q, row["key"], row)


def _count_units_live(q: _Query) -> None:
    units = q.scope.filter(
        Unit.objects.filter(subtree_filter("region", q.parent.prefix)), "region", "pk"
    )
    if q.unit_scope is not None:
        units = units.filter(q.unit_scope.unit_q(prefix=""))
    sums = {"n": Count("pk"), **duty_counts.unit_sums()}
    for row in q.keyed(units, "region_id").annotate(**sums).values("key", *sums):
        q.add(row["key"], "units_in_scope", row["n"])
        duty_counts.add(q, row["key"], row)


def _inspections(q: _Query):
    """The period's inspections under the parent inside the scope (None: no inspections app)."""
    fields = inspection_fields()
    qs = inspections()
    if qs is None:
        return None, fields
    region_field = fields["region"]
    qs = q.scope.filter(
        qs.filter(subtree_filter(region_field, q.parent.prefix)), region_field, "unit"
    )
    qs = qs.filter(**{f"{fields['at']}__gte": q.lo, f"{fields['at']}__lt": q.hi})
    if q.campaign is not None:
        if fields.get("campaign"):
            own = Q(**{f"{fields['campaign']}__in": q.tree})
            qs = qs.filter(own | (Q(mode="self_inspection") & q.unit_scope.unit_q()))
        else:
            qs = qs.filter(q.unit_scope.unit_q())
    return qs, fields


def _add_modes(q: _Query, key, counts: dict) -> None:
    row = q.row_for(key)
    for m, n in counts.items():
        if not n:
            continue
        row.by_mode[m] = row.by_mode.get(m, 0) + n
        if m != "self_inspection":
            row.counts["inspections"] += n
    row.counts["leader_led"] += counts.get("leader_led", 0)
    row.counts["unannounced"] += counts.get("unannounced", 0)


def _count_inspections_live(q: _Query) -> None:
    qs, fields = _inspections(q)
    if qs is None:
        return
    keyed = q.keyed(qs, fields["region"])
    mode = fields.get("mode")
    if not mode:
        for key, n, inspected in keyed.annotate(
            n=Count("pk"), inspected=Count("unit_id", distinct=True)
        ).values_list("key", "n", "inspected"):
            q.add(key, "inspections", n)
            q.add(key, "units_inspected", inspected)
        return
    # One scan: per mode counts and both distinct-unit counts together.
    modes = [v for v, _label in qs.model._meta.get_field(mode).choices]
    aggregates_ = {f"m_{m}": Count("pk", filter=Q(**{mode: m})) for m in modes}
    aggregates_["inspected"] = Count(
        "unit_id", distinct=True, filter=~Q(**{mode: "self_inspection"})
    )
    aggregates_["self_inspected"] = Count(
        "unit_id", distinct=True, filter=Q(**{mode: "self_inspection"})
    )
    for found in keyed.annotate(**aggregates_).order_by():
        _add_modes(q, found["key"], {m: found[f"m_{m}"] for m in modes})
        q.add(found["key"], "units_inspected", found["inspected"])
        q.add(found["key"], "self_inspected", found["self_inspected"])


def _count_inspections(q: _Query) -> bool:
    """Per mode from `InspectionDay`. Distinct units are not additive over days: from
    `UnitLastDay` when no inspection under the parent is later than the period (the usual period,
    ending today), else from the inspections themselves (returns True: the caller counts them
    live, `_count_units_inspected_live`)."""
    modes = rollups.MODES
    rows = q.rolled_rows(InspectionRoll) if q.rolled else q.keyed(q.aggregate_rows(InspectionDay))
    for row in rows.annotate(**{f"m_{m}": Sum(m) for m in modes}).values_list(
        "key", *[f"m_{m}" for m in modes]
    ):
        _add_modes(q, row[0], dict(zip(modes, row[1:], strict=True)))
    later = InspectionDay.objects.filter(day__gt=q.end).exists()  # anywhere: one index probe
    split = UnitLast.objects.filter(q.inside, split=True).exists()
    if not (later or split) and q.rolled:
        last = rollups.roll_rows(UnitLastRoll, q.parent, q.length, q.start, q.end)
        for key, is_self, n in (
            last.values("prefix", "is_self")
            .annotate(n=Sum("n"))
            .values_list("prefix", "is_self", "n")
        ):
            q.add(key, "self_inspected" if is_self else "units_inspected", n)
        return False
    if not (later or split):
        last = q.scope.filter(
            UnitLastDay.objects.filter(q.inside, day__gte=q.start), "region_code", None
        )
        for key, is_self, n in (
            last.annotate(key=Substr("region_code", 1, q.length))
            .values("key", "is_self")
            .annotate(n=Sum("n"))
            .values_list("key", "is_self", "n")
        ):
            q.add(key, "self_inspected" if is_self else "units_inspected", n)
        return False
    return True


def _count_units_inspected_live(q: _Query) -> None:
    """Units inspected and self-inspected in the period, from the inspections themselves."""
    qs, fields = _inspections(q)
    if qs is None or not fields.get("mode"):
        return
    mode = fields["mode"]
    for key, inspected, selfs in (
        q.keyed(qs, fields["region"])
        .annotate(
            inspected=Count("unit_id", distinct=True, filter=~Q(**{mode: "self_inspection"})),
            self_inspected=Count("unit_id", distinct=True, filter=Q(**{mode: "self_inspection"})),
        )
        .values_list("key", "inspected", "self_inspected")
    ):
        q.add(key, "units_inspected", inspected)
        q.add(key, "self_inspected", selfs)


def _add_hazards(q: _Query, key, found, major, rect, on_time, overdue, listed) -> None:
    q.add(key, "hazards_found", found)
    q.add(key, "major", major)
    q.add(key, "general", (found or 0) - (major or 0))
    q.add(key, "rectified", rect)
    q.add(key, "on_time", on_time)
    q.add(key, "overdue", overdue)
    q.add(key, "majors_listed", listed)


def _hazards(q: _Query):
    hazards = q.scope.filter(Hazard.objects.filter(q.inside), "region_code", "unit")
    hazards = hazards.filter(found_at__gte=q.lo, found_at__lt=q.hi)
    if q.tree is not None:
        hazards = hazards.filter(campaign_id__in=q.tree)
    return hazards


def _count_hazards_live(q: _Query) -> None:
    done = Q(status__in=DONE_STATUSES)
    for row in (
        q.keyed(
            _hazards(q).annotate(
                rectified_at=Coalesce("verified_at", "closed_at"),
                deadline=Coalesce("original_due_at", "due_at"),
            )
        )
        .annotate(
            found=Count("pk"),
            major=Count("pk", filter=Q(grade=Grade.MAJOR)),
            rectified=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(rectified_at__lte=F("deadline"))),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=q.now)),
            listed=Count("pk", filter=Q(grade=Grade.MAJOR, supervision_level__in=LISTED)),
        )
        .values_list("key", "found", "major", "rectified", "on_time", "overdue", "listed")
    ):
        _add_hazards(q, *row)


def _count_hazards(q: _Query) -> None:
    """From `HazardRoll` and `OpenRoll` (or `HazardDay`); "overdue at now" is the open count of
    the buckets due before today plus the open hazards due today before `now`, counted live (a
    handful, indexed)."""
    today = timezone.localdate(q.now)
    if q.rolled:
        _count_hazards_rolled(q, today)
    else:
        _count_hazards_days(q, today)


def _count_hazards_now(q: _Query) -> None:
    """What the aggregates leave to `now`: the open hazards due today before now, and with the
    roll-ups the regulator's time limits passed today before now (the roll-ups count those
    due before today)."""
    midnight, _ = aggregates.day_bounds(timezone.localdate(q.now))
    for key, n in (
        q.keyed(
            _hazards(q).filter(status__in=OPEN_STATUSES, due_at__gte=midnight, due_at__lt=q.now)
        )
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    ):
        q.add(key, "overdue", n)
    if not q.rolled:
        return
    # Two index range reads (the covering partial indexes of reports/0007), a few rows each.
    _add_clock_lapses(q, since=midnight)


def _count_hazards_days(q: _Query, today) -> None:
    for row in (
        q.keyed(q.aggregate_rows(HazardDay))
        .annotate(
            found=Sum("found"),
            major=Sum("major"),
            rectified=Sum("rectified"),
            on_time=Sum("on_time"),
            overdue=Sum("open", filter=Q(due_day__lt=today)),
            listed=Sum("listed"),
        )
        .values_list("key", "found", "major", "rectified", "on_time", "overdue", "listed")
    ):
        _add_hazards(q, *row)


def _count_hazards_rolled(q: _Query, today) -> None:
    """From `HazardRoll`; "overdue at now" is the open count less the open ones due today or
    later (or without a deadline, `OpenRoll`); the open ones due today before `now` are added
    live (`_count_hazards_now`); the regulator's lapsed clocks likewise (waiting counts,
    `ClockRoll`)."""
    for row in (
        q.rolled_rows(HazardRoll)
        .annotate(
            found=Sum("found"),
            major=Sum("major"),
            rectified=Sum("rectified"),
            on_time=Sum("on_time"),
            open=Sum("open"),
            listed=Sum("listed"),
            order=Sum("order_waiting"),
            verify=Sum("verify_waiting"),
        )
        .values_list(
            "key", "found", "major", "rectified", "on_time", "open", "listed", "order", "verify"
        )
    ):
        _add_hazards(q, *row[:7])
        q.add(row[0], "order_lapsed", row[7])
        q.add(row[0], "verify_lapsed", row[8])
    for key, n in (
        q.rolled_rows(OpenRoll)
        .filter(due_day__gte=today)
        .annotate(n=Sum("n"))
        .values_list("key", "n")
    ):
        q.add(key, "overdue", -(n or 0))
    for key, clock, n in (
        q.rolled_rows(ClockRoll)
        .filter(due_day__gte=today)
        .values("key", "clock")
        .annotate(n=Sum("n"))
        .values_list("key", "clock", "n")
    ):
        q.add(key, "order_lapsed" if clock == ClockKind.ORDER else "verify_lapsed", -(n or 0))


def _add_clock_lapses(q: _Query, since=None) -> None:
    """Add the regulator time limits (order, re-check) passed before now — since `since` when
    given — per key (few rows, the partial index `hazard_regulator_clock`)."""
    window = {"clock_due_at__lt": q.now}
    if since is not None:
        window["clock_due_at__gte"] = since
    for key, order, verify in (
        q.keyed(
            _hazards(q).filter(
                status__in=OPEN_STATUSES,
                clock__in=[ClockKind.ORDER, ClockKind.VERIFY],
                **window,
            )
        )
        .annotate(
            order=Count("pk", filter=Q(clock=ClockKind.ORDER)),
            verify=Count("pk", filter=Q(clock=ClockKind.VERIFY)),
        )
        .values_list("key", "order", "verify")
    ):
        q.add(key, "order_lapsed", order)
        q.add(key, "verify_lapsed", verify)


def _count_documents_live(q: _Query) -> None:
    docs = q.scope.filter(EnforcementDocument.objects.filter(q.inside), "region_code", "unit")
    docs = docs.filter(issued_at__gte=q.lo, issued_at__lt=q.hi)
    if q.tree is not None:
        docs = docs.filter(hazard__campaign_id__in=q.tree)
    for key, n in q.keyed(docs).annotate(n=Count("pk")).values_list("key", "n"):
        q.add(key, "enforcement_actions", n)


def _count_documents(q: _Query) -> None:
    rows = q.rolled_rows(DocumentRoll) if q.rolled else q.keyed(q.aggregate_rows(DocumentDay))
    for key, n in rows.annotate(n=Sum("n")).values_list("key", "n"):
        q.add(key, "enforcement_actions", n)
