"""The one way in to drills and plans: whoever holds drill.view over the unit (its own people,
the authorities of its region); out of scope looks like missing (404)."""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import belongs_to_unit, deny, get_in_scope_or_404, scope_for
from hazardloop.drills.models import Drill, DrillPlan
from hazardloop.units.models import Unit


def _pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None


def visible_drills(user):
    return scope_for(user, "drill.view").filter(Drill.objects.all(), "region_code", "unit")


def drill_or_404(user, pk) -> Drill:
    return get_in_scope_or_404(
        user,
        Drill.objects.select_related("unit", "unit__region", "plan", "recorded_by"),
        perm="drill.view", region_field="region_code", unit_field="unit", pk=_pk(pk),
    )  # fmt: skip


def plan_or_404(user, pk) -> DrillPlan:
    return get_in_scope_or_404(
        user, DrillPlan.objects.select_related("unit"), perm="drill.view",
        region_field="region_code", unit_field="unit", pk=_pk(pk),
    )  # fmt: skip


def unit_for_drills(user, unit_id) -> Unit:
    """The unit if the user may see its drills (404 otherwise)."""
    return get_in_scope_or_404(
        user, Unit.objects.select_related("region"), perm="drill.view", unit_field="pk",
        pk=_pk(unit_id),
    )  # fmt: skip


def may_record(user, unit: Unit) -> bool:
    """Only the unit's own people (manager, safety officer) record its drills."""
    return belongs_to_unit(user, unit.pk) and scope_for(user, "drill.record").covers(
        unit.region_id, unit.pk
    )


def unit_to_record(user, unit_id) -> Unit:
    """The unit if the user may record its drills: 404 out of scope, 403 for a role that reads."""
    unit = unit_for_drills(user, unit_id)
    if not may_record(user, unit):
        deny(user, "drill.record", obj=unit, region_code=unit.region_id)
    return unit
