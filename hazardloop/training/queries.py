"""Who counts as trained and who holds a valid certificate: the answers other apps (hot-work
permits, the fire-control room's shifts, the duty calendar) read. Windows are configuration:
settings.TRAINING_VALID_MONTHS."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hazardloop.training.models import (
    Certificate,
    PracticalCheck,
    QuizAttempt,
    StaffMember,
    TrainingAttendance,
)


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    # The same day of month, or the month's last day (31 March − 1 month → 28/29 February).
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _local_day(at: dt.datetime) -> dt.date:
    """The day of `at` where the unit is (settings.TIME_ZONE), as DateFields are kept."""
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def training_window_start(at: dt.datetime) -> dt.date:
    return _months_before(_local_day(at), settings.TRAINING_VALID_MONTHS)


def trained_staff(staff_ids, at: dt.datetime) -> set[int]:
    """The ids among `staff_ids` who count as trained at `at`: they attended a training held
    within the last TRAINING_VALID_MONTHS up to `at`, and — if they started work within that
    window (new staff) — a pre-job training before `at`. Staff who have left are never trained."""
    ids = list(staff_ids)
    if not ids:
        return set()
    since = training_window_start(at)
    recent = set(
        TrainingAttendance.objects.filter(
            staff_id__in=ids, training__held_at__lte=at, training__held_at__date__gte=since
        ).values_list("staff_id", flat=True)
    )
    if not recent:
        return set()
    pre_job = set(
        TrainingAttendance.objects.filter(
            staff_id__in=recent, training__pre_job=True, training__held_at__lte=at
        ).values_list("staff_id", flat=True)
    )
    out = set()
    for pk, hired, left in StaffMember.objects.filter(pk__in=recent).values_list(
        "pk", "hired_on", "left_on"
    ):
        if left is not None and left <= _local_day(at):
            continue
        is_new = hired is not None and hired >= since
        if not is_new or pk in pre_job:
            out.add(pk)
    return out


def valid_certificates(staff_ids, kinds, on: dt.date) -> dict[int, Certificate]:
    """For each of `staff_ids` holding a certificate of one of `kinds` valid on `on` (issued on
    or before, expiring on or after), the one that runs longest."""
    out: dict[int, Certificate] = {}
    qs = Certificate.objects.filter(
        holder_id__in=list(staff_ids), kind__in=list(kinds), expires_on__gte=on
    ).filter(Q(issued_on__isnull=True) | Q(issued_on__lte=on))
    for cert in qs.order_by("holder_id", "expires_on"):
        out[cert.holder_id] = cert
    return out


def capable_staff(staff_ids, at: dt.datetime) -> set[int]:
    """The ids among `staff_ids` who pass the 四个能力 / 一懂三会 check at `at`: a passed quiz
    and a passed practical check, both within the last TRAINING_VALID_MONTHS."""
    ids = list(staff_ids)
    if not ids:
        return set()
    since = training_window_start(at)
    quiz = set(
        QuizAttempt.objects.filter(
            staff_id__in=ids, passed=True, taken_at__lte=at, taken_at__date__gte=since
        ).values_list("staff_id", flat=True)
    )
    if not quiz:
        return set()
    return set(
        PracticalCheck.objects.filter(
            staff_id__in=quiz, passed=True, checked_at__lte=at, checked_at__date__gte=since
        ).values_list("staff_id", flat=True)
    )


def current_staff(unit_id: int, on: dt.date):
    """The unit's staff working there on `on` (not left)."""
    return StaffMember.objects.filter(unit_id=unit_id).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )
