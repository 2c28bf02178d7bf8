"""The one way to fetch a hazard for a person: in their scope, or 404 (out of scope looks
exactly like missing, and the attempt is audited as `get_in_scope_or_404` does)."""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import get_in_scope_or_404, scope_for
from hazardloop.audit.services import record_event
from hazardloop.core.prepared import Prepared
from hazardloop.hazards.models import Hazard

# The hazard with its unit by id, compiled once (the workflow step and the hazard's API read it
# on every request); the scope is checked on the row (Scope.covers, the same rule as Scope.q).
_WITH_UNIT = Prepared(lambda pk: Hazard.objects.select_related("unit").filter(pk=pk))


def access_hazard(user, pk, *, related=("unit",), perm: str = "hazard.view") -> Hazard:
    """The hazard `pk` if `user` may see it (with `perm`), with `related` selected."""
    if tuple(related) != ("unit",):
        return get_in_scope_or_404(
            user,
            Hazard.objects.select_related(*related),
            perm=perm,
            region_field="region_code",
            unit_field="unit",
            pk=pk,
        )
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    rows = _WITH_UNIT(pk) if 0 < pk < 2**63 else []
    hazard = rows[0] if rows else None
    if hazard is not None and scope_for(user, perm).covers(hazard.region_code, hazard.unit_id):
        return hazard
    if hazard is not None:
        record_event(
            "access.out_of_scope",
            actor=user,
            obj=hazard,
            message=f"{perm} refused: outside the user's scope",
        )
    raise Http404(_("Not found."))
