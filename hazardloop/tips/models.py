"""Public tips (群众举报) from a unit's door QR code or the province's tip page.

A tip carries the region code of the place it accuses (the unit's region, or the region the
tipster chose) and lands in the triage queue of that region's county. The accused unit is a
plain reference: tips are read through `tips.access`, which filters by region only, so a
unit's own people never see a tip, whatever their role.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.tips.choices import TipCategory, TipStatus

TRACKING_CODE_LENGTH = 10
DESCRIPTION_MAX = 2000
REASON_MAX = 1000


class Tip(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    region_code = models.CharField(_("region"), max_length=12)
    # The county whose queue holds the tip (the region itself when it lies above a county).
    county_code = models.CharField(_("county"), max_length=12)
    category = models.CharField(_("what is wrong"), max_length=20, choices=TipCategory.choices)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    photos = models.ManyToManyField("evidence.Photo", blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=TipStatus.choices, default=TipStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("answer due"))
    # The response deadline crossed a year whose working-day calendar is not loaded.
    due_estimated = models.BooleanField(default=False)
    triaged_at = models.DateTimeField(_("answered"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # The dismissal's reason (shown to the tipster) or the note of another outcome.
    reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hazard"),
    )
    task = models.ForeignKey(
        "campaigns.InspectionTask",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspection task"),
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("public tip")
        verbose_name_plural = _("public tips")
        indexes = [
            models.Index(fields=["county_code", "status", "due_at"], name="tip_queue"),
            models.Index(fields=["region_code", "received_at"], name="tip_region_received"),
            models.Index(fields=["due_at"], condition=Q(status="received"), name="tip_open_due"),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class TipCounter(models.Model):
    """Submissions counted per address and per unit in fixed windows (the rate limit)."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_end = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
