import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from hazardloop.training.models import StaffMember, Training, TrainingAttendance

TZ = ZoneInfo("Asia/Shanghai")


def at(y, mo, d, h=10, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=TZ)


def person(unit, name="王五", **fields) -> StaffMember:
    return StaffMember.objects.create(unit=unit, name=name, **fields)


def training(unit, when=None, *, pre_job=False, staff=(), user=None, topic="消防安全培训"):
    t = Training.objects.create(
        unit=unit, topic=topic, items=["laws", "escape"], trainer="李教官",
        held_at=when or timezone.now() - dt.timedelta(hours=1), duration_minutes=60,
        pre_job=pre_job, created_by=user,
    )  # fmt: skip
    TrainingAttendance.objects.bulk_create([TrainingAttendance(training=t, staff=m) for m in staff])
    return t
