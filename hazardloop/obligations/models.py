"""Duty rules as data, a unit's structured opening hours, and the stored count of lapsed duties.

`DutyRule` rows with an empty `region_prefix` are the shipped defaults (defaults.py, 61号令);
a row with a prefix overrides the default of the same kind and "applies to" for the units in
that region's subtree (the longest matching prefix wins). `verified` is False for a value that
is configuration rather than verified law: pages say so next to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.obligations.choices import AppliesTo, DutyKind, Every


class DutyRule(models.Model):
    kind = models.CharField(_("duty"), max_length=16, choices=DutyKind.choices)
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AppliesTo.choices)
    region_prefix = models.CharField(_("region"), max_length=12, blank=True, default="")
    every = models.PositiveSmallIntegerField(_("at least every"))
    every_unit = models.CharField(_("unit of time"), max_length=8, choices=Every.choices)
    while_open = models.BooleanField(_("only while open"), default=False)
    active = models.BooleanField(_("in force"), default=True)
    article = models.CharField(_("legal basis"), max_length=100, blank=True)
    verified = models.BooleanField(_("verified law"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "applies_to", "region_prefix"], name="dutyrule_one_per_region"
            ),
            models.CheckConstraint(condition=models.Q(every__gte=1), name="dutyrule_every_pos"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_applies_to_display()}"


class OpeningHours(models.Model):
    """When a unit is open: one daily interval (closing may pass midnight) and closed weekdays.

    A unit without a row falls back to its free-text `business_hours` (hours.parse) and then to
    settings.DUTY_DEFAULT_HOURS."""

    unit = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="opening_hours", primary_key=True
    )
    opens = models.TimeField(_("opens at"))
    closes = models.TimeField(_("closes at"))
    # ISO weekdays 1 (Monday) … 7 (Sunday) the unit is closed, e.g. "17".
    closed_days = models.CharField(_("closed on"), max_length=7, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


class UnitDutyCount(models.Model):
    """Lapsed duties of a unit over the last settings.DUTY_LAPSED_DAYS days, refreshed by the
    sweep (jobs.refresh_lapsed_once). Region code and sector are copied so that regulators' lists
    filter on indexed columns."""

    unit = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="duty_count", primary_key=True
    )
    region_code = models.CharField(_("region"), max_length=12)
    sector_id = models.CharField(_("sector"), max_length=32)
    lapsed = models.PositiveIntegerField(_("lapsed duties"), default=0)
    lapsed_patrols = models.PositiveIntegerField(_("lapsed patrols"), default=0)
    lapsed_other = models.PositiveIntegerField(_("other lapsed duties"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("lapsed duties of a unit")
        verbose_name_plural = _("lapsed duties of units")
        indexes = [
            models.Index(fields=["region_code", "lapsed"], name="dutycount_region_lapsed"),
            models.Index(fields=["sector_id", "region_code"], name="dutycount_sector_region"),
            # The sweep's "when was the last recount" and the statistics' "has it changed since"
            # read the latest computed_at every minute: an index probe, not a scan of every unit.
            models.Index(fields=["computed_at"], name="dutycount_computed"),
        ]

    def __str__(self):
        return str(self.lapsed)
