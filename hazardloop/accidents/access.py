"""The one way in to an accident row for a user."""

from hazardloop.accidents.models import Accident
from hazardloop.accounts.access import get_in_scope_or_404, require


def visible_accidents(user, perm: str = "accident.view"):
    return Accident.objects.visible_to(user, perm)


def get_accident_or_404(user, pk) -> Accident:
    """The accident if the user may see it; out of scope looks exactly like missing (404)."""
    return get_in_scope_or_404(
        user,
        Accident.objects.select_related("unit", "reported_by"),
        perm="accident.view",
        region_field="region_code",
        unit_field="unit",
        pk=pk,
    )


def require_report(user, accident) -> None:
    """403 unless the user may file follow-ups for this accident."""
    require(
        user,
        "accident.report",
        region_code=accident.region_code,
        unit_id=accident.unit_id,
        obj=accident,
    )
