"""Writing a unit's staff list, its trainings, phone signatures and 四个能力 checks. Each
function is one transaction with its audit event; the caller has checked access (access.py)."""

import base64
import binascii
import datetime as dt
import io

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.services import claim_photos, store_photo
from hazardloop.regions import codes
from hazardloop.training import quiz
from hazardloop.training.choices import Post, SignedBy, TrainingItem
from hazardloop.training.models import (
    PracticalCheck,
    QuizAttempt,
    QuizQuestion,
    StaffMember,
    Training,
    TrainingAttendance,
)

MAX_SIGNATURE_BYTES = 300_000


class TrainingError(DomainError):
    pass


def province_of(unit) -> str:
    return codes.ancestor_at(unit.region_id, "province")


def _staff_state(m: StaffMember) -> dict:
    return {
        "name": m.name, "post": m.post, "phone": m.phone,
        "hired_on": m.hired_on.isoformat() if m.hired_on else None,
        "left_on": m.left_on.isoformat() if m.left_on else None,
    }  # fmt: skip


def clean_staff(*, name: str, post: str, phone: str = "", hired_on=None, left_on=None) -> dict:
    """The fields of a staff member, checked: TrainingError with the first problem."""
    name = (name or "").strip()
    if not name:
        raise TrainingError(_("Enter the person's name."))
    if len(name) > 50:
        raise TrainingError(_("The name is too long (at most 50 characters)."))
    if post not in Post.values:
        raise TrainingError(_("Choose the person's post."))
    phone = (phone or "").strip()
    if len(phone) > 20:
        raise TrainingError(_("The phone number is too long."))
    today = timezone.localdate()
    if hired_on and hired_on > today:
        raise TrainingError(_("The start date cannot be in the future."))
    if left_on and hired_on and left_on < hired_on:
        raise TrainingError(_("The leaving date is before the start date."))
    return {"name": name, "post": post, "phone": phone, "hired_on": hired_on, "left_on": left_on}


def add_staff(unit, *, actor, **fields) -> StaffMember:
    """Add a person to the unit's staff list."""
    values = clean_staff(**fields)
    with transaction.atomic():
        member = StaffMember.objects.create(unit=unit, **values)
        record_event(
            "staff.added", actor=actor, obj=member, region_code=unit.region_id,
            after=_staff_state(member),
        )  # fmt: skip
    return member


def edit_staff(member: StaffMember, *, actor, **fields) -> StaffMember:
    """Change a person's name, post, phone or dates."""
    values = clean_staff(**fields)
    with transaction.atomic():
        before = _staff_state(member)
        for k, v in values.items():
            setattr(member, k, v)
        member.save(update_fields=list(values))
        record_event(
            "staff.changed", actor=actor, obj=member, region_code=member.unit.region_id,
            before=before, after=_staff_state(member),
        )  # fmt: skip
    return member


def mark_left(member: StaffMember, *, actor, on: dt.date | None = None) -> StaffMember:
    """The person no longer works at the unit (kept for the records that name them)."""
    on = on or timezone.localdate()
    if member.left_on is not None:
        raise Conflict(_("This person has already left."))
    if member.hired_on and on < member.hired_on:
        raise TrainingError(_("The leaving date is before the start date."))
    return edit_staff(
        member, actor=actor, name=member.name, post=member.post, phone=member.phone,
        hired_on=member.hired_on, left_on=on,
    )  # fmt: skip


def import_staff(unit, rows: list[dict], *, actor) -> list[StaffMember]:
    """Add checked rows (importing.py) to the staff list, all or nothing."""
    with transaction.atomic():
        made = StaffMember.objects.bulk_create([StaffMember(unit=unit, **r) for r in rows])
        record_event(
            "staff.imported", actor=actor, obj=unit, region_code=unit.region_id,
            after={"rows": len(made)},
        )  # fmt: skip
    return made


def record_training(
    unit, *, actor, topic: str, items: list[str], trainer: str, held_at: dt.datetime,
    duration_minutes: int, pre_job: bool = False, staff_ids=(), photo_ids=(),
) -> Training:  # fmt: skip
    """Record a training of the unit with the staff listed as attending (by the trainer) and
    photos uploaded first (evidence). TrainingError when a field is missing or wrong, a staff
    id is not on the unit's current list, or a photo is not the unit's."""
    topic, trainer = (topic or "").strip(), (trainer or "").strip()
    items = list(dict.fromkeys(items or []))
    if not topic:
        raise TrainingError(_("Enter the topic of the training."))
    if not trainer:
        raise TrainingError(_("Enter who gave the training."))
    if not items or any(i not in TrainingItem.values for i in items):
        raise TrainingError(_("Choose what the training covered."))
    if not 1 <= int(duration_minutes) <= 24 * 60:
        raise TrainingError(_("The duration must be between 1 minute and 24 hours."))
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise TrainingError(_("A training is recorded once it has been held."))
    ids = list(dict.fromkeys(int(i) for i in staff_ids))
    staff = StaffMember.objects.filter(unit=unit, pk__in=ids).only("pk", "left_on")
    valid = {
        m.pk for m in staff if m.left_on is None or m.left_on >= timezone.localtime(held_at).date()
    }
    if len(valid) != len(ids):
        raise TrainingError(_("Choose attendees from the unit's current staff list."))
    with transaction.atomic():
        training = Training.objects.create(
            unit=unit, topic=topic[:200], items=items, trainer=trainer[:100], held_at=held_at,
            duration_minutes=int(duration_minutes), pre_job=bool(pre_job), created_by=actor,
        )  # fmt: skip
        if photo_ids:
            photos = claim_photos(
                photo_ids, actor=actor, unit_id=unit.pk, ref=f"training:{training.pk}"
            )
            training.photos.set(photos)
        TrainingAttendance.objects.bulk_create(
            [TrainingAttendance(training=training, staff_id=pk) for pk in ids]
        )
        record_event(
            "training.recorded", actor=actor, obj=training, region_code=unit.region_id,
            after={"topic": training.topic, "items": items, "held_at": held_at.isoformat(),
                   "pre_job": training.pre_job, "attendees": len(ids),
                   "photos": len(list(photo_ids))},
        )  # fmt: skip
    return training


def _signature_bytes(data_url: str) -> bytes:
    head, _sep, body = (data_url or "").partition(",")
    if head != "data:image/png;base64" or not body:
        raise TrainingError(_("Sign in the box with your finger first."))
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise TrainingError(_("The signature could not be read; sign again.")) from None
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise TrainingError(_("The signature could not be read; sign again."))
    return raw


def sign_attendance(training: Training, staff_id, *, signature: str) -> TrainingAttendance:
    """A staff member signs their attendance on a phone (no account; the signed link names the
    training). The drawn signature is kept as an evidence photo, recorded under the account
    that recorded the training. Signing twice keeps the first signature."""
    member = StaffMember.objects.filter(unit_id=training.unit_id, pk=staff_id).first()
    if member is None or (
        member.left_on and member.left_on < timezone.localtime(training.held_at).date()
    ):
        raise TrainingError(_("Choose your name from the list."))
    raw = _signature_bytes(signature)
    now = timezone.now()
    with transaction.atomic():
        row = (
            TrainingAttendance.objects.select_for_update()
            .filter(training=training, staff=member)
            .first()
        )
        if row is not None and row.signed_at is not None:
            raise Conflict(_("You have already signed for this training."))
        photo = None
        if training.created_by_id:
            upload = io.BytesIO(raw)
            upload.name = "signature.png"
            photo = store_photo(
                upload, actor=training.created_by, region_code=training.unit.region_id,
                unit_id=training.unit_id, kind=PhotoKind.SIGNATURE,
            )  # fmt: skip
            claim_photos(
                [photo.pk], actor=training.created_by, unit_id=training.unit_id,
                ref=f"training:{training.pk}",
            )  # fmt: skip
        if row is None:
            try:
                with transaction.atomic():
                    row = TrainingAttendance.objects.create(
                        training=training, staff=member, signed=SignedBy.PHONE, signed_at=now,
                        signature=photo,
                    )  # fmt: skip
            except IntegrityError:
                raise Conflict(_("You have already signed for this training.")) from None
        else:
            row.signed, row.signed_at, row.signature = SignedBy.PHONE, now, photo
            row.save(update_fields=["signed", "signed_at", "signature"])
        record_event(
            "training.signed", actor=None, actor_label="phone", obj=training,
            region_code=training.unit.region_id,
            after={"staff_id": member.pk, "signed_at": now.isoformat()},
        )  # fmt: skip
    return row


def record_practical(
    member: StaffMember, *, actor, trainer: str, extinguisher: bool, exits: bool,
    reports_119: bool, checked_at: dt.datetime | None = None,
) -> PracticalCheck:  # fmt: skip
    """The trainer's practical check of one person (uses an extinguisher, knows the exits,
    reports a fire to 119); passed when all three are shown."""
    trainer = (trainer or "").strip()
    if not trainer:
        raise TrainingError(_("Enter who checked."))
    if member.left_on is not None:
        raise TrainingError(_("This person has left the unit."))
    checked_at = checked_at or timezone.now()
    passed = bool(extinguisher and exits and reports_119)
    with transaction.atomic():
        check = PracticalCheck.objects.create(
            staff=member, checked_at=checked_at, trainer=trainer[:100],
            extinguisher=bool(extinguisher), exits=bool(exits), reports_119=bool(reports_119),
            passed=passed, recorded_by=actor,
        )  # fmt: skip
        record_event(
            "training.practical", actor=actor, obj=member, region_code=member.unit.region_id,
            after={"extinguisher": check.extinguisher, "exits": check.exits,
                   "reports_119": check.reports_119, "passed": passed},
        )  # fmt: skip
    return check


def submit_quiz(unit, staff_id, *, asked: list[int], answers: dict[int, int]) -> QuizAttempt:
    """A staff member's quiz taken on a phone (no account; the signed link names the unit).
    `asked` are the question ids shown, `answers` question id → original option index."""
    member = StaffMember.objects.filter(unit=unit, pk=staff_id, left_on__isnull=True).first()
    if member is None:
        raise TrainingError(_("Choose your name from the list."))
    questions = {q.pk: q for q in quiz.bank(province_of(unit)).filter(pk__in=asked)}
    if not asked or len(questions) != len(set(asked)):
        raise TrainingError(_("The quiz has changed meanwhile; start it again."))
    if any(answers.get(pk) is None for pk in questions):
        raise TrainingError(_("Answer every question."))
    correct = sum(1 for pk, q in questions.items() if answers[pk] == q.answer)
    total = len(questions)
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            staff=member, taken_at=timezone.now(), asked=list(questions),
            answers=[answers[pk] for pk in questions], correct=correct, total=total,
            passed=quiz.passes(correct, total),
        )  # fmt: skip
        record_event(
            "training.quiz", actor=None, actor_label="phone", obj=member,
            region_code=unit.region_id,
            after={"correct": correct, "total": total, "passed": attempt.passed},
        )  # fmt: skip
    return attempt


def save_question(
    province: str, *, actor, question: QuizQuestion | None = None, text_zh: str,
    text_en: str = "", options: list[tuple[str, str]], answer: int, active: bool = True,
) -> QuizQuestion:  # fmt: skip
    """Add or change a question of the province's quiz bank. Options are (zh, en) pairs; blank
    ones are dropped; at least two, and the right answer (an index into `options`) among them."""
    text_zh = (text_zh or "").strip()
    keep = [i for i, (z, _e) in enumerate(options) if (z or "").strip()]
    opts = [(options[i][0].strip(), (options[i][1] or "").strip()) for i in keep]
    if not text_zh:
        raise TrainingError(_("Enter the question."))
    if len(opts) < 2:
        raise TrainingError(_("Give at least two answers to choose from."))
    if answer not in keep:
        raise TrainingError(_("Mark the right answer."))
    answer = keep.index(answer)
    with transaction.atomic():
        before = None
        if question is None:
            n = QuizQuestion.objects.filter(province=province).count()
            question = QuizQuestion(province=province, code=f"p{n + 1}", sort=n)
        else:
            before = {"text_zh": question.text_zh, "answer": question.answer,
                      "active": question.active}  # fmt: skip
        question.text_zh, question.text_en = text_zh[:300], (text_en or "").strip()[:300]
        question.options = [{"zh": z[:200], "en": e[:200]} for z, e in opts]
        question.answer, question.active, question.changed_by = answer, bool(active), actor
        question.save()
        record_event(
            "training.quiz_question", actor=actor, obj=question, region_code=province,
            before=before,
            after={"text_zh": question.text_zh, "answer": answer, "active": question.active},
        )  # fmt: skip
    return question
