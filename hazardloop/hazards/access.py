"""The one way to fetch a hazard for a person: in their scope, or 404 (out of scope looks
exactly like missing, and the attempt is audited by `get_in_scope_or_404`)."""

from hazardloop.accounts.access import get_in_scope_or_404
from hazardloop.hazards.models import Hazard


def access_hazard(user, pk, *, related=("unit",), perm: str = "hazard.view") -> Hazard:
    """The hazard `pk` if `user` may see it (with `perm`), with `related` selected."""
    return get_in_scope_or_404(
        user,
        Hazard.objects.select_related(*related),
        perm=perm,
        region_field="region_code",
        unit_field="unit",
        pk=pk,
    )
