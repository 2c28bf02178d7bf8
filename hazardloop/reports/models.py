"""The scheduling-report archive and its subscriptions.

A `ScheduledReport` is one generated daily scheduling report (调度日报) or weekly notice (通报)
for a region (and optionally a campaign), with its .xlsx and PDF files; generating the same
(kind, region, campaign, day) again returns the archived one. A `ReportSubscription` names who
receives a level's reports.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily scheduling report")
    WEEKLY = "weekly", _("Weekly notice")


class ReportSubscription(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    daily = models.BooleanField(_("daily report"), default=True)
    weekly = models.BooleanField(_("weekly notice"), default=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return f"{self.region_code} / {self.campaign_id or '-'}"


class ScheduledReport(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("region"), max_length=12)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.JSONField(default=list)  # the generated sentences
    data = models.JSONField(default=dict)  # the figures, as printed
    xlsx = models.FileField(upload_to="reports/%Y/%m/")
    pdf = models.FileField(upload_to="reports/%Y/%m/")
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("scheduling report")
        verbose_name_plural = _("scheduling reports")
        indexes = [models.Index(fields=["region_code", "day"], name="report_region_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "campaign", "day"],
                name="report_once_per_day_with_campaign",
                condition=Q(campaign__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "day"],
                name="report_once_per_day",
                condition=Q(campaign__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title
