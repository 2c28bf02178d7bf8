"""The one way in to a campaign row for a user."""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import Scope, not_found, scope_for
from hazardloop.campaigns.models import Campaign


def access_campaign(user, pk, *, perm: str = "campaign.view") -> Campaign:
    """The campaign if the user may see it; out of scope looks exactly like missing (404),
    and the attempt is audited."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    found = (
        Campaign.objects.visible_to(user, perm)
        .select_related("region", "parent")
        .filter(pk=pk)
        .first()
    )
    if found is not None:
        return found
    raise not_found(user, Campaign.objects.filter(pk=pk).first(), perm)


def plan_scope(user, perm: str = "campaign.view") -> Scope:
    """Where the user sees the authorities' plan — inspection tasks and double-random draws:
    their department scope only. A unit's own people never see who will inspect them or when
    (an unannounced inspection stays unannounced): for them it is empty, so the pages are 404."""
    scope = scope_for(user, perm)
    return Scope(everything=scope.everything, prefixes=scope.prefixes)
