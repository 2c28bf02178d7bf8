"""An accident report (快报) with its follow-ups (续报/补报) and its reporting chain.

`Accident` holds the current figures and the grade computed from them (493号令 Art. 3); each
`AccidentUpdate` keeps what a follow-up said; each `ChainStep` is one level the report must
reach, with its deadline and who received and forwarded it when. Every row carries the region
code of the place the accident happened (scope).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.accidents.choices import (
    AccidentGrade,
    AccidentStatus,
    AccidentType,
    Level,
    UpdateKind,
)


class AccidentQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = "accident.view"):
        from hazardloop.accounts.access import scope_for

        return scope_for(user, perm).filter(self, region_field="region_code", unit_field="unit")


class Accident(models.Model):
    region_code = models.CharField(_("region"), max_length=12)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("unit"),
    )
    sector_code = models.CharField(_("sector"), max_length=32, blank=True)
    accident_type = models.CharField(
        _("accident type"), max_length=24, choices=AccidentType.choices
    )
    summary = models.CharField(_("summary"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred"))
    # The six items of 493号令 Art. 12 (casualties and loss are the figures below).
    unit_overview = models.TextField(_("the unit"), blank=True)
    place_and_scene = models.TextField(_("time, place and scene"), blank=True)
    course = models.TextField(_("brief course"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    other = models.TextField(_("other matters"), blank=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    direct_loss_cny = models.PositiveBigIntegerField(_("direct economic loss (yuan)"), default=0)
    grade = models.CharField(_("grade"), max_length=20, choices=AccidentGrade.choices)
    grade_basis = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AccidentStatus.choices, default=AccidentStatus.OPEN
    )
    reported_at = models.DateTimeField(_("quick report filed"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_due_at = models.DateTimeField(_("next follow-up due"), null=True, blank=True)
    missed_follow_ups = models.PositiveIntegerField(_("follow-ups missed"), default=0)
    closed_at = models.DateTimeField(_("reporting closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        indexes = [
            models.Index(fields=["region_code", "occurred_at"], name="accident_region_time"),
            models.Index(fields=["occurred_at"], name="accident_time"),
            models.Index(fields=["status", "follow_up_due_at"], name="accident_follow_up"),
        ]

    def __str__(self) -> str:
        return self.summary


class AccidentUpdate(models.Model):
    """A follow-up (续报), a supplementary report (补报: casualties changed) or the final one."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="updates")
    region_code = models.CharField(_("region"), max_length=12)
    kind = models.CharField(_("report kind"), max_length=20, choices=UpdateKind.choices)
    at = models.DateTimeField(_("reported"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what is new"))
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    direct_loss_cny = models.PositiveBigIntegerField(_("direct economic loss (yuan)"))
    # False: the casualties changed after the Art. 13 window, so the counted figures stay.
    applied = models.BooleanField(_("counted"), default=True)
    grade_before = models.CharField(max_length=20, choices=AccidentGrade.choices)
    grade_after = models.CharField(max_length=20, choices=AccidentGrade.choices)

    class Meta:
        verbose_name = _("accident follow-up")
        verbose_name_plural = _("accident follow-ups")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ChainStep(models.Model):
    """One level the report must reach: `due_at` is when it must have been sent to this level
    (from the unit within 1 hour of the accident; from the level below within 2 hours of that
    level's receipt). `sent_at` is when the level below forwarded it (or the quick report was
    filed), `received_at` when this level's person on duty acknowledged it."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField(_("step"))
    level = models.CharField(_("reporting level"), max_length=16, choices=Level.choices)
    # The receiving level's region (the province's for the State Council department step).
    region_code = models.CharField(_("region"), max_length=12)
    # The accident's own region code, for scope filters over steps.
    accident_region = models.CharField(max_length=12)
    due_at = models.DateTimeField(_("step deadline"))
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(_("reported late"), default=False)
    added_by_regrade = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reporting step")
        verbose_name_plural = _("reporting steps")
        ordering = ["accident", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "seq"], name="accident_step_once"),
            models.UniqueConstraint(fields=["accident", "level"], name="accident_level_once"),
        ]
        indexes = [
            models.Index(fields=["region_code", "received_at"], name="step_region_received"),
        ]

    def __str__(self) -> str:
        return f"{self.accident_id}#{self.seq} {self.level}"

    def is_late(self, now) -> bool:
        """Sent after its deadline, or not sent and the deadline has passed."""
        return (self.sent_at or now) > self.due_at
