from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TipCategory(models.TextChoices):
    """What is wrong: the life-channel rules (消防法 Art. 28, regulations.md §8) first."""

    BLOCKED_EXIT = "blocked_exit", _("Blocked exit or escape route")
    LOCKED_DOOR = "locked_door", _("Locked escape door")
    WINDOW_BARS = "window_bars", _("Iron bars on windows")
    GAS_INDOORS = "gas_indoors", _("Gas cylinders indoors")
    EQUIPMENT_MISSING = "equipment_missing", _("Fire equipment missing or broken")
    OTHER = "other", pgettext_lazy("tip category", "Something else")


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Received, waiting for the authorities")
    HAZARD = "hazard", _("Recorded as a hazard")
    INSPECTION = "inspection", _("Inspection planned")
    DISMISSED = "dismissed", _("Closed without a hazard")


class Outcome(models.TextChoices):
    """What a regulator turns a tip into (the triage's choice)."""

    HAZARD = "hazard", _("Record a hazard")
    INSPECTION = "inspection", _("Plan an inspection")
    DISMISS = "dismiss", _("Dismiss with a reason")


OUTCOME_STATUS = {
    Outcome.HAZARD: TipStatus.HAZARD,
    Outcome.INSPECTION: TipStatus.INSPECTION,
    Outcome.DISMISS: TipStatus.DISMISSED,
}
