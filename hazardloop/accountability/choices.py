"""Accountability (问责) choices, translated, with their badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SourceKind(models.TextChoices):
    """Where a case came from. An automatic source raises a proposal once per source row
    (`source_id`); a manual case has none."""

    HAZARD_TOP_RUNG = "hazard_top_rung", _("Hazard at the top of the supervision ladder")
    CAMPAIGN_TARGET = "campaign_target", _("Campaign target missed at the deadline")
    ACCIDENT_LATE = "accident_late", _("Accident reported late")
    ACCIDENT_OPEN_HAZARD = (
        "accident_open_hazard",
        _("Accident at a unit with an open hazard of the same kind"),
    )
    MANUAL = "manual", pgettext_lazy("accountability source", "Raised by hand")


class SubjectKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("accountability subject", "Person")
    UNIT = "unit", pgettext_lazy("accountability subject", "Unit")
    DEPARTMENT = "department", pgettext_lazy("accountability subject", "Department")
    REGION = "region", pgettext_lazy("accountability subject", "Lower-level government")


class Measure(models.TextChoices):
    TALK_REMINDER = "talk_reminder", _("Reminder talk")
    INTERVIEW = "interview", _("Summons for a talk")
    CIRCULATED_CRITICISM = "circulated_criticism", _("Circulated criticism")
    DISCIPLINE_REFERRAL = "discipline_referral", _("Referral for discipline")


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("accountability", "Proposed")
    CONFIRMED = "confirmed", pgettext_lazy("accountability", "Confirmed")
    DISMISSED = "dismissed", pgettext_lazy("accountability", "Dismissed")
    MEASURE_DECIDED = "measure_decided", pgettext_lazy("accountability", "Measure decided")
    CLOSED = "closed", pgettext_lazy("accountability", "Closed")


STATUS_BADGE = {
    CaseStatus.PROPOSED: "warning",
    CaseStatus.CONFIRMED: "primary",
    CaseStatus.DISMISSED: "secondary",
    CaseStatus.MEASURE_DECIDED: "danger",
    CaseStatus.CLOSED: "dark",
}
OPEN_STATUSES = (CaseStatus.PROPOSED, CaseStatus.CONFIRMED, CaseStatus.MEASURE_DECIDED)
