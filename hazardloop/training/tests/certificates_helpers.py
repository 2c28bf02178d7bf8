import datetime as dt
import itertools

from django.utils import timezone

from hazardloop.training.choices import CertificateKind, Post
from hazardloop.training.models import Certificate, ControlRoomShift, StaffMember

_n = itertools.count(1)


def staff(unit, name=None, post=Post.CONTROL_ROOM, **fields) -> StaffMember:
    return StaffMember.objects.create(
        unit=unit, name=name or f"值班员{next(_n)}", post=post, **fields
    )


def certificate(holder, *, days=200, kind=CertificateKind.FIRE_FACILITY_OPERATOR, **fields):
    today = timezone.localdate()
    values = {
        "number": f"CERT-{next(_n):05d}",
        "issuer": "吉林省消防救援总队",
        "issued_on": today - dt.timedelta(days=365),
        "expires_on": today + dt.timedelta(days=days),
    }
    values.update(fields)
    return Certificate.objects.create(holder=holder, kind=kind, **values)


def shift(unit, people, day=None, kind="day") -> ControlRoomShift:
    row = ControlRoomShift.objects.create(unit=unit, day=day or timezone.localdate(), shift=kind)
    row.people.set(people)
    return row
