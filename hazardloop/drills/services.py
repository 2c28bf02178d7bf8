"""Recording a unit's drills and keeping its emergency plans.

- `store_plan(unit, upload, *, actor, title)` keeps a plan document of the unit (a PDF or a
  photo through `evidence.documents`, refused with PhotoError and nothing stored otherwise).
- `record_drill(unit, *, actor, ...)` records one drill in one transaction: its participants from
  the unit's staff list, its photos (claimed from the evidence store), and its problems; each
  problem marked `hazard` becomes a self-found hazard of the unit through
  `hazards.services.create_hazard` (source self_inspection, so a general one is rectified and
  closed by the unit itself, hazards.workflow.UNIT_SELF_CLOSE; a major one goes to the
  regulator). The caller has checked the actor may record (drills.access.unit_to_record).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import require
from hazardloop.audit.services import record_event
from hazardloop.drills.choices import Rating
from hazardloop.drills.models import (
    MAX_SECONDS,
    SCENARIO_MAX,
    TEXT_MAX,
    Drill,
    DrillPlan,
    DrillProblem,
)
from hazardloop.evidence.documents import store_document
from hazardloop.evidence.services import claim_photos
from hazardloop.hazards.choices import Category, Source
from hazardloop.hazards.services import create_hazard
from hazardloop.training.models import StaffMember

MAX_PROBLEMS = 20
MAX_PHOTOS = 10
PROBLEM_MAX = 500


def store_plan(unit, upload, *, actor, title: str = "") -> DrillPlan:
    """Keep an emergency plan document of the unit; returns the new plan."""
    require(actor, "drill.record", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    doc = store_document(upload, folder="drill_plans")
    title = (title or "").strip()[:200] or doc.original_name.rsplit(".", 1)[0][:200]
    with transaction.atomic():
        plan = DrillPlan.objects.create(
            unit=unit, region_code=unit.region_id, title=title or _("Emergency plan"),
            file=doc.name, content_type=doc.content_type, bytes=doc.bytes, sha256=doc.sha256,
            uploaded_by=actor,
        )  # fmt: skip
        record_event(
            "drill.plan_stored", actor=actor, obj=plan,
            after={"unit_id": unit.pk, "bytes": doc.bytes, "content_type": doc.content_type},
        )  # fmt: skip
    return plan


def _problems(raw, errors: dict) -> list[dict]:
    out = []
    for p in raw or ():
        text = (p.get("description") or "").strip()
        if not text:
            continue
        if len(text) > PROBLEM_MAX:
            errors["problems"] = _("At most %(count)s characters.") % {"count": PROBLEM_MAX}
        category = p.get("category") or Category.OTHER
        if category not in Category.values:
            errors["problems"] = _("Unknown category.")
        out.append({"description": text, "hazard": bool(p.get("hazard")), "category": category})
    if len(out) > MAX_PROBLEMS:
        errors["problems"] = _("At most %(count)s problems.") % {"count": MAX_PROBLEMS}
    return out


def check_drill(
    unit, *, held_at, scenario, participant_ids=(), others_count=0, evacuation_seconds=None,
    rating, evaluation="", plan_id=None, problems=(), photo_ids=(), now=None,
) -> dict:  # fmt: skip
    """The cleaned fields of a drill, or ValidationError naming each bad field."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    scenario = (scenario or "").strip()
    if not scenario:
        errors["scenario"] = _("Describe the scenario of the drill.")
    elif len(scenario) > SCENARIO_MAX:
        errors["scenario"] = _("At most %(count)s characters.") % {"count": SCENARIO_MAX}
    if held_at is None or timezone.is_naive(held_at):
        errors["held_at"] = _("Give the date and time of the drill.")
    elif held_at > now + dt.timedelta(minutes=5):
        errors["held_at"] = _("The drill cannot be in the future.")
    if rating not in Rating.values:
        errors["rating"] = _("Choose how the drill went.")
    evaluation = (evaluation or "").strip()
    if len(evaluation) > TEXT_MAX:
        errors["evaluation"] = _("At most %(count)s characters.") % {"count": TEXT_MAX}
    if evacuation_seconds is not None and not (0 < evacuation_seconds <= MAX_SECONDS):
        errors["evacuation_seconds"] = _("Give the evacuation time in seconds (at most a day).")
    if others_count is None or others_count < 0 or others_count > 100000:
        errors["others_count"] = _("Give the number of other participants.")
    ids = sorted({int(i) for i in participant_ids or ()})
    staff = []
    if ids:
        staff = list(StaffMember.objects.filter(unit=unit, pk__in=ids))
        if len(staff) != len(ids):
            errors["participant_ids"] = _("Choose participants from the unit's staff list.")
    if not ids and not others_count and "others_count" not in errors:
        errors["participant_ids"] = _("Choose the participants or give their number.")
    plan = None
    if plan_id:
        plan = DrillPlan.objects.filter(unit=unit, pk=plan_id).first()
        if plan is None:
            errors["plan_id"] = _("Choose one of the unit's emergency plans.")
    photo_ids = list(dict.fromkeys(int(i) for i in photo_ids or ()))
    if len(photo_ids) > MAX_PHOTOS:
        errors["photo_ids"] = _("At most %(count)s photos.") % {"count": MAX_PHOTOS}
    cleaned_problems = _problems(problems, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "held_at": held_at, "scenario": scenario, "staff": staff,
        "others_count": others_count or 0, "evacuation_seconds": evacuation_seconds,
        "rating": rating, "evaluation": evaluation, "plan": plan, "problems": cleaned_problems,
        "photo_ids": photo_ids,
    }  # fmt: skip


def record_drill(unit, *, actor, now=None, **fields) -> Drill:
    """Record one drill of `unit` (fields as `check_drill`); returns it with its problems.

    ValidationError for bad input and PhotoError for a photo of another unit, nothing saved;
    PermissionDenied when a problem should become a hazard and the actor may not record one."""
    require(actor, "drill.record", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    data = check_drill(unit, now=now, **fields)
    if any(p["hazard"] for p in data["problems"]):
        require(actor, "hazard.create", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    with transaction.atomic():
        drill = Drill.objects.create(
            unit=unit, region_code=unit.region_id, plan=data["plan"], held_at=data["held_at"],
            scenario=data["scenario"], others_count=data["others_count"],
            evacuation_seconds=data["evacuation_seconds"], rating=data["rating"],
            evaluation=data["evaluation"], recorded_by=actor,
        )  # fmt: skip
        if data["staff"]:
            drill.participants.set(data["staff"])
        if data["photo_ids"]:
            photos = claim_photos(
                data["photo_ids"], actor=actor, unit_id=unit.pk, ref=f"drill:{drill.pk}"
            )
            drill.photos.set(photos)
        hazard_ids = []
        for p in data["problems"]:
            hazard = None
            if p["hazard"]:
                hazard = create_hazard(
                    unit, actor=actor, source=Source.SELF_INSPECTION,
                    source_ref=f"drill:{drill.pk}", description=p["description"],
                    category=p["category"], found_at=min(data["held_at"], timezone.now()),
                )  # fmt: skip
                hazard_ids.append(hazard.pk)
            DrillProblem.objects.create(drill=drill, description=p["description"], hazard=hazard)
        record_event(
            "drill.recorded", actor=actor, obj=drill,
            after={
                "unit_id": unit.pk, "held_at": drill.held_at.isoformat(),
                "participants": len(data["staff"]), "others": drill.others_count,
                "evacuation_seconds": drill.evacuation_seconds, "rating": drill.rating,
                "problems": len(data["problems"]), "hazard_ids": hazard_ids,
                "plan_id": drill.plan_id,
            },
        )  # fmt: skip
    return drill
