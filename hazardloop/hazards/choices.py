"""Hazard choices, translated, with their badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.checklists.choices import GRADE_BADGE as CHECKLIST_GRADE_BADGE
from hazardloop.checklists.choices import DefaultGrade, ItemCategory

# One list of grades and of categories: checklist items file their failures under these.
Grade = DefaultGrade
Category = ItemCategory
GRADE_BADGE = CHECKLIST_GRADE_BADGE


class Status(models.TextChoices):
    FOUND = "found", _("Found")
    ORDERED = "ordered", _("Rectification ordered")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.FOUND, Status.ORDERED, Status.RECTIFYING, Status.SUBMITTED)
DONE_STATUSES = (Status.VERIFIED, Status.CLOSED)

STATUS_BADGE = {
    Status.FOUND: "secondary",
    Status.ORDERED: "primary",
    Status.RECTIFYING: "info",
    Status.SUBMITTED: "warning",
    Status.VERIFIED: "success",
    Status.CLOSED: "dark",
}


class Source(models.TextChoices):
    INSPECTION = "inspection", _("Inspection item")
    SELF_INSPECTION = "self_inspection", _("Self-inspection")
    PUBLIC_TIP = "public_tip", _("Public tip")
    ACCIDENT = "accident", _("Accident follow-up")
    MANUAL = "manual", _("Entered by hand")


class SupervisionLevel(models.TextChoices):
    """The supervision ladder. The order of the members is the order of the rungs."""

    NONE = "none", _("Not under supervision")
    REMINDED = "reminded", _("Reminded")
    LETTER = "letter", _("Supervision letter")
    LISTED = "listed", _("Listed for supervision")
    ACCOUNTABILITY = "accountability", _("Accountability proposed")


SUPERVISION_RANK = {level.value: rank for rank, level in enumerate(SupervisionLevel)}

SUPERVISION_BADGE = {
    SupervisionLevel.NONE: "light text-dark",
    SupervisionLevel.REMINDED: "info",
    SupervisionLevel.LETTER: "warning",
    SupervisionLevel.LISTED: "danger",
    SupervisionLevel.ACCOUNTABILITY: "dark",
}


class ListedLevel(models.TextChoices):
    COUNTY = "county", _("County level")
    CITY = "city", _("City level")
    PROVINCE = "province", _("Province level")


class EventKind(models.TextChoices):
    CREATED = "created", _("Recorded")
    FIXED_ON_SPOT = "fixed_on_spot", _("Fixed on the spot and closed")
    ORDER = "order", _("Rectification ordered")
    START = "start", _("Rectification started")
    SUBMIT = "submit", _("Rectification submitted")
    VERIFY = "verify", _("Verification passed")
    REJECT = "reject", _("Verification failed")
    CLOSE = "close", _("Closed")
    PLAN = "plan", _("Rectification plan saved")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_APPROVE = "extension_approve", _("Extension approved")
    EXTENSION_REFUSE = "extension_refuse", _("Extension refused")
    OVERRIDE_GRADE = "override_grade", _("Grade overridden")
    REGRADE = "regrade", _("Grade determined again")
    ASSIGN_EXPERT = "assign_expert", _("Expert assigned")
    ADVICE = "advice", _("Expert advice")
    SUPERVISION = "supervision", _("Supervision")
    CLOCK_LAPSE = "clock_lapse", _("Regulator's time limit missed")
    NOTE = "note", _("Note")
    DETERMINED = "determined", _("Major-hazard determination recorded")
    EXCLUDED = "excluded", _("Exclusion recorded")


class DeterminationState(models.TextChoices):
    """Whether a person must determine the grade (the hazard API's `determination`)."""

    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Possible major — determination pending")
    DETERMINED = "determined", _("Determined")


class DeterminationMethod(models.TextChoices):
    """GB 35181-2017 Ch. 4: collective discussion (≥ 3 people) or expert review (≥ 7)."""

    COLLECTIVE = "collective", _("Collective discussion")
    EXPERT = "expert", _("Expert review")


class ClockKind(models.TextChoices):
    """What an open hazard waits for, and so whose clock runs (regulations.md §10.2, §12.3)."""

    ORDER = "order", _("Rectification to be ordered")
    RECTIFY = "rectify", _("Rectification by the unit")
    VERIFY = "verify", _("Re-check or acceptance")


# The clocks that run against the regulator (the unit's own is the rectification deadline).
REGULATOR_CLOCKS = (ClockKind.ORDER, ClockKind.VERIFY)


class ClockRung(models.TextChoices):
    """How far a regulator's missed clock has climbed: its office told, then the office above."""

    NONE = "", _("Not lapsed")
    REMINDED = "reminded", _("Office reminded")
    ESCALATED = "escalated", _("Reported to the office above")


CLOCK_RUNG_RANK = {rung.value: rank for rank, rung in enumerate(ClockRung)}


class PhotoRole(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class VerificationResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", pgettext_lazy("verification", "Failed")


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
