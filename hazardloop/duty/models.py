"""Duty rosters (值班值守): a department's 24-hour shifts, the leader on duty of each day, key
posts, check-ins, handovers signed by both sides, swaps with approval and month exports.

Every row carries the region code of its department (`region_code`), so the one scope filter
applies to it. Shifts of one roster never overlap and are laid end to end (services.py refuses
anything else); `queries.on_duty` reads them by (roster, starts_at).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.duty.choices import ExportStatus, SwapStatus
from hazardloop.regions.choices import CODE_MAX_LENGTH


class Roster(models.Model):
    """One department's duty roster: its shift pattern, how many officers a shift needs, its
    key posts and its published duty phone."""

    department = models.OneToOneField(
        "regions.Department", on_delete=models.PROTECT, related_name="duty_roster"
    )
    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH, db_index=True)
    # Start times of the day's shifts, "HH:MM", the duty day's first first: each shift runs to
    # the next start (the last to the first of the next day), so a day is covered whole.
    shift_starts = models.JSONField(_("shift pattern"), default=list)
    officers_per_shift = models.PositiveSmallIntegerField(_("duty officers per shift"), default=1)
    duty_phone = models.CharField(_("duty phone"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")

    def __str__(self) -> str:
        return str(self.department)


class KeyPost(models.Model):
    """A post that must be staffed around the clock (值班室, 消防控制室 …): every shift needs
    `min_staff` people on it."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="key_posts")
    name = models.CharField(_("name"), max_length=100)
    min_staff = models.PositiveSmallIntegerField(_("people per shift"), default=1)

    class Meta:
        ordering = ["roster_id", "id"]
        verbose_name = _("key post")
        verbose_name_plural = _("key posts")
        constraints = [
            models.UniqueConstraint(fields=["roster", "name"], name="duty_keypost_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class HeightenedPeriod(models.Model):
    """Stepped-up duty (holidays, sensitive periods such as the National Day week): every
    roster of the region and below needs at least `min_officers` per shift on these days."""

    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    min_officers = models.PositiveSmallIntegerField(_("duty officers per shift"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("heightened duty period")
        verbose_name_plural = _("heightened duty periods")

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """One shift of a roster: [starts_at, ends_at). `day` is the duty day it belongs to (a
    night shift after midnight belongs to the day before)."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH)
    day = models.DateField(_("duty day"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["roster_id", "starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(fields=["roster", "starts_at"], name="duty_shift_one_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after"
            ),
        ]
        indexes = [
            models.Index(fields=["roster", "starts_at", "ends_at"], name="duty_shift_cover"),
            models.Index(fields=["region_code", "starts_at"], name="duty_shift_region"),
        ]

    def __str__(self) -> str:
        return f"{self.roster} {self.starts_at:%Y-%m-%d %H:%M}"


class Assignment(models.Model):
    """A person on a shift, on a key post or as a duty officer, and their check-in."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_assignments"
    )
    post = models.ForeignKey(
        KeyPost, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH)
    # Copied from the shift so double-booking is one indexed query per person.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_late = models.BooleanField(_("late"), default=False)

    class Meta:
        ordering = ["shift_id", "post_id", "id"]
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="duty_assignment_once")
        ]
        indexes = [models.Index(fields=["user", "starts_at"], name="duty_assignment_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shift}"


class LeaderDay(models.Model):
    """The leader on duty (领导带班) of one duty day of a roster."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="leader_days")
    day = models.DateField(_("duty day"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_leader_days"
    )
    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH)

    class Meta:
        ordering = ["roster_id", "day"]
        verbose_name = _("leader on duty")
        verbose_name_plural = _("leaders on duty")
        constraints = [models.UniqueConstraint(fields=["roster", "day"], name="duty_leader_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


class Handover(models.Model):
    """The handover log of a shift: the outgoing officer writes it, an officer of the next
    shift confirms it; both signatures are kept with their times."""

    shift = models.OneToOneField(Shift, on_delete=models.CASCADE, related_name="handover")
    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH)
    note = models.TextField(_("handover notes"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"handover {self.shift}"


class Swap(models.Model):
    """A request to hand one's shift to someone else; the department's regulator decides."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swaps")
    region_code = models.CharField(_("region"), max_length=CODE_MAX_LENGTH, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    original_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="duty_swap_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"swap #{self.pk}"


class RosterExport(models.Model):
    """A month of a roster as .xlsx, written by the background worker; its creator's alone."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_exports"
    )
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="exports")
    month = models.DateField()
    language = models.CharField(max_length=16, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="duty_exports/%Y/%m/", blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("roster export")
        verbose_name_plural = _("roster exports")

    def __str__(self) -> str:
        return f"roster export #{self.pk}"
