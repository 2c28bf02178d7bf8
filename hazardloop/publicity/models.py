"""Publicity activities (宣传) of a campaign, held by a level of government or by a unit.

An activity carries the region code where it was held (the office's region, or the unit's) so
that scope is one filter (`publicity.access`); `unit` is set when a unit held it. The
campaign is optional (publicity outside a campaign counts on the dashboard by region)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.publicity.choices import ActivityKind, Level

TITLE_MAX = 200
TEXT_MAX = 2000
MAX_REACH = 100_000_000


class Activity(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("campaign"),
    )  # fmt: skip
    region_code = models.CharField(_("region"), max_length=12)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )  # fmt: skip
    kind = models.CharField(_("type"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    reach = models.PositiveIntegerField(_("people reached"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    photos = models.ManyToManyField("evidence.Photo", blank=True, related_name="+")
    file = models.FileField(_("file"), max_length=200, blank=True)
    file_type = models.CharField(max_length=32, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False,
        verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")
        indexes = [
            models.Index(fields=["region_code", "held_on"], name="publicity_region_day"),
            models.Index(fields=["campaign", "region_code"], name="publicity_campaign"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(reach__lte=MAX_REACH), name="publicity_reach_max")
        ]

    def __str__(self) -> str:
        return self.title
