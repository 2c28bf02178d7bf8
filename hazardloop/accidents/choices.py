"""Accident report choices, translated, with their badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccidentType(models.TextChoices):
    FIRE = "fire", _("Fire")
    GAS_EXPLOSION = "gas_explosion", _("Gas explosion")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    MINING = "mining", _("Mining")
    CONSTRUCTION = "construction", _("Construction")
    DROWNING_FLOOD = "drowning_flood", _("Drowning or flood")
    OTHER = "other", pgettext_lazy("accident type", "Other")


# Types whose casualty changes count for 7 days instead of 30 (493号令 Art. 13).
SHORT_WINDOW_TYPES = frozenset({AccidentType.ROAD_TRAFFIC, AccidentType.FIRE})


class AccidentGrade(models.TextChoices):
    """493号令 Art. 3, least severe first."""

    GENERAL = "general", pgettext_lazy("accident grade", "General")
    LARGER = "larger", pgettext_lazy("accident grade", "Larger")
    MAJOR = "major", pgettext_lazy("accident grade", "Major")
    ESPECIALLY_MAJOR = "especially_major", pgettext_lazy("accident grade", "Especially major")


GRADE_ORDER = [g.value for g in AccidentGrade]
GRADE_BADGE = {
    AccidentGrade.GENERAL: "secondary",
    AccidentGrade.LARGER: "warning",
    AccidentGrade.MAJOR: "danger",
    AccidentGrade.ESPECIALLY_MAJOR: "dark",
}


def grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade)


class AccidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("accident", "Open")
    CLOSED = "closed", pgettext_lazy("accident", "Closed")


class Level(models.TextChoices):
    """The levels a report passes through, lowest first."""

    COUNTY = "county", pgettext_lazy("reporting level", "County")
    PREFECTURE = "prefecture", pgettext_lazy("reporting level", "Prefecture")
    PROVINCE = "province", pgettext_lazy("reporting level", "Province")
    STATE_COUNCIL = "state_council", _("State Council department")


LEVEL_ORDER = [lv.value for lv in Level]


class UpdateKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up report")
    SUPPLEMENTARY = "supplementary", _("Supplementary report")
    FINAL = "final", _("Final report")


UPDATE_BADGE = {
    UpdateKind.FOLLOW_UP: "info",
    UpdateKind.SUPPLEMENTARY: "warning",
    UpdateKind.FINAL: "dark",
}
