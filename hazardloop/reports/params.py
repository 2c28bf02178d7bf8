"""Parsing and checking the statistics parameters (region, campaign, period, indicator) shared
by the dashboard pages, the big screen, the report downloads and the API."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import Scope, scope_for
from hazardloop.campaigns.models import Campaign
from hazardloop.core.prepared import Prepared
from hazardloop.regions.models import Region
from hazardloop.reports.ranking import RANKABLE
from hazardloop.reports.stats import default_period


class BadParameter(ValueError):
    """A parameter that cannot be read: the message is translated."""


@dataclass
class StatsParams:
    scope: Scope
    region: Region
    campaign: Campaign | None
    start: dt.date
    end: dt.date
    indicator: str


def top_region(scope: Scope) -> Region:
    if scope.everything:
        return Region.objects.filter(parent__isnull=True).order_by("code").first()
    regions = Region.objects.filter(prefix__in=scope.prefixes).order_by("prefix")
    region = min(regions, key=lambda r: (len(r.prefix), r.code), default=None)
    if region is None:
        raise Http404(_("Not found."))
    return region


# The region asked for (on every statistics request: its SQL compiled once).
_REGION = Prepared(lambda code: Region.objects.filter(code=code))


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadParameter(_("%(name)s must be a date like 2022-09-28.") % {"name": name}) from exc


def read_params(
    user, *, region=None, campaign=None, start=None, end=None, indicator=None
) -> StatsParams:
    """Check the user may see statistics of `region` (404 otherwise, like a missing region) and
    the campaign (404), and read the period (BadParameter)."""
    scope = scope_for(user, "stats.view")
    if not (scope.everything or scope.prefixes):
        raise PermissionDenied(_("Your role does not allow this action here."))
    if region:
        found = _REGION(str(region))
        parent = found[0] if found else None
        if parent is None or not scope.covers_region(parent.code):
            raise Http404(_("Not found."))
    else:
        parent = top_region(scope)
    chosen = None
    if campaign:
        try:
            chosen = Campaign.objects.visible_to(user).filter(pk=int(campaign)).first()
        except (TypeError, ValueError):
            chosen = None
        if chosen is None:
            raise Http404(_("Not found."))
    start_d, end_d = _date(start, "from"), _date(end, "to")
    d_start, d_end = default_period(chosen, timezone.now())
    start_d, end_d = start_d or d_start, end_d or d_end
    if end_d < start_d:
        raise BadParameter(_("The period cannot end before it starts."))
    if (end_d - start_d).days > 366 * 2:
        raise BadParameter(_("Choose a period of at most two years."))
    indicator = indicator or "coverage"
    if indicator not in RANKABLE:
        raise BadParameter(_("Unknown indicator."))
    return StatsParams(scope, parent, chosen, start_d, end_d, indicator)
