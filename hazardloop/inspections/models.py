"""Inspections: one submitted record per visit, immutable once submitted.

An inspection is written once by `services.submit_inspection` (idempotent on `client_id`,
atomic with its answers, photos, signatures and the hazards its failed items raise); later
corrections are `Amendment` rows. Hot tables carry `region_code` for scope.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.inspections.choices import Mode, Result, SignerRole, TeamRole


class Inspection(models.Model):
    client_id = models.UUIDField(_("client key"), unique=True)
    # unit, inspector and leader have no index of their own: insp_unit_received,
    # insp_inspector_received and insp_leader_received lead with them (three fewer to write
    # with every inspection).
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("unit"),
        db_index=False,
    )
    region_code = models.CharField(_("region"), max_length=12)
    template_version = models.ForeignKey(
        "checklists.ChecklistVersion",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("checklist"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    campaign_id = models.BigIntegerField(_("campaign"), null=True, blank=True, db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspections_submitted",
        verbose_name=_("submitted by"),
        db_index=False,
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections_led",
        verbose_name=_("leading cadre"),
        db_index=False,
    )
    started_at = models.DateTimeField(_("started (device)"), null=True, blank=True)
    device_time = models.DateTimeField(_("device time at submission"), null=True, blank=True)
    received_at = models.DateTimeField(_("received by the server"))
    latitude = models.DecimalField(
        _("latitude (device)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (device)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy_m = models.PositiveIntegerField(_("location accuracy (m)"), null=True)
    notes = models.TextField(_("notes"), blank=True)
    n_items = models.PositiveIntegerField(default=0)
    n_failed = models.PositiveIntegerField(default=0)
    n_hazards = models.PositiveIntegerField(default=0)
    # Failed items corrected on the spot (counted in n_failed, raising no hazard).
    n_corrected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["region_code", "received_at", "id"], name="insp_region_received"),
            models.Index(fields=["received_at", "id"], name="insp_received"),
            models.Index(fields=["unit", "received_at"], name="insp_unit_received"),
            models.Index(fields=["inspector", "received_at"], name="insp_inspector_received"),
            models.Index(fields=["leader", "received_at"], name="insp_leader_received"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.received_at:%Y-%m-%d}"

    @property
    def found_at(self):
        """When the findings were made: the device's time unless it is ahead of the server."""
        if self.device_time and self.device_time <= self.received_at:
            return self.device_time
        return self.received_at


class TeamMember(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=10, choices=TeamRole.choices)

    class Meta:
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Answer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        "checklists.ChecklistItem", on_delete=models.PROTECT, related_name="answers"
    )
    code = models.CharField(_("item"), max_length=20)
    region_code = models.CharField(max_length=12)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    number_value = models.DecimalField(
        _("measured value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    text_value = models.TextField(_("text"), blank=True)
    note = models.TextField(_("note"), blank=True)
    photos = models.ManyToManyField("evidence.Photo", blank=True, related_name="+")
    # A failure corrected during the inspection (消防监督检查规定 Art. 19: noted in the record):
    # the finding stays on the record with its after-photos, but it opens no hazard and never
    # counts toward a major-hazard determination (GB 35181-2017 elements are hazards that
    # cannot be corrected immediately, regulations.md §12.1).
    corrected_on_spot = models.BooleanField(_("corrected on the spot"), default=False)
    after_photos = models.ManyToManyField(
        "evidence.Photo", blank=True, related_name="+", verbose_name=_("after-photos")
    )
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "code"], name="answer_one_per_item"),
            models.CheckConstraint(
                condition=models.Q(corrected_on_spot=False) | models.Q(result="fail"),
                name="answer_corrected_only_failed",
            ),
        ]
        indexes = [models.Index(fields=["region_code", "result"], name="answer_region_result")]

    def __str__(self) -> str:
        return f"{self.code}: {self.result}"


class Signature(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("signed as"), max_length=10, choices=SignerRole.choices)
    name = models.CharField(_("name"), max_length=50)
    image = models.ForeignKey(
        "evidence.Photo", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refused = models.BooleanField(_("refused to sign"), default=False)
    witness_name = models.CharField(_("witness"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Amendment(models.Model):
    """A correction to a submitted inspection; the original answers are never edited."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))
    # [{"code", "result", "number_value", "text_value", "note", "before": {...}, "hazard_id"}]
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["inspection_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="amendment_number")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} #{self.number}"
