"""Builders for permit tests: a unit's staff with a welder and a trained fire watch, and a
permit through the service."""

import datetime as dt
import itertools

from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.permits import services
from hazardloop.testing import make_user
from hazardloop.training.models import Certificate, StaffMember, Training, TrainingAttendance

_n = itertools.count(1)


def make_site(unit, *, now=None, cert_until=None, trained=True):
    """(welder, fire watch, safety officer user) at `unit`: the welder's certificate runs to
    `cert_until` (default: a year on), the fire watch attended a training 30 days ago."""
    now = now or timezone.now()
    n = next(_n)
    welder = StaffMember.objects.create(
        unit=unit, name=f"焊工{n}", post="hot_work", hired_on=dt.date(2020, 1, 1)
    )
    watch = StaffMember.objects.create(
        unit=unit, name=f"监护人{n}", post="security", hired_on=dt.date(2020, 1, 1)
    )
    if cert_until is not False:
        Certificate.objects.create(
            holder=welder, kind="welding", number=f"T{n:06d}", issuer="应急管理局",
            issued_on=dt.date(2020, 1, 1),
            expires_on=cert_until or (timezone.localdate(now) + dt.timedelta(days=365)),
        )  # fmt: skip
    if trained:
        training = Training.objects.create(
            unit=unit, topic="消防安全培训", items=["laws"], trainer="王教员",
            held_at=now - dt.timedelta(days=30), duration_minutes=60,
        )  # fmt: skip
        TrainingAttendance.objects.create(training=training, staff=watch)
    officer = make_user(f"t-so-{unit.pk}-{n}", Role.UNIT_SAFETY_OFFICER, unit=unit)
    return welder, watch, officer


def make_permit(
    unit, applicant, welder, watch, *, now=None, hours=4, answers=(), gas_minutes_ago=5,
    submit=True, lel=0, **extra,
):  # fmt: skip
    now = now or timezone.now()
    start = now + dt.timedelta(minutes=10)
    gas = []
    if gas_minutes_ago is not None:
        gas = [{"taken_at": now - dt.timedelta(minutes=gas_minutes_ago), "lel_percent": lel,
                "point": "作业点", "taken_by": "检测员"}]  # fmt: skip
    values = {
        "place": f"permit-place-{next(_n)}",
        "reason": "后厨排烟管道焊接维修",
        "planned_start": start,
        "planned_end": start + dt.timedelta(hours=hours),
        "worker_id": welder.pk,
        "fire_watch_id": watch.pk,
        "answers": list(answers),
        "measures": [
            "combustibles_cleared", "no_flammable_discharge", "extinguishers",
            "fire_watch_present",
        ],
        "gas_readings": gas,
        "submit": submit,
        "now": now,
    }  # fmt: skip
    values.update(extra)
    return services.create_permit(unit, actor=applicant, **values)
