"""Who sees which permits: holders of permit.view, by region (authorities) or unit (the
unit's own people). Out of scope and missing look the same (404)."""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import get_in_scope_or_404, scope_for
from hazardloop.permits.models import HotWorkPermit

DETAIL_RELATED = ("unit", "unit__region", "worker", "fire_watch", "applicant")


def visible_permits(user):
    return scope_for(user, "permit.view").filter(HotWorkPermit.objects.all(), "region_code", "unit")


def permit_or_404(user, pk) -> HotWorkPermit:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    return get_in_scope_or_404(
        user,
        HotWorkPermit.objects.select_related(*DETAIL_RELATED),
        perm="permit.view",
        region_field="region_code",
        unit_field="unit",
        pk=pk,
    )
