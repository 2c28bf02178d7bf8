"""Submitting and amending inspections.

`submit_inspection` is idempotent on the device's `client_id` and atomic: the inspection, its
team, answers, photo claims, signatures and the hazards raised by failed items are written in
one transaction, or nothing is. Photos and signature images are uploaded first (evidence API)
and only claimed here, so a failed submission leaves nothing but unclaimed photos for the sweep.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hazardloop.accounts.access import belongs_to_unit, can, scope_for
from hazardloop.audit.services import record_event, record_events
from hazardloop.checklists.basis import marked_basis
from hazardloop.checklists.models import ChecklistVersion
from hazardloop.checklists.services import mark_version_used
from hazardloop.core.references import campaign_covers
from hazardloop.evidence.services import PhotoError, claim_photos
from hazardloop.hazards.applicability import building_classes
from hazardloop.hazards.services import create_hazard, redetermine_unit
from hazardloop.inspections.answers import (
    CleanAnswer,
    SubmissionError,
    clean_answers,
    clean_answers_partial,
)
from hazardloop.inspections.choices import UNIT_OWN_MODES, Mode, Result, SignerRole, TeamRole
from hazardloop.inspections.models import Amendment, Answer, Inspection, Signature, TeamMember
from hazardloop.inspections.team import clean_team


def _aware(value, name: str, errors: list[str]):
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors.append(_("%(field)s is not a date and time.") % {"field": name})
            return None
    if timezone.is_naive(value):
        errors.append(_("%(field)s must carry a time zone.") % {"field": name})
        return None
    return value


def _own(mode: str, actor, unit_id) -> bool:
    """A self-inspection, or a patrol by the unit's own staff (UNIT_OWN_MODES)."""
    return mode == Mode.SELF_INSPECTION or (
        mode in UNIT_OWN_MODES and belongs_to_unit(actor, unit_id)
    )


def _clean_signatures(
    mode: str, signatures: list[dict], errors: list[str], now, *, own_patrol: bool = False
) -> list[dict]:
    out = []
    for raw in signatures or []:
        role = str(raw.get("role") or "")
        name = str(raw.get("name") or "").strip()[:50]
        refused = bool(raw.get("refused"))
        witness = str(raw.get("witness_name") or "").strip()[:50]
        image = raw.get("photo_id")
        if role not in SignerRole.values or not name:
            errors.append(_("Each signature needs a name and whom it signs for."))
            continue
        if refused:
            if role != SignerRole.UNIT or not witness:
                errors.append(
                    _("A refusal to sign is for the unit's representative, with a witness.")
                )
            image = None
        elif not image:
            errors.append(_("The signature of %(name)s is missing.") % {"name": name})
        signed_at = _aware(raw.get("signed_at"), "signed_at", errors) or now
        out.append(
            {
                "role": role,
                "name": name,
                "image_id": int(image) if image else None,
                "refused": refused,
                "witness_name": witness,
                "signed_at": signed_at,
            }
        )
    roles = {s["role"] for s in out}
    if own_patrol:
        # A unit's own patrol (61号令 Art. 25) is signed by the account that records it.
        return out
    if SignerRole.INSPECTOR not in roles:
        errors.append(_("At least one inspector must sign."))
    if mode != Mode.SELF_INSPECTION and SignerRole.UNIT not in roles:
        errors.append(
            _("The unit's representative must sign, or their refusal be recorded with a witness.")
        )
    return out


@dataclass
class _Prepared:
    """A checked submission, ready to write."""

    payload: dict
    actor: object
    unit: object
    version: ChecklistVersion
    client_id: uuid.UUID
    mode: str
    started_at: dt.datetime | None
    device_time: dt.datetime | None
    now: dt.datetime
    team: list[dict]
    signatures: list[dict]
    answers: list[CleanAnswer]


def _client_id(payload: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(payload.get("client_id")))
    except ValueError:
        raise SubmissionError([_("client_id must be a UUID.")]) from None


def _prepare(payload: dict, *, actor, unit, version, client_id) -> _Prepared:
    """Check everything that can be checked before writing; SubmissionError lists problems."""
    now = timezone.now()
    errors: list[str] = []
    mode = str(payload.get("mode") or "")
    if mode not in Mode.values:
        errors.append(_("Choose the mode of the inspection."))
    started_at = _aware(payload.get("started_at"), "started_at", errors)
    device_time = _aware(payload.get("device_time"), "device_time", errors)
    lat, lon = payload.get("latitude"), payload.get("longitude")
    try:
        located = lat is not None and lon is not None
        if (lat is None) != (lon is None) or (
            located and not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180)
        ):
            raise ValueError
    except (TypeError, ValueError):
        errors.append(_("The location is not valid."))
    if not campaign_covers(actor, payload.get("campaign_id"), unit):
        errors.append(_("The campaign is unknown to you or does not cover this unit."))
    team = clean_team(mode, payload.get("team") or [], errors, unit, actor)
    signatures = _clean_signatures(
        mode, payload.get("signatures") or [], errors, now,
        own_patrol=mode == Mode.PATROL and belongs_to_unit(actor, unit.pk),
    )  # fmt: skip
    try:
        answers = clean_answers(version, payload.get("answers") or [])
    except SubmissionError as exc:
        errors.extend(exc.errors)
        answers = []
    if errors:
        raise SubmissionError(errors)
    return _Prepared(
        payload=payload, actor=actor, unit=unit, version=version, client_id=client_id, mode=mode,
        started_at=started_at, device_time=device_time, now=now, team=team,
        signatures=signatures, answers=answers,
    )  # fmt: skip


def submit_inspection(payload: dict, *, actor, unit, version: ChecklistVersion):
    """Record one inspection; return (inspection, created).

    The caller has checked that `actor` may inspect `unit` and use `version`. The same
    `client_id` again returns the first inspection (created=False) and writes nothing; a
    `client_id` used by someone else for another unit is refused. On any error nothing is kept.
    """
    client_id = _client_id(payload)
    existing = _existing(client_id, actor, unit)
    if existing is not None:
        return existing, False
    prepared = _prepare(payload, actor=actor, unit=unit, version=version, client_id=client_id)
    try:
        with transaction.atomic():
            inspection = _write([prepared])[0]
    except IntegrityError:
        # The same client_id committed meanwhile (a concurrent retry): answer with that one.
        existing = _existing(client_id, actor, unit)
        if existing is None:
            raise
        return existing, False
    return inspection, True


def submit_inspections(entries: list[dict]) -> list[tuple[Inspection, bool]]:
    """Record many inspections at once (imports, the demo); return [(inspection, created)].

    Each entry is `{"payload", "actor", "unit", "version"}`, checked by the caller as for
    `submit_inspection`, with the same result row for row, but written with one insert per
    table for the whole batch and one audit batch. Atomic: if any submission is refused
    (SubmissionError naming its client_id), nothing is written.
    """
    ids = [_client_id(e["payload"]) for e in entries]
    if len(set(ids)) != len(ids):
        raise SubmissionError([_("The same client_id is used twice in one batch.")])
    found = {i.client_id: i for i in Inspection.objects.filter(client_id__in=ids)}
    results: list[tuple[Inspection, bool] | None] = []
    todo = []
    for entry, client_id in zip(entries, ids, strict=True):
        existing = found.get(client_id)
        if existing is not None:
            _check_owner(existing, entry["actor"], entry["unit"])
            results.append((existing, False))
            continue
        try:
            todo.append(
                _prepare(
                    entry["payload"],
                    actor=entry["actor"],
                    unit=entry["unit"],
                    version=entry["version"],
                    client_id=client_id,
                )
            )
        except SubmissionError as exc:
            raise SubmissionError([f"{client_id}: {m}" for m in exc.errors], exc.code) from None
        results.append(None)
    with transaction.atomic():
        written = iter(_write(todo))
    return [r if r is not None else (next(written), True) for r in results]


def _existing(client_id, actor, unit) -> Inspection | None:
    existing = Inspection.objects.filter(client_id=client_id).first()
    if existing is not None:
        _check_owner(existing, actor, unit)
    return existing


def _check_owner(existing: Inspection, actor, unit) -> None:
    if existing.inspector_id != actor.pk or existing.unit_id != unit.pk:
        raise SubmissionError(
            [_("This client_id belongs to another submission; the device must make a new one.")],
            code="client_id_conflict",
        )


def _new_inspection(p: _Prepared) -> Inspection:
    leader_id = next(
        (m["user_id"] for m in p.team if m["role"] == TeamRole.LEADER and m["user_id"]), None
    )
    n_failed = sum(1 for a in p.answers if a.result == Result.FAIL)
    n_corrected = sum(1 for a in p.answers if a.result == Result.FAIL and a.corrected_on_spot)
    return Inspection(
        client_id=p.client_id,
        unit=p.unit,
        region_code=p.unit.region_id,
        template_version=p.version,
        mode=p.mode,
        campaign_id=p.payload.get("campaign_id"),
        inspector=p.actor,
        leader_id=leader_id,
        started_at=p.started_at,
        device_time=p.device_time,
        received_at=p.now,
        latitude=p.payload.get("latitude"),
        longitude=p.payload.get("longitude"),
        location_accuracy_m=p.payload.get("accuracy_m"),
        notes=str(p.payload.get("notes") or "")[:5000],
        n_items=len(p.answers),
        n_failed=n_failed,
        n_corrected=n_corrected,
        # every failed item not corrected on the spot raises its hazard below, or nothing is
        # written
        n_hazards=n_failed - n_corrected,
    )


def _write(prepared: list[_Prepared]) -> list[Inspection]:
    """Write checked submissions inside the caller's transaction: one insert per table for
    all of them, then photo claims, hazards and one audit batch."""
    if not prepared:
        return []
    inspections = Inspection.objects.bulk_create([_new_inspection(p) for p in prepared])
    TeamMember.objects.bulk_create(
        [
            TeamMember(inspection=i, user_id=m["user_id"], name=m["name"], role=m["role"])
            for i, p in zip(inspections, prepared, strict=True)
            for m in p.team
        ]
    )
    rows = Answer.objects.bulk_create(
        [
            Answer(
                inspection=i,
                item=a.item,
                code=a.item.code,
                region_code=p.unit.region_id,
                result=a.result,
                number_value=a.number_value,
                text_value=a.text_value,
                note=a.note,
                corrected_on_spot=a.corrected_on_spot,
            )
            for i, p in zip(inspections, prepared, strict=True)
            for a in p.answers
        ]
    )
    pairs = list(zip(rows, (a for p in prepared for a in p.answers), strict=True))
    through = Answer.photos.through
    through.objects.bulk_create(
        [through(answer_id=row.pk, photo_id=pk) for row, a in pairs for pk in a.photo_ids]
    )
    after = Answer.after_photos.through
    after.objects.bulk_create(
        [after(answer_id=row.pk, photo_id=pk) for row, a in pairs for pk in a.after_photo_ids]
    )
    Signature.objects.bulk_create(
        [
            Signature(inspection=i, **s)
            for i, p in zip(inspections, prepared, strict=True)
            for s in p.signatures
        ]
    )
    # Claims, hazards and audit events come last: each audit event takes the audit chain's
    # lock until commit, so the plain inserts above run before any of them. The claims' and the
    # submissions' own audit events are appended together at the end (`record_events`).
    events: list[tuple[str, dict]] = []
    for inspection, p in zip(inspections, prepared, strict=True):
        photo_ids = [pk for a in p.answers for pk in (*a.photo_ids, *a.after_photo_ids)] + [
            s["image_id"] for s in p.signatures if s["image_id"]
        ]
        try:
            claim_photos(
                photo_ids,
                actor=p.actor,
                unit_id=p.unit.pk,
                ref=f"inspection:{inspection.pk}",
                events=events,
            )
        except PhotoError as exc:
            raise SubmissionError([exc.message], code=exc.code) from None
    for version in {p.version.pk: p.version for p in prepared}.values():
        mark_version_used(version, now=prepared[0].now)
    answer_rows = iter(rows)
    linked = []
    for inspection, p in zip(inspections, prepared, strict=True):
        mine = [(next(answer_rows), a) for a in p.answers]
        failed = [(row, a) for row, a in mine if a.raises_hazard]
        ref = f"inspection:{inspection.pk}"
        for row, a in failed:
            row.hazard = _raise_hazard(
                inspection, a, actor=p.actor, ref=f"{ref}/item:{a.item.code}"
            )
            linked.append(row)
        if any(a.item.is_fire for _row, a in failed):
            redetermine_unit(
                p.unit, actor=p.actor, on_date=timezone.localtime(inspection.found_at).date()
            )
        events.append(
            (
                "inspection.submit",
                {
                    "actor": p.actor,
                    "obj": inspection,
                    "after": {
                        "client_id": str(p.client_id),
                        "unit_id": p.unit.pk,
                        "version_id": p.version.pk,
                        "mode": p.mode,
                        "answers": len(p.answers),
                        "failed": len(failed),
                        "corrected_on_spot": [
                            a.item.code for a in p.answers if a.corrected_on_spot
                        ],
                    },
                },
            )
        )
    if linked:
        Answer.objects.bulk_update(linked, ["hazard"])
    record_events(events)
    return inspections


def _raise_hazard(inspection: Inspection, answer: CleanAnswer, *, actor, ref: str):
    item = answer.item
    # The finding, never the requirement: the description opens with the violation wording.
    lines = [item.finding_title]
    if answer.number_value is not None:
        # Hazards are recorded in Chinese whatever the inspector's interface language: the
        # description is printed on notices.
        with translation.override("zh-hans"):
            measured = _("Measured: %(value)s %(unit)s (limit %(low)s–%(high)s).") % {
                "value": answer.number_value.normalize(),
                "unit": item.number_unit,
                "low": "" if item.number_min is None else item.number_min.normalize(),
                "high": "" if item.number_max is None else item.number_max.normalize(),
            }
        lines.append(measured)
    if answer.note:
        lines.append(answer.note)
    if item.other_duty_zh:
        # Recorded with the finding, graded elsewhere: e.g. the gas supplier's duty (§12.2).
        lines.append(f"另涉及其他责任主体：{item.other_duty_zh}")
    # A rate feeds its element only above the limit for this unit's building (§12.1).
    refs = item.refs_for(answer.number_value, building_classes(inspection.unit, item.rule_refs))
    own = _own(inspection.mode, actor, inspection.unit_id)
    source = "self_inspection" if own else "inspection"
    return create_hazard(
        inspection.unit,
        actor=actor,
        source=source,
        description="\n".join(lines),
        category=item.category,
        title=item.finding_title,
        legal_basis=marked_basis(item.legal_basis, item.basis_status),
        rule_refs=refs,
        default_grade=item.default_grade,
        source_ref=ref,
        photo_ids=answer.photo_ids,
        found_at=inspection.found_at,
        fixed_on_spot=False,
        campaign_id=inspection.campaign_id,
    )


def may_amend(user, inspection: Inspection) -> bool:
    """Who may correct a submitted record: its team (the submitter, the leading cadre, team
    members with an account) and, above them, department roles that may inspect its region.
    A unit's own people amend only their unit's self-inspections — never the authorities'
    record of their unit — and nobody amends as the authority on a unit they belong to."""
    if not can(
        user, "inspection.create", region_code=inspection.region_code, unit_id=inspection.unit_id
    ):
        return False
    if inspection.mode == Mode.SELF_INSPECTION:
        return True
    if _own(inspection.mode, inspection.inspector, inspection.unit_id):
        # A unit's own patrol: its people amend it, the authorities never do.
        return belongs_to_unit(user, inspection.unit_id)
    if belongs_to_unit(user, inspection.unit_id):
        return False
    team = {inspection.inspector_id, inspection.leader_id}
    team.update(m.user_id for m in inspection.team.all() if m.user_id)
    if user.pk in team:
        return True
    return scope_for(user, "inspection.create").covers_region(inspection.region_code)


def amend_inspection(
    inspection: Inspection, *, actor, reason: str, changes: list[dict]
) -> Amendment:
    """Record corrections to a submitted inspection without touching its answers.

    Each change names an item `code` and its corrected result / number / text / note. A change
    that turns an item into a failure raises its hazard (unless the item already has one).
    PermissionDenied unless `may_amend(actor, inspection)`.
    """
    if not may_amend(actor, inspection):
        raise PermissionDenied(
            _("Only the inspection team or the authorities above it may amend this record.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError([_("Give the reason for the amendment.")])
    if not changes:
        raise SubmissionError([_("The amendment changes nothing.")])
    version = inspection.template_version
    answers = {a.code: a for a in inspection.answers.select_related("item")}
    errors: list[str] = []
    for change in changes:
        if change.get("code") not in answers:
            errors.append(
                _("%(code)s is not an item of this inspection.") % {"code": change.get("code")}
            )
        elif change.get("corrected_on_spot") or change.get("after_photo_ids"):
            errors.append(
                _(
                    "%(code)s: a correction on the spot is recorded during the inspection, "
                    "not by an amendment."
                )
                % {"code": change.get("code")}
            )
    if errors:
        raise SubmissionError(errors)
    # Judge each change as a full answer of its item, so number limits apply the same way.
    corrected = clean_answers_partial(version, changes)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        number = locked.amendments.count() + 1
        amendment = Amendment.objects.create(
            inspection=locked, number=number, author=actor, reason=reason[:5000], changes=[]
        )
        out = []
        for clean in corrected:
            before = answers[clean.item.code]
            entry = {
                "code": clean.item.code,
                "result": clean.result,
                "number_value": None if clean.number_value is None else str(clean.number_value),
                "text_value": clean.text_value,
                "note": clean.note,
                "before": {
                    "result": before.result,
                    "number_value": None
                    if before.number_value is None
                    else str(before.number_value),
                    "text_value": before.text_value,
                    "note": before.note,
                },
                "hazard_id": None,
            }
            # A finding corrected on the spot stays corrected: amending its wording raises
            # no hazard.
            if (
                clean.result == Result.FAIL
                and before.hazard_id is None
                and not before.corrected_on_spot
            ):
                hazard = _raise_hazard(
                    locked, clean, actor=actor,
                    ref=f"inspection:{locked.pk}/item:{clean.item.code}/amendment:{number}",
                )  # fmt: skip
                entry["hazard_id"] = hazard.pk
            out.append(entry)
        amendment.changes = out
        amendment.save(update_fields=["changes"])
        record_event(
            "inspection.amend",
            actor=actor,
            obj=locked,
            message=reason[:500],
            after={"number": number, "changes": out},
        )
    return amendment
