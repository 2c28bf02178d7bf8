"""The dashboard's drill-down and charts beside the figures of `stats.region_stats`: the units
with hazards below a county, hazards found and rectified per day, and hazards by sector and
category — counted inside the same scope, from the aggregates or live."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from hazardloop.hazards.choices import DONE_STATUSES, OPEN_STATUSES, Grade
from hazardloop.hazards.models import Hazard
from hazardloop.regions.models import Region, subtree_filter
from hazardloop.reports import aggregates, kept, rollups
from hazardloop.reports.models import (
    CategoryRoll,
    HazardDay,
    HazardRoll,
    RectifiedDay,
    RectifiedRoll,
    SectorRoll,
)
from hazardloop.reports.stats import campaign_tree_ids, period_bounds, ratio, uses_aggregates


def unit_rows(scope, county: Region, *, campaign=None, start, end, now, limit=200) -> list[dict]:
    """Drill-down below a county: the units with hazards in the period, worst first."""
    lo, hi = period_bounds(start, end)
    hazards = scope.filter(
        Hazard.objects.filter(subtree_filter("region_code", county.prefix)), "region_code", "unit"
    ).filter(found_at__gte=lo, found_at__lt=hi)
    if campaign is not None:
        hazards = hazards.filter(campaign_id__in=campaign_tree_ids(campaign))
    rows = list(
        hazards.values("unit_id", "unit__name")
        .annotate(
            found=Count("pk"),
            major=Count("pk", filter=Q(grade=Grade.MAJOR)),
            rectified=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        )
        .order_by("-overdue", "-major", "-found", "unit_id")[:limit]
    )
    for row in rows:
        row["rectification_rate"] = ratio(row["rectified"], row["found"])
    return rows


def _aggregate_rows(model, scope, parent: Region, campaign, start, end, *, fresh=None):
    if fresh is None:
        aggregates.ensure_fresh()
    qs = scope.filter(
        model.objects.filter(subtree_filter("region_code", parent.prefix)), "region_code", None
    ).filter(day__gte=start, day__lte=end)
    if campaign is not None:
        qs = qs.filter(campaign_id__in=campaign_tree_ids(campaign))
    return qs


def _rolled(scope, parent: Region, model, campaign, start, end, months=True, fresh=None):
    """Rows of a roll-up for everything under `parent` (None: the roll-ups cannot answer)."""
    fresh = fresh or aggregates.ensure_fresh()
    depth = len(parent.prefix)
    if not rollups.rolls_answer(scope, parent, depth, fresh, model):
        return None
    tree = campaign_tree_ids(campaign) if campaign is not None else None
    return rollups.roll_rows(
        model, parent, depth, start, end, tree, prefix=parent.prefix, months=months
    )


def daily_trend(scope, parent: Region, *, campaign=None, start, end, live=None, fresh=None) -> dict:
    """Hazards found and rectified per day in the period (for the trend chart); from the
    aggregates, kept between their refreshes (kept.py); `fresh`: the refresh state already
    read by the caller."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if live is None:
        live = not uses_aggregates(scope)
    if live:
        found, fixed = _daily_trend_live(scope, parent, campaign=campaign, start=start, end=end)
    else:
        fresh = fresh or aggregates.ensure_fresh()
        found, fixed = kept.kept(
            "trend",
            fresh,
            scope,
            (parent.code, campaign.pk if campaign else None, start, end),
            lambda: _daily_trend_aggregates(scope, parent, campaign, start, end, fresh),
        )
    return {
        "days": [d.isoformat() for d in days],
        "found": [found.get(d, 0) for d in days],
        "rectified": [fixed.get(d, 0) for d in days],
    }


def _daily_trend_aggregates(scope, parent: Region, campaign, start, end, fresh):
    rolled = _rolled(scope, parent, RectifiedRoll, campaign, start, end, False, fresh)
    if rolled is not None:
        fixed = dict(rolled.values("day").annotate(n=Sum("n")).values_list("day", "n"))
        found = dict(
            _rolled(scope, parent, HazardRoll, campaign, start, end, False, fresh)
            .values("day")
            .annotate(n=Sum("found"))
            .values_list("day", "n")
        )
    else:
        found = dict(
            _aggregate_rows(HazardDay, scope, parent, campaign, start, end, fresh=fresh)
            .values("day")
            .annotate(n=Sum("found"))
            .values_list("day", "n")
        )
        fixed = dict(
            _aggregate_rows(RectifiedDay, scope, parent, campaign, start, end, fresh=fresh)
            .values("day")
            .annotate(n=Sum("n"))
            .values_list("day", "n")
        )
    return found, fixed


def _daily_trend_live(scope, parent: Region, *, campaign, start, end):
    lo, hi = period_bounds(start, end)
    hazards = scope.filter(
        Hazard.objects.filter(subtree_filter("region_code", parent.prefix)), "region_code", "unit"
    )
    if campaign is not None:
        hazards = hazards.filter(campaign_id__in=campaign_tree_ids(campaign))
    tz = timezone.get_default_timezone()
    found = defaultdict(int)
    for at in (
        hazards.filter(found_at__gte=lo, found_at__lt=hi)
        .values_list("found_at", flat=True)
        .iterator(chunk_size=5000)
    ):
        found[at.astimezone(tz).date()] += 1
    fixed = defaultdict(int)
    for at in (
        hazards.filter(status__in=DONE_STATUSES)
        .annotate(at=Coalesce("verified_at", "closed_at"))
        .filter(at__gte=lo, at__lt=hi)
        .values_list("at", flat=True)
        .iterator(chunk_size=5000)
    ):
        fixed[at.astimezone(tz).date()] += 1
    return found, fixed


def breakdowns(scope, parent: Region, *, campaign=None, start, end, live=None, fresh=None) -> dict:
    """Hazards found in the period by sector and by category; from the aggregates, kept between
    their refreshes (kept.py); `fresh`: the refresh state already read by the caller."""
    if live is None:
        live = not uses_aggregates(scope)
    if live:
        return _live_breakdowns(scope, parent, campaign, start, end)
    fresh = fresh or aggregates.ensure_fresh()
    return kept.kept(
        "breakdowns",
        fresh,
        scope,
        (parent.code, campaign.pk if campaign else None, start, end),
        lambda: _breakdowns_aggregates(scope, parent, campaign, start, end, fresh),
    )


def _found_by(qs, field: str) -> dict:
    """{value of `field`: hazards found}, for the values with any."""
    rows = qs.values(field).annotate(n=Sum("found")).order_by(field)
    return {k: n for k, n in rows.values_list(field, "n") if n}


def _breakdowns_aggregates(scope, parent: Region, campaign, start, end, fresh) -> dict:
    by_sector = _rolled(scope, parent, SectorRoll, campaign, start, end, fresh=fresh)
    if by_sector is not None:
        by_category = _rolled(scope, parent, CategoryRoll, campaign, start, end, fresh=fresh)
        return {
            "sector": _found_by(by_sector, "sector_code"),
            "category": _found_by(by_category, "category"),
        }
    qs = _aggregate_rows(HazardDay, scope, parent, campaign, start, end, fresh=fresh)
    return {
        "sector": _found_by(qs, "sector_code"),
        "category": _found_by(qs, "category"),
    }


def _live_breakdowns(scope, parent: Region, campaign, start, end) -> dict:
    lo, hi = period_bounds(start, end)
    hazards = scope.filter(
        Hazard.objects.filter(subtree_filter("region_code", parent.prefix)), "region_code", "unit"
    ).filter(found_at__gte=lo, found_at__lt=hi)
    if campaign is not None:
        hazards = hazards.filter(campaign_id__in=campaign_tree_ids(campaign))
    by_sector = dict(
        hazards.values("sector_code").annotate(n=Count("pk")).values_list("sector_code", "n")
    )
    by_category = dict(
        hazards.values("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    return {"sector": by_sector, "category": by_category}
