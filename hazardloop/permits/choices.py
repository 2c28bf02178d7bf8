from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PermitStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("permit status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("permit status", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("permit status", "Approved, work not going on")
    ACTIVE = "active", pgettext_lazy("permit status", "Work going on")
    CLOSED = "closed", pgettext_lazy("permit status", "Closed after the after-check")
    REFUSED = "refused", pgettext_lazy("permit status", "Refused")
    EXPIRED = "expired", pgettext_lazy("permit status", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("permit status", "Cancelled")


# A permit that may still lead to work (the validity sweep ends these).
LIVE_STATUSES = (
    PermitStatus.DRAFT,
    PermitStatus.SUBMITTED,
    PermitStatus.APPROVED,
    PermitStatus.ACTIVE,
)
STATUS_BADGE = {
    PermitStatus.DRAFT: "secondary",
    PermitStatus.SUBMITTED: "primary",
    PermitStatus.APPROVED: "info",
    PermitStatus.ACTIVE: "warning",
    PermitStatus.CLOSED: "success",
    PermitStatus.REFUSED: "danger",
    PermitStatus.EXPIRED: "dark",
    PermitStatus.CANCELLED: "secondary",
}


class PermitGrade(models.TextChoices):
    """The three grades of hot work outside fixed hot-work zones (regulations.md §6: the grade
    names are widely cited; what puts work in which grade is configuration)."""

    SPECIAL = "special", _("Special grade (特级)")
    LEVEL1 = "level1", _("Grade 1 (一级)")
    LEVEL2 = "level2", _("Grade 2 (二级)")


GRADE_RANK = {PermitGrade.LEVEL2: 0, PermitGrade.LEVEL1: 1, PermitGrade.SPECIAL: 2}


class EventKind(models.TextChoices):
    CREATED = "created", _("Application written")
    SUBMITTED = "submitted", _("Submitted for approval")
    SIGNED = "signed", _("Signed by an approver")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    STARTED = "started", _("Work started")
    INTERRUPTED = "interrupted", _("Work interrupted")
    GAS_TEST = "gas_test", _("Gas test recorded")
    CLOSED = "closed", _("Closed after the after-check")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired at the end of its validity")
    SITE_CHECK = "site_check", _("Checked on site")


class RefusalReason(models.TextChoices):
    """Why an approval was refused: each its own sentence (rules.py)."""

    CERTIFICATE = "certificate", _("The worker holds no valid welding certificate")
    FIRE_WATCH = "fire_watch", _("The fire watch has no current training record")
    GAS_MISSING = "gas_missing", _("No gas test recorded")
    GAS_STALE = "gas_stale", _("The gas test is too old")
    GAS_INTERRUPTED = "gas_interrupted", _("No gas test since the interruption")
    GAS_HIGH = "gas_high", _("The gas reading is above the limit")
    FIRE_HAZARD = "fire_hazard", _("The unit has an open major fire hazard")
    BY_APPROVER = "by_approver", _("Refused by the approver")
