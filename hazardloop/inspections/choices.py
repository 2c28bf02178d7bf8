from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    ROUTINE = "routine", _("Routine inspection")
    PATROL = "patrol", _("Daily patrol")
    CAMPAIGN = "campaign", _("Campaign inspection")
    SELF_INSPECTION = "self_inspection", _("Unit self-inspection")
    UNANNOUNCED = "unannounced", _("Unannounced inspection (四不两直)")
    LEADER_LED = "leader_led", _("Leader-led inspection")
    JOINT = "joint", _("Joint cadre and expert inspection")


# The modes a unit's own staff record at their own unit (61号令 Art. 25 patrols, Art. 26
# self-inspections): no unit signature, the team is the unit's staff, findings are self-found.
UNIT_OWN_MODES = (Mode.SELF_INSPECTION, Mode.PATROL)

MODE_BADGE = {
    Mode.ROUTINE: "secondary",
    Mode.PATROL: "info",
    Mode.CAMPAIGN: "primary",
    Mode.SELF_INSPECTION: "success",
    Mode.UNANNOUNCED: "danger",
    Mode.LEADER_LED: "warning",
    Mode.JOINT: "dark",
}


class TeamRole(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    EXPERT = "expert", _("Expert")
    LEADER = "leader", _("Leader")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")
    RECORDED = "recorded", _("Recorded")


RESULT_BADGE = {
    Result.PASS: "success",
    Result.FAIL: "danger",
    Result.NA: "secondary",
    Result.RECORDED: "info",
}


class SignerRole(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    UNIT = "unit", _("Unit representative")
