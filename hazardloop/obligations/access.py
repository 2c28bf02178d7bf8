"""Scope for the duty calendar: a unit's calendar is seen by whoever may see the unit with
obligation.view; region rules are set by province-level holders of obligation.rules."""

from hazardloop.accounts.access import deny, get_in_scope_or_404, scope_for
from hazardloop.regions import codes
from hazardloop.units.models import Unit


def unit_for_duties(user, unit_id: int) -> Unit:
    return get_in_scope_or_404(
        user, Unit.objects.select_related("region", "sector"), perm="obligation.view",
        unit_field="pk", pk=unit_id,
    )  # fmt: skip


def require_province_rules(user, unit: Unit) -> None:
    """403 unless the user holds obligation.rules over the whole province of the unit."""
    province = codes.ancestor_at(unit.region_id, "province")
    if not scope_for(user, "obligation.rules").covers_region(province):
        deny(user, "obligation.rules", obj=unit, region_code=unit.region_id)
