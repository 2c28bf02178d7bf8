"""GET /api/v1/stats/regions: one row per child region with every dashboard figure, plus the
"directly under" row (`own: true`) for the parent's own records; the rows add up to `total`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from hazardloop.core.api import ApiError, Code, Id, RegionCode
from hazardloop.reports import duty_counts
from hazardloop.reports.params import BadParameter, read_params
from hazardloop.reports.stats import region_stats

router = Router(tags=["statistics"])


class StatsOut(Schema):
    parent: dict
    campaign: int | None
    start: str
    end: str
    indicator: str
    rows: list[dict]
    total: dict
    lapsed_by_sector: list[dict]


@router.get("/regions", response=StatsOut)
def stats_regions(
    request,
    parent: RegionCode | None = None,
    campaign: Id | None = None,
    indicator: Code | None = None,
):
    """Every figure per child region of `parent` (default: the top of your scope) and for the
    records directly under it (the row with `own: true`: at the parent's own code, or all of
    them when no child regions are loaded), for a campaign or a period (`from`, `to` as
    YYYY-MM-DD), counted inside your scope, ranked by `indicator` (coverage,
    rectification_rate, on_time_rate, self_inspection_rate, overdue_per_100_units,
    hazards_per_100_units, accidents, accident_deaths, lapsed_duty_rate). `lapsed_by_sector`: the
    units with lapsed duties by sector under `parent` (as of the last recount of duties)."""
    query = request.GET
    try:
        p = read_params(
            request.user,
            region=parent,
            campaign=campaign,
            start=query.get("from"),
            end=query.get("to"),
            indicator=indicator,
        )
    except BadParameter as exc:
        raise ApiError(422, "bad_parameter", str(exc)) from exc
    except Http404 as exc:
        raise ApiError(404, "not_found", _("Not found.")) from exc
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    stats = region_stats(
        p.scope, p.region, campaign=p.campaign, start=p.start, end=p.end, indicator=p.indicator
    )
    return {
        "parent": {"code": p.region.code, "name": p.region.name, "level": p.region.level},
        "campaign": p.campaign.pk if p.campaign else None,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "indicator": p.indicator,
        "rows": stats.row_dicts(),
        "total": stats.total.as_dict(),
        "lapsed_by_sector": duty_counts.sectors(p.scope, stats),
    }
