"""Evidence photos (and drawn signatures): stored once per content, referenced by id.

A photo is stored (and committed) before the record that references it; the referencing service
then claims it (`services.claim_photos`). Photos never claimed are removed by a sweep after
`EVIDENCE_UNCLAIMED_HOURS`. Rows carry `region_code` and `unit` so that scope is one filter.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.evidence.choices import PhotoKind


class Photo(models.Model):
    kind = models.CharField(
        _("kind"), max_length=16, choices=PhotoKind.choices, default=PhotoKind.PHOTO
    )
    # Files are named by content (SHA-256), so the same bytes are stored once however many
    # rows refer to them.
    file = models.FileField(_("file"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content_type = models.CharField(_("content type"), max_length=32)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)

    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    gps_lat = models.DecimalField(
        _("latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    gps_lon = models.DecimalField(
        _("longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    region_code = models.CharField(_("region code"), max_length=12)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    claimed_at = models.DateTimeField(
        _("claimed at"),
        null=True,
        blank=True,
        help_text=_("When a record first referenced this photo; unclaimed photos are swept."),
    )
    claimed_by_ref = models.CharField(_("first referenced by"), max_length=100, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [
            models.Index(fields=["region_code", "id"], name="photo_region_id"),
            models.Index(fields=["unit", "sha256"], name="photo_unit_sha"),
            models.Index(
                fields=["uploaded_at"],
                name="photo_unclaimed",
                condition=models.Q(claimed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or f"{self.get_kind_display()} {self.sha256[:12]}"
