"""Scope for training: a unit's staff list, trainings and 四个能力 checks are seen by whoever
holds training.view over the unit; only the unit's own people (training.record, and a
membership in that unit) write them; province-level holders of training.quiz_bank edit the
quiz bank of their province."""

from django.http import Http404
from django.utils.translation import gettext as _

from hazardloop.accounts.access import (
    belongs_to_unit,
    can,
    deny,
    get_in_scope_or_404,
    memberships_of,
    scope_for,
)
from hazardloop.regions import codes
from hazardloop.training.models import StaffMember, Training
from hazardloop.units.models import Unit


def unit_for_training(user, unit_id) -> Unit:
    """The unit, if the user may see its training records (404 otherwise)."""
    return get_in_scope_or_404(
        user, Unit.objects.select_related("region"), perm="training.view", unit_field="pk",
        pk=unit_id,
    )  # fmt: skip


def may_record(user, unit: Unit) -> bool:
    return belongs_to_unit(user, unit.pk) and can(
        user, "training.record", region_code=unit.region_id, unit_id=unit.pk
    )


def require_record(user, unit: Unit) -> None:
    """403 unless the user is one of the unit's own people with training.record."""
    if not may_record(user, unit):
        deny(user, "training.record", obj=unit, region_code=unit.region_id)


def unit_to_record(user, unit_id) -> Unit:
    unit = unit_for_training(user, unit_id)
    require_record(user, unit)
    return unit


def visible_trainings(user):
    return scope_for(user, "training.view").filter(
        Training.objects.all(), "unit__region_id", "unit"
    )


def training_or_404(user, pk) -> Training:
    return get_in_scope_or_404(
        user, Training.objects.select_related("unit", "unit__region"), perm="training.view",
        region_field="unit__region_id", unit_field="unit", pk=pk,
    )  # fmt: skip


def staff_or_404(user, unit: Unit, pk) -> StaffMember:
    member = StaffMember.objects.filter(unit=unit, pk=pk).first() if str(pk).isdigit() else None
    if member is None:
        raise Http404(_("Not found."))
    return member


def quiz_provinces(user) -> list[str]:
    """The provinces whose quiz bank the user edits: those a membership with training.quiz_bank
    covers whole (a province-level office, or an administrator)."""
    scope = scope_for(user, "training.quiz_bank")
    if scope.is_empty:
        return []
    out = []
    for m in memberships_of(user):
        if m.unit_id is None and m.region_id:
            province = codes.ancestor_at(m.region_id, "province")
            if province and scope.covers_region(province) and province not in out:
                out.append(province)
    return out


def require_quiz_bank(user, province: str) -> None:
    if province not in quiz_provinces(user):
        if (
            scope_for(user, "training.view").is_empty
            and scope_for(user, "training.quiz_bank").is_empty
        ):
            raise Http404(_("Not found."))
        deny(user, "training.quiz_bank", region_code=province)
