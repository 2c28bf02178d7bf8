"""A unit's fire patrol (防火巡查, 61号令 Art. 25): the one-minute phone task.

Recorded as an inspection in mode patrol with the built-in checklist `fire-patrol-61`; each
failed item raises a self-found hazard through the inspections service (source
self_inspection). Only the unit's own staff patrol here (regulators use the inspection form)."""

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import belongs_to_unit, deny, get_in_scope_or_404, require
from hazardloop.checklists.access import usable_templates
from hazardloop.checklists.models import ChecklistVersion
from hazardloop.inspections.answers import SubmissionError
from hazardloop.inspections.choices import Mode
from hazardloop.inspections.services import submit_inspection
from hazardloop.units.models import Unit

TEMPLATE_CODE = "fire-patrol-61"
OTHER_ITEM = "P08"  # 其他: free text


def patrol_unit(user, unit_id: int) -> Unit:
    """The unit, if the user may see it (else 404) and patrols it as its own staff (else 403)."""
    unit = get_in_scope_or_404(
        user, Unit.objects.select_related("region"), perm="unit.view", unit_field="pk", pk=unit_id
    )
    require(user, "obligation.patrol", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    if not belongs_to_unit(user, unit.pk):
        deny(user, "obligation.patrol", obj=unit, region_code=unit.region_id)  # only its own staff
    return unit


def patrol_version(user) -> ChecklistVersion:
    """The current version of the patrol checklist the user may use (a regional copy first)."""
    template = (
        usable_templates(user).filter(code=TEMPLATE_CODE).order_by("-region_code", "-id").first()
    )
    if template is None:
        raise SubmissionError([_("The patrol checklist is not available.")])
    return template.versions.get(is_current=True)


def patrol_items(version: ChecklistVersion) -> list:
    return list(version.items.order_by("sort", "id"))


def record_patrol(
    unit: Unit,
    *,
    actor,
    failed: dict[str, dict],
    other: str = "",
    client_id: str | None = None,
    started_at=None,
    version: ChecklistVersion | None = None,
):
    """Record one patrol; return (inspection, created). `failed` maps an item code to
    {"note": str, "photo_ids": [int]}: each needs a photo. Everything else passed."""
    version = version or patrol_version(actor)
    items = patrol_items(version)
    codes = {i.code for i in items}
    errors = []
    unknown = sorted(set(failed) - codes - {OTHER_ITEM})
    if unknown:
        errors.append(_("Unknown patrol item: %(codes)s.") % {"codes": ", ".join(unknown)})
    for code, f in failed.items():
        if code in codes and not f.get("photo_ids"):
            errors.append(_("Take a photo of each problem found."))
            break
    if errors:
        raise SubmissionError(errors)
    answers = []
    for item in items:
        if item.answer_type == "pass_fail":
            f = failed.get(item.code) or {}
            answers.append(
                {"code": item.code, "result": "fail" if f else "pass",
                 "note": f.get("note", "")[:500], "photo_ids": f.get("photo_ids", [])}
            )  # fmt: skip
        elif item.code == OTHER_ITEM or item.answer_type == "text":
            answers.append({"code": item.code, "text": other[:500] or "无"})
    now = timezone.now()
    payload = {
        "client_id": client_id or str(uuid.uuid4()),
        "unit_id": unit.pk,
        "template_version_id": version.pk,
        "mode": Mode.PATROL,
        "started_at": (started_at or now).isoformat(),
        "device_time": now.isoformat(),
        "team": [],
        "answers": answers,
        "signatures": [],
    }
    return submit_inspection(payload, actor=actor, unit=unit, version=version)
