"""The one way in to inspections: scoped querysets and the checks before a submission."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hazardloop.accounts.access import get_in_scope_or_404, require, scope_for
from hazardloop.checklists.access import usable_templates
from hazardloop.checklists.models import ChecklistVersion
from hazardloop.inspections.choices import UNIT_OWN_MODES
from hazardloop.inspections.models import Inspection
from hazardloop.inspections.services import SubmissionError
from hazardloop.units.models import Unit


def visible_inspections(user) -> QuerySet:
    return scope_for(user, "inspection.view").filter(
        Inspection.objects.all(), region_field="region_code", unit_field="unit"
    )


def get_inspection_or_404(user, pk: int) -> Inspection:
    return get_in_scope_or_404(
        user,
        Inspection.objects.select_related("unit", "template_version__template", "inspector"),
        perm="inspection.view",
        region_field="region_code",
        unit_field="unit",
        pk=pk,
    )


def unit_for_inspection(user, unit_id: int) -> Unit:
    """The unit, if the user may see it (else 404) and inspect it (else 403)."""
    unit = get_in_scope_or_404(
        user, Unit.objects.select_related("region"), perm="unit.view", unit_field="pk", pk=unit_id
    )
    require(user, "inspection.create", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    return unit


def check_submission(user, unit: Unit, version_id: int, mode: str) -> ChecklistVersion:
    """The checklist version to answer; SubmissionError when unusable or the mode is not the
    user's to choose (a unit's own people only self-inspect and patrol)."""
    version = (
        ChecklistVersion.objects.select_related("template")
        .filter(pk=version_id, template__in=usable_templates(user))
        .first()
    )
    if version is None:
        raise SubmissionError([_("The checklist is unknown or not available to you.")])
    if mode not in UNIT_OWN_MODES and not scope_for(user, "inspection.create").covers_region(
        unit.region_id
    ):
        raise SubmissionError([_("A unit's own staff record self-inspections and patrols only.")])
    return version
