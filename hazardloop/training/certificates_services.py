"""Writing certificates and fire-control-room shifts (docs/certificates.md). Each function checks
that the actor keeps the unit's certificates (`certificate.manage`), writes in one transaction
and one audit event, and returns the row."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.core.errors import DomainError
from hazardloop.training.certificates import require_manage
from hazardloop.training.choices import CertificateKind
from hazardloop.training.control_room_choices import ShiftKind
from hazardloop.training.models import Certificate, ControlRoomShift, StaffMember

MAX_PEOPLE = 20


class CertificateError(DomainError):
    pass


def _state(cert: Certificate) -> dict:
    return {
        "holder": cert.holder_id, "kind": cert.kind, "number": cert.number,
        "issuer": cert.issuer, "issued_on": str(cert.issued_on or ""),
        "expires_on": str(cert.expires_on),
    }  # fmt: skip


def _check(holder: StaffMember, unit, kind: str, number: str, issued_on, expires_on) -> None:
    if holder.unit_id != unit.pk:
        raise CertificateError(_("Choose the holder from the unit's staff list."))
    if kind not in CertificateKind.values:
        raise CertificateError(_("Choose the kind of certificate."))
    if not number.strip():
        raise CertificateError(_("Enter the certificate number."))
    if issued_on and issued_on > expires_on:
        raise CertificateError(_("A certificate cannot expire before it was issued."))


def create_certificate(
    unit, *, actor, holder: StaffMember, kind: str, number: str, issuer: str,
    expires_on: dt.date, issued_on: dt.date | None = None,
) -> Certificate:  # fmt: skip
    """Record a certificate held by a member of `unit`'s staff."""
    require_manage(actor, unit)
    _check(holder, unit, kind, number, issued_on, expires_on)
    with transaction.atomic():
        cert = Certificate.objects.create(
            holder=holder, kind=kind, number=number.strip(), issuer=issuer.strip(),
            issued_on=issued_on, expires_on=expires_on,
        )  # fmt: skip
        record_event(
            "certificate.created", actor=actor, obj=cert, region_code=unit.region_id,
            after=_state(cert),
        )  # fmt: skip
    return cert


def update_certificate(
    cert: Certificate, *, actor, holder: StaffMember, kind: str, number: str, issuer: str,
    expires_on: dt.date, issued_on: dt.date | None = None, renewed: bool = False,
) -> Certificate:  # fmt: skip
    """Correct a certificate, or renew it (`renewed`: a new number, issue and expiry date for
    the same holder and kind). A renewed certificate is reminded again before its new expiry
    (the reminder's key names the expiry date)."""
    unit = cert.holder.unit
    require_manage(actor, unit)
    _check(holder, unit, kind, number, issued_on, expires_on)
    if renewed and expires_on <= cert.expires_on:
        raise CertificateError(_("A renewed certificate must run longer than the old one."))
    with transaction.atomic():
        before = _state(cert)
        cert.holder, cert.kind, cert.number, cert.issuer = holder, kind, number.strip(), issuer
        cert.issued_on, cert.expires_on = issued_on, expires_on
        cert.save(update_fields=["holder", "kind", "number", "issuer", "issued_on", "expires_on"])
        record_event(
            "certificate.renewed" if renewed else "certificate.changed", actor=actor, obj=cert,
            region_code=unit.region_id, before=before, after=_state(cert),
        )  # fmt: skip
    return cert


def record_shift(
    unit, *, actor, day: dt.date, shift: str, people: list[StaffMember], note: str = "",
) -> ControlRoomShift:  # fmt: skip
    """Record (or correct) who was on duty in the unit's fire-control room on `day`'s `shift`:
    one row per day and shift; the people come from the unit's staff list."""
    require_manage(actor, unit)
    if shift not in ShiftKind.values:
        raise CertificateError(_("Choose the shift."))
    if not people:
        raise CertificateError(_("Choose the people on duty."))
    if len(people) > MAX_PEOPLE or any(p.unit_id != unit.pk for p in people):
        raise CertificateError(_("Choose the people on duty from the unit's staff list."))
    with transaction.atomic():
        row, created = ControlRoomShift.objects.get_or_create(
            unit=unit, day=day, shift=shift,
            defaults={"note": note[:200], "created_by": actor},
        )  # fmt: skip
        before = None if created else sorted(row.people.values_list("pk", flat=True))
        if not created and row.note != note[:200]:
            row.note = note[:200]
            row.save(update_fields=["note"])
        row.people.set(people)
        record_event(
            "control_room_shift.recorded" if created else "control_room_shift.changed",
            actor=actor, obj=row, region_code=unit.region_id,
            before={"people": before} if before is not None else None,
            after={"day": str(day), "shift": shift, "people": sorted(p.pk for p in people)},
        )  # fmt: skip
    return row
