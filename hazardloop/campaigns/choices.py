"""Campaign choices, translated, with their badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Under way")
    CLOSED = "closed", pgettext_lazy("campaign", "Closed")


STATUS_BADGE = {
    CampaignStatus.DRAFT: "secondary",
    CampaignStatus.ACTIVE: "success",
    CampaignStatus.CLOSED: "dark",
}


class UnitFilter(models.TextChoices):
    """Unit filters a campaign may select; within one level any of them matches."""

    BOTTLED_LPG = "bottled_lpg", _("Units using bottled LPG")
    PIPELINE_GAS = "pipeline_gas", _("Units using pipeline gas")
    ALCOHOL_FUEL = "alcohol_fuel", _("Units using alcohol-based fuel")
    BIOMASS = "biomass", _("Units using biomass fuel")
    CROWDED_PLACE = "crowded_place", _("Crowded places")
    PUBLIC_GATHERING = "public_gathering", _("Public gathering places")
    FIRE_KEY_UNIT = "fire_key_unit", _("Fire-safety key units")
    RED_RISK = "red_risk", _("Red-risk units")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


TASK_BADGE = {TaskStatus.OPEN: "warning", TaskStatus.DONE: "success", TaskStatus.CANCELLED: "dark"}


class TaskSource(models.TextChoices):
    LIST = "list", _("Campaign task list")
    DRAW = "draw", _("Double-random draw")
    FREQUENCY = "frequency", _("Frequency policy")
    TIP = "tip", _("Public tip")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    CADRE = "cadre", _("Cadre")
    EXPERT = "expert", _("Expert")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    LAUNCHED = "launched", _("Launched")
    CLOSED = "closed", pgettext_lazy("campaign", "Closed")
    ADOPTED = "adopted", _("Adopted by a lower level")
    TASKS = "tasks", _("Task list generated")
    DRAW = "draw", _("Double-random draw")
    DRAW_PUBLISHED = "draw_published", _("Draw published")
    INVITED = "invited", _("Self-inspection invitations sent")
