from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from hazardloop.training.choices import CertificateKind
from hazardloop.training.control_room_choices import ShiftKind
from hazardloop.training.models.staff import Certificate, StaffMember


class ControlRoomShiftQuerySet(models.QuerySet):
    def with_certified(self):
        """Annotate `certified`: how many of the shift's people hold a fire-facility-operator
        certificate valid on the shift's day (issued on or before it, expiring on or after)."""
        valid = Certificate.objects.filter(
            holder_id=OuterRef("staffmember_id"),
            kind=CertificateKind.FIRE_FACILITY_OPERATOR,
            expires_on__gte=OuterRef(OuterRef("day")),
        ).filter(Q(issued_on__isnull=True) | Q(issued_on__lte=OuterRef(OuterRef("day"))))
        through = ControlRoomShift.people.through
        counted = (
            through.objects.filter(controlroomshift_id=OuterRef("pk"))
            .filter(Exists(valid))
            .order_by()
            .values("controlroomshift_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        return self.annotate(certified=Coalesce(Subquery(counted), Value(0)))

    def short(self):
        """Shifts with fewer certified people than settings.CONTROL_ROOM_MIN_CERTIFIED (call
        after with_certified)."""
        return self.filter(certified__lt=settings.CONTROL_ROOM_MIN_CERTIFIED)


class ControlRoomShift(models.Model):
    """One shift of a unit's fire-control room: the day, the shift and who was on duty, chosen
    from the unit's staff list. Whether enough of them were certified is computed when read
    (`with_certified`), so a certificate recorded or renewed later counts."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="control_room_shifts",
        verbose_name=_("unit"),
    )  # fmt: skip
    day = models.DateField(_("day"))
    shift = models.CharField(_("shift"), max_length=10, choices=ShiftKind.choices)
    people = models.ManyToManyField(
        StaffMember, related_name="control_room_shifts", verbose_name=_("people on duty")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ControlRoomShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("fire-control-room shift")
        verbose_name_plural = _("fire-control-room shifts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "shift"], name="cr_shift_once")
        ]
        indexes = [models.Index(fields=["day", "unit"], name="cr_shift_day")]

    def __str__(self):
        return f"{self.day} {self.get_shift_display()}"
