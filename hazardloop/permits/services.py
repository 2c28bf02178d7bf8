"""Applying for a hot-work permit and moving it along (docs/permits.md).

- `create_permit` writes the unit's application (a draft, or submitted at once): the grade from
  the grading answers, the window within the grade's validity, the worker and fire watch from
  the unit's current staff, the measures and the first gas tests.
- `perform` runs one action of the transition table (permits.workflow) with its input. An
  approval runs every check of permits.rules first: if any fails, the permit is refused with
  each reason recorded (the approver cannot approve past them).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import belongs_to_unit, deny, require
from hazardloop.audit.services import record_event
from hazardloop.evidence.services import claim_photos
from hazardloop.permits import config, rules, workflow
from hazardloop.permits.choices import PermitStatus, RefusalReason
from hazardloop.permits.models import (
    NOTE_MAX,
    PLACE_MAX,
    REASON_MAX,
    GasReading,
    HotWorkPermit,
    PermitEvent,
)
from hazardloop.training.models import StaffMember

# A gas test may be dated this far ahead of the server's clock (phones run a little fast).
CLOCK_SLACK = dt.timedelta(minutes=5)


def _staff(unit, pk, field: str, errors: dict, on: dt.date):
    person = StaffMember.objects.filter(pk=pk, unit=unit).first() if pk else None
    if person is None or (person.left_on is not None and person.left_on <= on):
        errors[field] = _("Choose a current member of the unit's staff.")
        return None
    return person


def clean_reading(raw: dict, now: dt.datetime, errors: dict, field: str = "gas") -> dict | None:
    """A gas test's fields checked: a time not in the future, a reading 0–100 % LEL."""
    taken_at = raw.get("taken_at")
    try:
        value = Decimal(str(raw.get("lel_percent"))).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if not isinstance(taken_at, dt.datetime) or timezone.is_naive(taken_at):
        errors[field] = _("Give the time the gas test was taken.")
        return None
    if taken_at > now + CLOCK_SLACK:
        errors[field] = _("The gas test's time lies in the future.")
        return None
    if value is None or not (0 <= value <= 100):
        errors[field] = _("Give the reading as a share of the lower explosive limit, 0 to 100.")
        return None
    return {
        "taken_at": taken_at,
        "lel_percent": value,
        "point": str(raw.get("point") or "").strip()[:100],
        "taken_by": str(raw.get("taken_by") or "").strip()[:50],
    }


def create_permit(
    unit,
    *,
    actor,
    place: str,
    reason: str,
    planned_start: dt.datetime,
    planned_end: dt.datetime,
    worker_id: int | None,
    fire_watch_id: int | None,
    answers=(),
    measures=(),
    gas_readings=(),
    submit: bool = False,
    now: dt.datetime | None = None,
) -> HotWorkPermit:
    """The unit's application; ValidationError naming each bad field, nothing saved."""
    now = now or timezone.now()
    require(actor, "permit.apply", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    if not belongs_to_unit(actor, unit.pk):
        deny(actor, "permit.apply", obj=unit)  # the unit's own people apply, nobody for them
    errors: dict[str, str] = {}
    place, reason = (place or "").strip(), (reason or "").strip()
    if not place:
        errors["place"] = _("Say where the hot work is done.")
    elif len(place) > PLACE_MAX:
        errors["place"] = _("At most %(count)s characters.") % {"count": PLACE_MAX}
    if not reason:
        errors["reason"] = _("Say what work is done.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("At most %(count)s characters.") % {"count": REASON_MAX}
    known = {q.code for q in config.questions()}
    answers = [a for a in dict.fromkeys(answers or []) if a in known]
    grade = config.grade_for(answers)
    cap = config.cap_hours(grade)
    valid_until = None
    if not isinstance(planned_start, dt.datetime) or not isinstance(planned_end, dt.datetime):
        errors["planned_start"] = _("Give the start and end of the work.")
    elif planned_end <= planned_start:
        errors["planned_end"] = _("The end lies before the start.")
    elif planned_end - planned_start > dt.timedelta(hours=cap):
        errors["planned_end"] = _(
            "A permit of this grade is valid for at most %(hours)s hours (this system's "
            "setting): shorten the window or apply for another permit."
        ) % {"hours": cap}
    elif planned_end <= now:
        errors["planned_end"] = _("The window has passed already.")
    else:
        valid_until = planned_end
    day = timezone.localdate(now)
    worker = _staff(unit, worker_id, "worker_id", errors, day)
    watch = _staff(unit, fire_watch_id, "fire_watch_id", errors, day)
    if worker and watch and worker.pk == watch.pk:
        errors["fire_watch_id"] = _("The fire watch is another person than the worker.")
    all_measures = config.measures()
    measures = [m.code for m in all_measures if m.code in set(measures or [])]
    if submit:
        missing = [m.text for m in all_measures if m.required and m.code not in measures]
        if missing:
            errors["measures"] = _("Confirm every required measure: %(list)s") % {
                "list": "; ".join(missing)
            }
    readings = []
    for raw in gas_readings or []:
        reading = clean_reading(raw, now, errors)
        if reading:
            readings.append(reading)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        permit = HotWorkPermit.objects.create(
            unit=unit,
            region_code=unit.region_id,
            place=place,
            reason=reason,
            answers=answers,
            grade=grade,
            planned_start=planned_start,
            planned_end=planned_end,
            valid_until=valid_until,
            worker=worker,
            fire_watch=watch,
            measures=measures,
            applicant=actor,
            created_at=now,
        )
        GasReading.objects.bulk_create(
            [GasReading(permit=permit, recorded_by=actor, **r) for r in readings]
        )
        PermitEvent.objects.create(
            permit=permit, kind="created", to_status=permit.status, actor=actor, at=now
        )
        record_event(
            "permit.create",
            actor=actor,
            obj=permit,
            after={"grade": grade, "unit_id": unit.pk, "gas_readings": len(readings)},
        )
        if submit:
            workflow.apply(permit, "submit", actor=actor, now=now)
    return permit


def _require_measures(permit: HotWorkPermit) -> None:
    missing = [m.text for m in config.measures() if m.required and m.code not in permit.measures]
    if missing:
        raise ValidationError(
            {
                "measures": _("Confirm every required measure: %(list)s")
                % {"list": "; ".join(missing)}
            }
        )


def _approve(permit, actor, now, note: str):
    problems = rules.refusals(permit, now)
    if problems:
        codes = [code for code, _details in problems]
        workflow.apply(
            permit, "approve", actor=actor, now=now, target=PermitStatus.REFUSED, note=note,
            data={"reasons": codes, "details": dict(problems)},
            changes={"refusal_reasons": codes, "ended_at": now},
        )  # fmt: skip
        return
    steps = config.approval_steps(permit.grade)
    signed = [
        *permit.approvals,
        {"role": steps[len(permit.approvals)], "user": actor.pk, "name": str(actor),
         "at": now.isoformat()},
    ]  # fmt: skip
    last = len(signed) >= len(steps)
    changes = {"approvals": signed}
    if last:
        changes["approved_at"] = now
    workflow.apply(
        permit, "approve", actor=actor, now=now, note=note, changes=changes,
        target=None if last else permit.status, data={"step": len(signed), "of": len(steps)},
    )  # fmt: skip


def perform(
    permit: HotWorkPermit,
    action: str,
    *,
    actor,
    version: int | None = None,
    note: str = "",
    reading: dict | None = None,
    matches: bool | None = None,
    no_smouldering: bool = False,
    photo_ids=(),
    now: dt.datetime | None = None,
) -> HotWorkPermit:
    """Run one action on the permit as `actor` (see the module). Raises PermissionDenied,
    NotAllowedNow, PermitChanged or ValidationError; nothing is written then — except an
    approval that fails its checks, which is recorded as the refusal it is."""
    now = now or timezone.now()
    workflow.check(actor, action, permit)
    if version is not None and version != permit.version:
        raise workflow.PermitChanged()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": NOTE_MAX}})
    with transaction.atomic():
        if action == "submit":
            _require_measures(permit)
            workflow.apply(permit, action, actor=actor, now=now, note=note)
        elif action == "approve":
            _approve(permit, actor, now, note)
        elif action == "refuse":
            if not note:
                raise ValidationError({"note": _("Say why the permit is refused.")})
            codes = [RefusalReason.BY_APPROVER]
            workflow.apply(
                permit, action, actor=actor, now=now, note=note, data={"reasons": codes},
                changes={"refusal_reasons": codes, "ended_at": now},
            )  # fmt: skip
        elif action == "gas_test":
            errors: dict = {}
            clean = clean_reading(reading or {}, now, errors)
            if errors:
                raise ValidationError(errors)
            GasReading.objects.create(permit=permit, recorded_by=actor, **clean)
            data = {
                "lel_percent": str(clean["lel_percent"]),
                "taken_at": clean["taken_at"].isoformat(),
            }
            workflow.apply(permit, action, actor=actor, now=now, note=note, data=data)
        elif action == "start":
            if now < permit.planned_start:
                raise workflow.NotAllowedNow(
                    _("The permit's window starts at %(at)s.")
                    % {"at": rules.local_time(permit.planned_start)}
                )
            gas = rules.gas_problem(permit, now)
            if gas:
                raise workflow.NotAllowedNow(rules.sentence(*gas))
            changes = {"started_at": permit.started_at or now}
            workflow.apply(permit, action, actor=actor, now=now, note=note, changes=changes)
        elif action == "interrupt":
            workflow.apply(
                permit, action, actor=actor, now=now, note=note, changes={"interrupted_at": now}
            )
        elif action == "close":
            ids = [int(i) for i in photo_ids or []]
            errors = {}
            if not no_smouldering:
                errors["no_smouldering"] = _(
                    "Confirm the after-check: no smouldering or hot spots left at the place."
                )
            if len(ids) < settings.PERMIT_CLOSE_MIN_PHOTOS:
                errors["photo_ids"] = _("Add a photo of the place after the work.")
            if errors:
                raise ValidationError(errors)
            photos = claim_photos(
                ids, actor=actor, unit_id=permit.unit_id, ref=f"permit:{permit.pk}",
                region_code=permit.region_code,
            )  # fmt: skip
            permit.after_photos.add(*photos)
            workflow.apply(
                permit, action, actor=actor, now=now, note=note,
                changes={"no_smouldering": True, "after_note": note, "ended_at": now},
                data={"photos": ids},
            )  # fmt: skip
        elif action == "cancel":
            workflow.apply(
                permit, action, actor=actor, now=now, note=note, changes={"ended_at": now}
            )
        elif action == "site_check":
            if matches is None:
                raise ValidationError({"matches": _("Say whether the site matches the permit.")})
            if not matches and not note:
                raise ValidationError({"note": _("Say what does not match.")})
            workflow.apply(
                permit, action, actor=actor, now=now, note=note, data={"matches": matches}
            )
    return permit


def expire_permits(now: dt.datetime) -> int:
    """End every live permit whose validity has run out (the sweep step, permits.jobs)."""
    count = 0
    due = HotWorkPermit.objects.filter(
        status__in=workflow.ACTIONS["expire"].sources, valid_until__lte=now
    ).order_by("valid_until", "pk")
    for permit in due.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                workflow.apply(
                    permit, "expire", actor=None, now=now, changes={"ended_at": now},
                    data={"valid_until": permit.valid_until.isoformat()},
                )  # fmt: skip
        except workflow.PermitChanged:
            continue  # someone closed or cancelled it meanwhile: next run sees it
        count += 1
    return count
