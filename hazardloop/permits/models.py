"""Hot-work permits (动火作业票) of a unit: the application, its gas tests and its history.

A permit carries its unit's region code, so the regulators' scope filters it like any unit
record (permits.access). Every change goes through permits.workflow: a compare-and-swap on
(status, version) plus one `PermitEvent`, plus its audit event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.permits.choices import EventKind, PermitGrade, PermitStatus

PLACE_MAX = 200
REASON_MAX = 1000
NOTE_MAX = 1000


class HotWorkPermit(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    region_code = models.CharField(_("region"), max_length=12)
    place = models.CharField(_("place of the work"), max_length=PLACE_MAX)
    reason = models.TextField(_("work to be done"), max_length=REASON_MAX)
    # The grading questions answered "yes" (settings.PERMIT_GRADING_QUESTIONS codes).
    answers = models.JSONField(_("grading answers"), default=list, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=PermitGrade.choices)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    # The planned end, capped by the grade's validity (the sweep expires the permit here).
    valid_until = models.DateTimeField(_("valid until"))
    worker = models.ForeignKey(
        "training.StaffMember", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("worker"),
    )  # fmt: skip
    fire_watch = models.ForeignKey(
        "training.StaffMember", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("fire watch"),
    )  # fmt: skip
    # Confirmed measures (settings.PERMIT_MEASURES codes).
    measures = models.JSONField(_("safety measures"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PermitStatus.choices, default=PermitStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("applicant"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("written at"))
    # [{"role": ..., "user": id, "name": ..., "at": iso}] in the order signed.
    approvals = models.JSONField(default=list, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    interrupted_at = models.DateTimeField(_("interrupted at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # RefusalReason codes of a refusal.
    refusal_reasons = models.JSONField(default=list, blank=True)
    no_smouldering = models.BooleanField(_("no smouldering found"), default=False)
    after_note = models.TextField(_("after-check note"), max_length=NOTE_MAX, blank=True)
    after_photos = models.ManyToManyField("evidence.Photo", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = _("hot-work permit")
        verbose_name_plural = _("hot-work permits")
        indexes = [
            models.Index(fields=["region_code", "planned_start"], name="permit_region_start"),
            models.Index(fields=["unit", "planned_start"], name="permit_unit_start"),
            models.Index(
                fields=["valid_until"],
                condition=Q(status__in=["draft", "submitted", "approved", "active"]),
                name="permit_live_until",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")), name="permit_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} ({self.get_grade_display()})"


class GasReading(models.Model):
    """One gas test (动火分析) before or during the work."""

    permit = models.ForeignKey(HotWorkPermit, on_delete=models.CASCADE, related_name="gas_readings")
    taken_at = models.DateTimeField(_("gas test taken at"))
    point = models.CharField(_("where"), max_length=100, blank=True)
    lel_percent = models.DecimalField(_("reading (% LEL)"), max_digits=5, decimal_places=1)
    taken_by = models.CharField(_("taken by"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_at", "id"]
        verbose_name = _("gas test")
        verbose_name_plural = _("gas tests")
        indexes = [models.Index(fields=["permit", "taken_at"], name="gas_permit_taken")]

    def __str__(self) -> str:
        return f"{self.lel_percent}% LEL"


class PermitEvent(models.Model):
    """Append-only history of a permit (the audit log holds the same with its chain)."""

    permit = models.ForeignKey(HotWorkPermit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_status = models.CharField(max_length=12, choices=PermitStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PermitStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    at = models.DateTimeField()
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["permit", "at"], name="permit_event_at")]

    def __str__(self) -> str:
        return f"{self.permit_id} {self.kind}"
