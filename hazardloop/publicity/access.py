"""The one way in to publicity activities: holders of publicity.view over the activity's
region (the offices of the region and above) or its unit (the unit's own people)."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import (
    get_in_scope_or_404,
    memberships_of,
    scope_for,
    scoped_regions,
)
from hazardloop.campaigns.models import Campaign
from hazardloop.publicity.models import Activity
from hazardloop.regions import codes
from hazardloop.units.models import Unit


def visible_activities(user, perm: str = "publicity.view"):
    return scope_for(user, perm).filter(Activity.objects.all(), "region_code", "unit")


def activity_or_404(user, pk) -> Activity:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    return get_in_scope_or_404(
        user,
        Activity.objects.select_related("campaign", "unit", "recorded_by"),
        perm="publicity.view", region_field="region_code", unit_field="unit", pk=pk,
    )  # fmt: skip


def campaign_or_404(user, pk) -> Campaign:
    """A campaign the user may see (the campaigns' own rule); 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    found = Campaign.objects.visible_to(user).select_related("region").filter(pk=pk).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


def campaign_tree(campaign: Campaign):
    """The campaign and the adoptions of it below (a county's copy of the province's campaign):
    publicity recorded on any of them counts for it."""
    below = codes.code_subtree_filter("region_code", campaign.region_code)
    return Campaign.objects.filter(Q(pk=campaign.pk) | (Q(root_id_value=campaign.root_id) & below))


def recording_units(user) -> list[Unit]:
    """The units whose publicity the user records as their own people."""
    scope = scope_for(user, "publicity.record")
    ids = sorted({m.unit_id for m in memberships_of(user) if m.unit_id in scope.unit_ids})
    return list(Unit.objects.filter(pk__in=ids).select_related("region").order_by("name"))


def recording_regions(user) -> list:
    """The regions (province to county) an office may record publicity for."""
    return list(scoped_regions(user, "publicity.record"))
