"""The hazard loop's actions: order, plan, start, submit, verify, close, extensions, grade
overrides, experts and the supervision ladder. Same contract as `hazards.services`."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit import services as audit
from hazardloop.hazards import experts, notices
from hazardloop.hazards.choices import (
    ExtensionStatus,
    Grade,
    PhotoRole,
    Status,
    VerificationResult,
)
from hazardloop.hazards.deadlines import default_deadline
from hazardloop.hazards.models import (
    ExpertAssignment,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    RectificationPlan,
    Verification,
)
from hazardloop.hazards.services.create import _attach_photos, _now
from hazardloop.hazards.workflow import HazardChanged, NotAllowedNow, apply, check, role_allows

# --- the loop --------------------------------------------------------------------------------


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _aware(value, field: str):
    if value is None or timezone.is_naive(value):
        raise ValidationError({field: _("Give a date and time with a time zone.")})
    return value


def order_hazard(
    hazard: Hazard,
    *,
    actor,
    due_at=None,
    measures: str = "",
    responsible_person: str = "",
    reason: str = "",
    now=None,
) -> Hazard:
    """Order the rectification by a deadline (the province's default when `due_at` is None)."""
    check(actor, "order", hazard)
    now = _now(now)
    estimated: list[int] = []
    if due_at is None:
        due_at, estimated = default_deadline(hazard.region_code, hazard.grade, hazard.category, now)
    _aware(due_at, "due_at")
    if due_at <= now:
        raise ValidationError({"due_at": _("The deadline must be in the future.")})
    changes = {"ordered_at": now, "due_at": due_at}
    data = {"due_at": due_at.isoformat()}
    if estimated:
        # A working-day default across a year without a holiday calendar: flagged on the
        # rectification clock (deadlines.py) and the missing years kept with the order.
        changes["clock_estimated"] = True
        data["calendar_missing"] = estimated
    if hazard.original_due_at is None or hazard.status == Status.FOUND:
        changes["original_due_at"] = due_at
    if measures.strip():
        changes["measures"] = measures.strip()
    if responsible_person.strip():
        changes["responsible_person"] = responsible_person.strip()[:50]
    with transaction.atomic(), audit.batch():
        apply(
            hazard,
            "order",
            actor=actor,
            now=now,
            reason=reason,
            data=data,
            changes=changes,
            notice=lambda h: notices.to_unit(h, key="ordered", message=notices.MESSAGES["ordered"]),
        )
    return hazard


def save_plan(hazard: Hazard, *, actor, parts: dict, now=None) -> RectificationPlan:
    """Write the rectification plan (any subset of the six parts); returns the plan."""
    check(actor, "plan", hazard)
    now = _now(now)
    values = {p: (parts.get(p) or "").strip() for p in RectificationPlan.PARTS if p in parts}
    with transaction.atomic():
        plan, _created = RectificationPlan.objects.get_or_create(hazard=hazard)
        for name, value in values.items():
            setattr(plan, name, value)
        plan.updated_by = actor
        plan.save()
        apply(
            hazard,
            "plan",
            actor=actor,
            now=now,
            data={"complete": plan.is_complete, "missing": plan.missing_parts()},
        )
    return plan


def start_rectification(hazard: Hazard, *, actor, reason: str = "", now=None) -> Hazard:
    """The unit starts rectifying. A major hazard needs its six-part plan first."""
    check(actor, "start", hazard)
    if hazard.grade == Grade.MAJOR:
        plan = RectificationPlan.objects.filter(hazard=hazard).first()
        if plan is None or not plan.is_complete:
            raise NotAllowedNow(
                _(
                    "A major hazard needs all six parts of its rectification plan before "
                    "rectification starts."
                )
            )
    with transaction.atomic():
        apply(hazard, "start", actor=actor, now=_now(now), reason=reason)
    return hazard


def submit_rectification(hazard: Hazard, *, actor, note: str, photo_ids=(), now=None) -> Hazard:
    """The unit says the hazard is fixed, with a note and after-photos.

    For a major hazard this is the request for acceptance: the on-site check is due within
    settings.HAZARD_ACCEPTANCE_DAYS days.
    """
    check(actor, "submit", hazard)
    note = _text(note, "note", _("Say what was done."))
    photo_ids = list(photo_ids or ())
    if len(photo_ids) < settings.HAZARD_SUBMIT_MIN_PHOTOS:
        raise ValidationError({"photo_ids": _("Add a photo of the rectified place.")})
    now = _now(now)
    data = {"photos": photo_ids}
    if hazard.grade == Grade.MAJOR:
        data["acceptance_due"] = (
            now + dt.timedelta(days=settings.HAZARD_ACCEPTANCE_DAYS)
        ).isoformat()
    with transaction.atomic():
        event = apply(
            hazard,
            "submit",
            actor=actor,
            now=now,
            reason=note,
            data=data,
            changes={"submitted_at": now, "submitted_by": actor},
        )
        _attach_photos(hazard, event, photo_ids, PhotoRole.AFTER, actor=actor)
        notices.notify_regulators(
            hazard, key=f"submitted:{event.pk}", message=notices.MESSAGES["submitted"]
        )
    return hazard


def _clean_team(team) -> list[dict]:
    out = []
    for member in team or ():
        if isinstance(member, str):
            member = {"name": member}
        name = str(member.get("name", "")).strip()
        if name:
            out.append({"name": name[:50], "role": str(member.get("role", "")).strip()[:50]})
    return out


def verify_hazard(
    hazard: Hazard,
    *,
    actor,
    passed: bool,
    reason: str = "",
    photo_ids=(),
    team=(),
    on_site: bool = True,
    performed_at=None,
    close: bool = False,
    now=None,
) -> Hazard:
    """Record the re-check (or a major hazard's acceptance) of a submitted rectification.

    Passed → verified (and closed at once with `close`); failed → back to rectifying with the
    reason. The verifier is never the person who submitted. A major hazard's acceptance is on
    site, with a team of at least settings.HAZARD_ACCEPTANCE_MIN_TEAM people.
    """
    action = "verify" if passed else "reject"
    if passed and close and not role_allows(actor, "close", hazard):
        # "Close at once" is the close action: an assigned expert may verify but never close.
        raise PermissionDenied(_("Your role does not allow closing (销号) this hazard."))
    check(actor, action, hazard)
    now = _now(now)
    performed_at = performed_at or now
    if not passed:
        reason = _text(reason, "reason", _("Say why the rectification is not accepted."))
    team = _clean_team(team)
    major = hazard.grade == Grade.MAJOR
    if major and passed:
        if not on_site:
            raise ValidationError(_("A major hazard's acceptance is an on-site check."))
        if len(team) < settings.HAZARD_ACCEPTANCE_MIN_TEAM:
            raise ValidationError(
                {
                    "team": _("Name the acceptance team (at least %(n)s people).")
                    % {"n": settings.HAZARD_ACCEPTANCE_MIN_TEAM}
                }
            )
    requested_at = hazard.submitted_at or now
    due_by = requested_at + dt.timedelta(days=settings.HAZARD_ACCEPTANCE_DAYS) if major else None
    changes = {"verified_at": now} if passed else {}

    def notice(h):
        # Keyed by the version the check leaves: one notification per check.
        key = f"verification:v{h.version}"
        if passed:
            return notices.to_unit(h, key=key, message=notices.MESSAGES["verified"])
        return notices.to_unit(
            h,
            key=key,
            message=notices.MESSAGES["rejected"],
            params=notices.hazard_params(h, reason=reason),
        )

    with transaction.atomic(), audit.batch():
        event = apply(
            hazard,
            action,
            actor=actor,
            now=now,
            reason=reason,
            data={"team": team, "on_site": on_site, "late": bool(due_by and performed_at > due_by)},
            changes=changes,
            # The record of the check goes in with the step's own statement (workflow.apply).
            record=Verification(
                hazard=hazard,
                is_acceptance=major,
                requested_at=requested_at,
                due_by=due_by,
                performed_at=performed_at,
                on_site=on_site,
                result=VerificationResult.PASSED if passed else VerificationResult.FAILED,
                verifier=actor,
                team=team,
                note=reason,
            ),
            notice=notice,
        )
        if photo_ids:
            _attach_photos(hazard, event, photo_ids, PhotoRole.AFTER, actor=actor)
        if passed and close:
            apply(hazard, "close", actor=actor, now=now, changes={"closed_at": now})
    return hazard


def close_hazard(hazard: Hazard, *, actor, reason: str = "", now=None) -> Hazard:
    """Close (销号) a verified hazard."""
    check(actor, "close", hazard)
    now = _now(now)
    with transaction.atomic():
        apply(hazard, "close", actor=actor, now=now, reason=reason, changes={"closed_at": now})
    return hazard


def request_extension(
    hazard: Hazard, *, actor, reason: str, proposed_due_at, now=None
) -> ExtensionRequest:
    """The unit asks for a later deadline; one request may be pending at a time."""
    check(actor, "request_extension", hazard)
    now = _now(now)
    reason = _text(reason, "reason", _("Give the reason for the extension."))
    _aware(proposed_due_at, "proposed_due_at")
    if hazard.due_at and proposed_due_at <= hazard.due_at:
        raise ValidationError({"proposed_due_at": _("Propose a date after the deadline.")})
    if ExtensionRequest.objects.filter(hazard=hazard, status=ExtensionStatus.PENDING).exists():
        raise NotAllowedNow(_("An extension request is already waiting for a decision."))
    with transaction.atomic():
        apply(
            hazard,
            "request_extension",
            actor=actor,
            now=now,
            reason=reason,
            data={"proposed_due_at": proposed_due_at.isoformat()},
        )
        request = ExtensionRequest.objects.create(
            hazard=hazard,
            requested_by=actor,
            requested_at=now,
            reason=reason,
            previous_due_at=hazard.due_at,
            proposed_due_at=proposed_due_at,
        )
        notices.notify_regulators(
            hazard,
            key=f"extension:{request.pk}:requested",
            message=notices.MESSAGES["extension_requested"],
            params=notices.hazard_params(
                hazard, due=timezone.localtime(proposed_due_at).strftime("%Y-%m-%d")
            ),
        )
    return request


def decide_extension(
    hazard: Hazard, *, actor, approve: bool, reason: str = "", due_at=None, now=None
) -> ExtensionRequest:
    """Approve (the deadline moves; the original deadline is kept) or refuse the request."""
    action = "approve_extension" if approve else "refuse_extension"
    check(actor, action, hazard)
    now = _now(now)
    request = ExtensionRequest.objects.filter(hazard=hazard, status=ExtensionStatus.PENDING).first()
    if request is None:
        raise NotAllowedNow(_("No extension request is waiting for a decision."))
    if not approve:
        reason = _text(reason, "reason", _("Say why the extension is refused."))
    new_due = (_aware(due_at, "due_at") if due_at else request.proposed_due_at) if approve else None
    if approve and hazard.due_at and new_due <= hazard.due_at:
        raise ValidationError({"due_at": _("The new deadline must be after the current one.")})
    with transaction.atomic():
        changes = {"due_at": new_due} if approve else {}
        apply(
            hazard,
            action,
            actor=actor,
            now=now,
            reason=reason,
            data={
                "request": request.pk,
                "previous_due_at": hazard.due_at.isoformat() if hazard.due_at else None,
                "new_due_at": new_due.isoformat() if new_due else None,
            },
            changes=changes,
        )
        updated = ExtensionRequest.objects.filter(
            pk=request.pk, status=ExtensionStatus.PENDING
        ).update(
            status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
            decided_by=actor,
            decided_at=now,
            decision_reason=reason,
            granted_due_at=new_due,
        )
        if not updated:
            raise HazardChanged(hazard)
        request.refresh_from_db()
        if approve:
            message = notices.MESSAGES["extension_approved"]
            params = notices.hazard_params(hazard)
        else:
            message = notices.MESSAGES["extension_refused"]
            params = notices.hazard_params(hazard, reason=reason)
        notices.notify_users(
            [request.requested_by],
            hazard,
            key=f"extension:{request.pk}:decided",
            message=message,
            params=params,
        )
    return request


def override_grade(hazard: Hazard, *, actor, grade: str, reason: str, now=None) -> Hazard:
    """A person sets the grade with a written reason; the computed reason stays in the event."""
    check(actor, "override_grade", hazard)
    if hazard.determination == "pending":
        raise NotAllowedNow(
            _(
                "This possible major hazard is determined by a collective discussion or an "
                "expert review: record the determination instead."
            )
        )
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Unknown grade.")})
    reason = _text(reason, "reason", _("Give the reason for the override."))
    with transaction.atomic():
        apply(
            hazard,
            "override_grade",
            actor=actor,
            now=_now(now),
            reason=reason,
            data={"from": hazard.grade, "to": grade, "computed_reason": hazard.grade_reason},
            changes={
                "grade": grade,
                "grade_overridden": True,
                "grade_override_reason": reason,
                "grade_reason": f"{grade}: overridden — {reason}"[:400],
            },
        )
    return hazard


def assign_expert(hazard: Hazard, *, actor, expert_id: int, now=None) -> ExpertAssignment:
    """Assign an expert (who may then advise on and verify this hazard) and tell them.

    Only an active expert whose scope covers the hazard may be chosen (`experts.candidates`,
    the picker's list); assigning the same expert again changes nothing.
    """
    check(actor, "assign_expert", hazard)
    now = _now(now)
    expert = experts.candidates(hazard).filter(pk=expert_id).first()
    if expert is None:
        raise ValidationError(
            {"expert_id": _("Choose an active expert whose region covers this hazard.")}
        )
    with transaction.atomic():
        assignment, created = ExpertAssignment.objects.get_or_create(
            hazard=hazard, expert=expert, defaults={"assigned_by": actor, "assigned_at": now}
        )
        if created:
            apply(hazard, "assign_expert", actor=actor, now=now, data={"expert": expert.pk})
            notices.notify_users(
                [expert],
                hazard,
                key=f"expert:{assignment.pk}",
                message=notices.MESSAGES["expert_assigned"],
            )
    return assignment


def advise_hazard(hazard: Hazard, *, actor, text: str, now=None) -> HazardEvent:
    """An assigned expert's advice, kept on the timeline."""
    check(actor, "advise", hazard)
    text = _text(text, "text", _("Write the advice."))
    with transaction.atomic():
        return apply(hazard, "advise", actor=actor, now=_now(now), reason=text)
