"""Publicity figures other apps read (the dashboard, the campaign's page).

`counts(region_code, campaign_id=None, since=None, until=None)` — the activities held in the
region and below (offices' and units'), optionally of one campaign (with its adoptions by the
levels below) and between two days inclusive. Not scoped to a user: the caller has checked
that the region is in the user's scope."""

import datetime as dt

from django.db.models import Count, Sum

from hazardloop.campaigns.models import Campaign
from hazardloop.publicity.access import campaign_tree
from hazardloop.publicity.choices import ActivityKind, Level
from hazardloop.publicity.models import Activity
from hazardloop.regions import codes


def campaign_ids(campaign: Campaign) -> list[int]:
    """The campaign and its adoptions below it."""
    return list(campaign_tree(campaign).values_list("pk", flat=True))


def activities(region_code: str, campaign_id=None, since=None, until=None):
    qs = Activity.objects.filter(codes.code_subtree_filter("region_code", region_code))
    if campaign_id is not None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        ids = campaign_ids(campaign) if campaign is not None else []
        qs = qs.filter(campaign_id__in=ids)
    if since is not None:
        qs = qs.filter(held_on__gte=since)
    if until is not None:
        qs = qs.filter(held_on__lte=until)
    return qs


def tally(qs) -> dict:
    """{"activities", "reach", "by_kind": {kind: {"activities", "reach"}}, "by_level": …} of a
    queryset of activities, every kind and level present (zero when none)."""
    out = {
        "activities": 0,
        "reach": 0,
        "by_kind": {k: {"activities": 0, "reach": 0} for k in ActivityKind.values},
        "by_level": {lv: {"activities": 0, "reach": 0} for lv in Level.values},
    }
    rows = qs.order_by().values("kind", "level").annotate(n=Count("id"), people=Sum("reach"))
    for row in rows:
        n, people = row["n"], row["people"] or 0
        out["activities"] += n
        out["reach"] += people
        for key, value in (("by_kind", row["kind"]), ("by_level", row["level"])):
            bucket = out[key].setdefault(value, {"activities": 0, "reach": 0})
            bucket["activities"] += n
            bucket["reach"] += people
    return out


def counts(
    region_code: str,
    campaign_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict:
    """The publicity held in `region_code` and below: see the module and `tally`."""
    return tally(activities(region_code, campaign_id, since, until))
