"""The lapsed-duty figures of the statistics: per region row (and by sector, and for a campaign
the units in its scope), the units with lapsed duties and their lapsed duties, from
`obligations.UnitDutyCount` (each unit's duties whose window ended lapsed in the last
`settings.DUTY_LAPSED_DAYS` days, recounted by the obligations sweep; docs/obligations.md).

A figure "as of the last recount", like the units in scope, not of the period. Counted with the
units on both paths: live from the units joined to their counts, or from the unit aggregates
(`UnitCount`, `UnitRoll`: the sums by region, sector and a campaign scope's attributes), rebuilt
when the recount changed (`mark`)."""

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from hazardloop.campaigns.scoping import effective_scope
from hazardloop.obligations.models import UnitDutyCount
from hazardloop.regions.models import Sector, subtree_filter
from hazardloop.reports import kept
from hazardloop.reports.models import UnitCount, UnitRoll
from hazardloop.reports.rollups import rolls_answer
from hazardloop.units.models import Unit

COUNTS = ("units_with_lapsed_duties", "lapsed_duties")
# Column of the unit aggregates → figure.
COLUMNS = {"lapsed_units": "units_with_lapsed_duties", "lapsed": "lapsed_duties"}


def unit_sums(path: str = "duty_count__") -> dict:
    """The aggregates over `Unit` rows (joined to their `UnitDutyCount`, none: nothing lapsed)."""
    return {
        "lapsed_units": Count("pk", filter=Q(**{f"{path}lapsed__gt": 0})),
        "lapsed": Coalesce(Sum(f"{path}lapsed"), 0),
    }


def roll_sums() -> dict:
    """The same over unit aggregate rows (`UnitCount`, `UnitRoll`)."""
    return {"lapsed_units": Sum("lapsed_units"), "lapsed": Sum("lapsed")}


def rates(c: dict) -> dict:
    """What the counts `c` (one row's, or summed) say: the share of units with lapsed duties
    (fewer is better; a map and a ranking may show it)."""
    units = c["units_in_scope"]
    share = round(c["units_with_lapsed_duties"] * 100 / units, 1) if units else None
    return {"lapsed_duty_rate": share}


def add(q, key, row: dict) -> None:
    """Add one aggregate row's sums (named as `unit_sums`) to the row of `q` holding `key`."""
    for column, name in COLUMNS.items():
        q.add(key, name, row.get(column))


def mark() -> str:
    """What changes whenever the obligations sweep recounts (or a recount is under way: its
    batches share one `computed_at`, so the rows at the latest time are not all the rows)."""
    seen = UnitDutyCount.objects.aggregate(n=Count("pk"), at=Max("computed_at"))
    if not seen["n"]:
        return ""
    latest = UnitDutyCount.objects.filter(computed_at=seen["at"]).count()
    return f"{seen['n']}|{seen['at'].isoformat()}|{latest}"[:64]


def by_sector(scope, parent, *, live=False, rolled=False, unit_scope=None):
    """{sector code: units with lapsed duties} under `parent` inside `scope` (for a campaign, the
    units in its scope, `unit_scope`); sectors without any left out, most first."""
    if live:
        qs = scope.filter(
            Unit.objects.filter(subtree_filter("region", parent.prefix)), "region", "pk"
        )
        if unit_scope is not None:
            qs = qs.filter(unit_scope.unit_q(prefix=""))
        rows = qs.values("sector_id").annotate(n=unit_sums()["lapsed_units"])
        field = "sector_id"
    elif rolled and unit_scope is None:
        rows = UnitRoll.objects.filter(depth=len(parent.prefix), prefix=parent.prefix)
        rows = rows.values("sector").annotate(n=Sum("lapsed_units"))
        field = "sector"
    else:
        qs = scope.filter(
            UnitCount.objects.filter(subtree_filter("region", parent.prefix)), "region", None
        )
        if unit_scope is not None:
            qs = qs.filter(unit_scope.unit_q(prefix=""))
        rows = qs.values("sector").annotate(n=Sum("lapsed_units"))
        field = "sector"
    found = {r[field]: r["n"] for r in rows.order_by() if r["n"]}
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def sectors(scope, stats) -> list[dict]:
    """`by_sector` for the statistics `stats` (reports.stats.Stats) as the dashboard and the API
    show it: [{"code", "name", "units"}], most first."""
    live = stats.fresh is None
    parent = stats.parent
    rolled = not live and rolls_answer(scope, parent, len(parent.prefix), stats.fresh, UnitRoll)
    unit_scope = effective_scope(stats.campaign) if stats.campaign is not None else None

    def compute():
        found = by_sector(scope, parent, live=live, rolled=rolled, unit_scope=unit_scope)
        if not found:
            return []
        names = {s.code: s.name for s in Sector.objects.filter(code__in=list(found))}
        return [{"code": k, "name": names.get(k, k), "units": n} for k, n in found.items()]

    if live:
        return compute()
    # From the unit aggregates: kept between refreshes (kept.py), with the sectors' names in
    # the language of the request.
    parts = (
        parent.code,
        rolled,
        str(unit_scope.unit_q(prefix="")) if unit_scope is not None else None,
        get_language(),
    )
    return kept.kept("lapsed_by_sector", stats.fresh, scope, parts, compute)
