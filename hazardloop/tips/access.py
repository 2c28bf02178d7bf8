"""Who sees which tips: department roles holding `tip.view`, by region only.

The scope is filtered on the tip's region code and never on a unit, so a membership in a unit
(the accused unit's manager) can never reach a tip, whatever permissions its role gains later.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import get_in_scope_or_404, scope_for
from hazardloop.tips.models import Tip


def visible_tips(user, perm: str = "tip.view"):
    return scope_for(user, perm).filter(Tip.objects.all(), "region_code", None)


def tip_or_404(user, pk) -> Tip:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    return get_in_scope_or_404(
        user,
        Tip.objects.select_related("unit", "unit__region", "hazard", "task"),
        perm="tip.view",
        region_field="region_code",
        unit_field=None,
        pk=pk,
    )
