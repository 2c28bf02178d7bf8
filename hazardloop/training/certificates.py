"""Certificates and fire-control-room shifts: the one way in to their rows, and the reads the
pages, the API, the workbench and the sweep share (docs/certificates.md).

Scope: a certificate belongs to its holder's unit. `certificate.view` sees the rows of units in
scope (regulators, inspectors and leaders of the region read; the unit's own people read and
write with `certificate.manage`). Out of scope looks like missing (404).

A unit has a fire-control room when its staff list has someone in the post
"fire-control-room operator" (units carry no flag of their own for it), or a control-room shift
is already recorded for it.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q

from hazardloop.accounts.access import get_in_scope_or_404, require, scope_for
from hazardloop.training.choices import Post
from hazardloop.training.models import Certificate, ControlRoomShift, StaffMember
from hazardloop.units.models import Unit

CERT_SCOPE = {"region_field": "holder__unit__region", "unit_field": "holder__unit"}
SHIFT_SCOPE = {"region_field": "unit__region", "unit_field": "unit"}


def visible_certificates(user):
    return scope_for(user, "certificate.view").filter(
        Certificate.objects.select_related("holder", "holder__unit", "holder__unit__region"),
        **CERT_SCOPE,
    )


def visible_shifts(user):
    return scope_for(user, "certificate.view").filter(
        ControlRoomShift.objects.select_related("unit", "unit__region"), **SHIFT_SCOPE
    )


def unit_for_certificates(user, unit_id) -> Unit:
    return get_in_scope_or_404(
        user, Unit.objects.select_related("region"), perm="certificate.view", unit_field="pk",
        pk=unit_id,
    )  # fmt: skip


def certificate_or_404(user, pk) -> Certificate:
    return get_in_scope_or_404(
        user, Certificate.objects.select_related("holder", "holder__unit"),
        perm="certificate.view", pk=pk, **CERT_SCOPE,
    )  # fmt: skip


def shift_or_404(user, pk) -> ControlRoomShift:
    return get_in_scope_or_404(
        user, ControlRoomShift.objects.select_related("unit"), perm="certificate.view", pk=pk,
        **SHIFT_SCOPE,
    )  # fmt: skip


def require_manage(user, unit: Unit) -> None:
    """403 (audited) unless the user keeps this unit's certificates (its own people)."""
    require(user, "certificate.manage", region_code=unit.region_id, unit_id=unit.pk, obj=unit)


def may_manage(user, unit: Unit) -> bool:
    return scope_for(user, "certificate.manage").covers(unit.region_id, unit.pk)


def current_staff(unit: Unit, on: dt.date | None = None):
    """The unit's staff who have not left by `on` (default: ever), by name."""
    qs = StaffMember.objects.filter(unit=unit)
    if on is not None:
        qs = qs.filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
    return qs.order_by("name", "pk")


def has_control_room(unit: Unit) -> bool:
    return (
        StaffMember.objects.filter(unit=unit, post=Post.CONTROL_ROOM, left_on__isnull=True).exists()
        or ControlRoomShift.objects.filter(unit=unit).exists()
    )


def expiring(qs, today: dt.date, days: int | None = None):
    """Certificates of `qs` that expire within `days` (default CERTIFICATE_EXPIRING_DAYS) from
    `today`, or have expired, of staff who still work there; soonest first."""
    days = settings.CERTIFICATE_EXPIRING_DAYS if days is None else days
    return (
        qs.filter(expires_on__lte=today + dt.timedelta(days=days))
        .filter(Q(holder__left_on__isnull=True) | Q(holder__left_on__gt=today))
        .order_by("expires_on", "pk")
    )


def state_of(cert: Certificate, today: dt.date) -> str:
    """ "expired", "expiring" (within CERTIFICATE_EXPIRING_DAYS) or "valid"."""
    if cert.expires_on < today:
        return "expired"
    if cert.expires_on <= today + dt.timedelta(days=settings.CERTIFICATE_EXPIRING_DAYS):
        return "expiring"
    return "valid"
