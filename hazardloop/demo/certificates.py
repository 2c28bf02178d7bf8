"""Demo certificates and fire-control-room shifts: each demo unit with a manager gets control-room
operators and a welder on its staff list (when it has no staff yet), their certificates — one
expiring within 30 days, one already expired — and two recent control-room shifts, one of them
short of certified operators. Idempotent: units that already have a certificate are skipped."""

import datetime as dt

from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.training.choices import CertificateKind, Post
from hazardloop.training.models import Certificate, ControlRoomShift, StaffMember
from hazardloop.units.models import Unit

ISSUER = "吉林省消防救援总队"
PEOPLE = [
    ("王建国", Post.CONTROL_ROOM, CertificateKind.FIRE_FACILITY_OPERATOR, 700),
    ("李秀英", Post.CONTROL_ROOM, CertificateKind.FIRE_FACILITY_OPERATOR, 20),  # expiring
    ("赵志强", Post.CONTROL_ROOM, CertificateKind.FIRE_FACILITY_OPERATOR, -12),  # expired
    ("孙海涛", Post.HOT_WORK, CertificateKind.WELDING, 400),
]


def load_certificates(today: dt.date | None = None) -> int:
    """Write the demo's staff, certificates and shifts; return how many certificates."""
    today = today or timezone.localdate()
    unit_ids = (
        Membership.objects.filter(role=Role.UNIT_MANAGER, is_active=True, unit__isnull=False)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    units = Unit.objects.filter(pk__in=unit_ids).exclude(staff__certificates__isnull=False)
    made = 0
    for unit in units.order_by("pk").distinct():
        staff = {s.name: s for s in StaffMember.objects.filter(unit=unit)}
        for n, (name, post, _kind, _days) in enumerate(PEOPLE):
            if name not in staff:
                staff[name] = StaffMember.objects.create(
                    unit=unit, name=name, post=post, phone=f"1390431{unit.pk % 1000:03d}{n}",
                    hired_on=today - dt.timedelta(days=900),
                )  # fmt: skip
        for n, (name, _post, kind, days) in enumerate(PEOPLE):
            expires = today + dt.timedelta(days=days)
            Certificate.objects.create(
                holder=staff[name], kind=kind, number=f"{unit.pk:04d}{n:02d}{expires:%y%m}",
                issuer=ISSUER, issued_on=expires - dt.timedelta(days=3 * 365),
                expires_on=expires,
            )  # fmt: skip
            made += 1
        ok = ControlRoomShift.objects.create(unit=unit, day=today, shift="day")
        ok.people.set([staff["王建国"], staff["李秀英"]])
        short = ControlRoomShift.objects.create(
            unit=unit, day=today - dt.timedelta(days=1), shift="night",
            note="赵志强证书已过期，仍在岗",
        )  # fmt: skip
        short.people.set([staff["王建国"], staff["赵志强"]])
    return made
