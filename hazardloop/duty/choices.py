"""Duty choices, translated, with their badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SwapStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("swap", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("swap", "Approved")
    REFUSED = "refused", pgettext_lazy("swap", "Refused")


SWAP_BADGE = {
    SwapStatus.PENDING: "warning",
    SwapStatus.APPROVED: "success",
    SwapStatus.REFUSED: "secondary",
}


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Writing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


EXPORT_BADGE = {
    ExportStatus.QUEUED: "secondary",
    ExportStatus.RUNNING: "info",
    ExportStatus.DONE: "success",
    ExportStatus.FAILED: "danger",
}


class Problem(models.TextChoices):
    """What the roster check finds (flagged on the calendar, never silently accepted)."""

    GAP = "gap", _("Not covered by any shift")
    NO_OFFICER = "no_officer", _("No duty officer")
    SHORT = "short", _("Fewer duty officers than required")
    NO_LEADER = "no_leader", _("No leader on duty")
    POST_UNSTAFFED = "post_unstaffed", _("Key post not staffed")
