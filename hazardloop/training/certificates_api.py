"""`GET/POST /api/v1/certificates` (a unit's staff's certificates in scope; `expiring_within`)
and `GET/POST /api/v1/control-room-shifts` (fire-control-room shifts, each with how many of its
people were certified that day and whether that is short of CONTROL_ROOM_MIN_CERTIFIED)."""

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hazardloop.core.api import ApiError, Day, Error, Id, Pagination, Text
from hazardloop.training import certificates as access
from hazardloop.training.certificates_services import create_certificate, record_shift
from hazardloop.training.choices import CertificateKind
from hazardloop.training.control_room_choices import ShiftKind
from hazardloop.training.models import Certificate, ControlRoomShift, StaffMember

router = Router(tags=["certificates"])
shifts_router = Router(tags=["certificates"])


class CertificateOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    holder_id: int
    holder_name: str
    kind: CertificateKind
    kind_label: str
    number: str
    issuer: str
    issued_on: dt.date | None
    expires_on: dt.date
    state: str = Field(description="valid, expiring (within CERTIFICATE_EXPIRING_DAYS), expired")

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.holder.unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.holder.unit.name

    @staticmethod
    def resolve_holder_name(obj) -> str:
        return obj.holder.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state(obj) -> str:
        return access.state_of(obj, timezone.localdate())


class CertificateListQuery(Schema):
    unit_id: Id | None = None
    kind: CertificateKind | None = None
    expiring_within: Annotated[int, Field(ge=0, le=3660)] | None = Field(
        None,
        description="Only certificates expiring within so many days from today, or expired, "
        "of staff who still work there (soonest first).",
    )


@router.get("", response=list[CertificateOut], summary="Certificates in scope")
@paginate(Pagination)
def list_certificates(request, filters: Query[CertificateListQuery]):
    """Certificates held by the staff of units you may see (certificate.view): the units' own
    people, and regulators, inspectors and leaders of their regions."""
    qs = access.visible_certificates(request.auth)
    if filters.unit_id:
        qs = qs.filter(holder__unit_id=filters.unit_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.expiring_within is not None:
        return access.expiring(qs, timezone.localdate(), filters.expiring_within)
    return qs.order_by("expires_on", "pk")


class CertificateIn(Schema):
    holder_id: Id = Field(description="A member of the unit's staff list.")
    kind: CertificateKind
    number: Text(50)
    issuer: Text(100) = ""
    issued_on: Day | None = None
    expires_on: Day


def _staff(user, staff_id: int) -> StaffMember:
    holder = StaffMember.objects.select_related("unit").filter(pk=staff_id).first()
    if holder is None:
        raise Http404(_("Not found."))
    access.unit_for_certificates(user, holder.unit_id)  # 404 out of scope
    return holder


@router.post("", response={201: CertificateOut, 403: Error}, summary="Record a certificate")
def add_certificate(request, payload: CertificateIn):
    """Record a certificate of a member of your unit's staff (certificate.manage: the unit's
    manager or safety officer)."""
    holder = _staff(request.auth, payload.holder_id)
    cert = create_certificate(
        holder.unit, actor=request.auth, holder=holder, kind=payload.kind,
        number=payload.number, issuer=payload.issuer, issued_on=payload.issued_on,
        expires_on=payload.expires_on,
    )  # fmt: skip
    return 201, Certificate.objects.select_related("holder__unit").get(pk=cert.pk)


class ControlRoomShiftOut(Schema):
    id: int
    unit_id: int
    day: dt.date
    shift: ShiftKind
    shift_label: str
    people: list[int]
    certified: int = Field(description="people holding a valid fire-facility-operator certificate")
    short: bool = Field(description="fewer certified people than the rule asks")
    note: str

    @staticmethod
    def resolve_shift_label(obj) -> str:
        return str(obj.get_shift_display())

    @staticmethod
    def resolve_people(obj) -> list[int]:
        return [p.pk for p in obj.people.all()]

    @staticmethod
    def resolve_short(obj) -> bool:
        return obj.certified < settings.CONTROL_ROOM_MIN_CERTIFIED


class ControlRoomShiftQuery(Schema):
    unit_id: Id | None = None
    start: Day | None = Field(None, description="First day (default: 30 days ago).")
    end: Day | None = Field(None, description="Last day (default: 7 days ahead).")
    short: bool | None = Field(None, description="Only shifts short of certified people.")


@shifts_router.get(
    "", response=list[ControlRoomShiftOut], summary="Fire-control-room shifts in scope"
)
@paginate(Pagination)
def list_shifts(request, filters: Query[ControlRoomShiftQuery]):
    """Shifts of the fire-control rooms of units you may see, latest first, each with how many
    of its people held a valid fire-facility-operator certificate on its day."""
    today = timezone.localdate()
    start = filters.start or today - dt.timedelta(days=30)
    end = filters.end or today + dt.timedelta(days=7)
    if end < start or (end - start).days > 366:
        raise ApiError(422, "invalid", _("Choose a period of at most a year."))
    qs = (
        access.visible_shifts(request.auth)
        .filter(day__gte=start, day__lte=end)
        .with_certified()
        .prefetch_related("people")
    )
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.short:
        qs = qs.short()
    return qs.order_by("-day", "unit_id", "shift")


class ControlRoomShiftIn(Schema):
    unit_id: Id
    day: Day
    shift: ShiftKind
    people: Annotated[list[Id], Field(min_length=1, max_length=20)]
    note: Text(200) = ""


@shifts_router.post("", response={201: ControlRoomShiftOut, 403: Error}, summary="Record a shift")
def add_shift(request, payload: ControlRoomShiftIn):
    """Record (or correct: one per unit, day and shift) who is on duty in the unit's
    fire-control room, chosen from its staff list (certificate.manage)."""
    unit = access.unit_for_certificates(request.auth, payload.unit_id)
    access.require_manage(request.auth, unit)
    people = list(StaffMember.objects.filter(unit=unit, pk__in=payload.people))
    if len(people) != len(set(payload.people)):
        raise ApiError(422, "invalid", _("Choose the people on duty from the unit's staff list."))
    row = record_shift(
        unit, actor=request.auth, day=payload.day, shift=payload.shift, people=people,
        note=payload.note,
    )  # fmt: skip
    return 201, (
        ControlRoomShift.objects.with_certified().prefetch_related("people").get(pk=row.pk)
    )
