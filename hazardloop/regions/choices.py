from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.regions import codes


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    ZONE = "zone", _("Development zone")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# How many leading digits of a region's code every region below it shares (a development
# zone's statistical code has the shape of a county's).
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: codes.PREFIX_LENGTHS[codes.PROVINCE],
    RegionLevel.PREFECTURE: codes.PREFIX_LENGTHS[codes.PREFECTURE],
    RegionLevel.COUNTY: codes.PREFIX_LENGTHS[codes.COUNTY],
    RegionLevel.ZONE: codes.PREFIX_LENGTHS[codes.COUNTY],
    RegionLevel.TOWNSHIP: codes.PREFIX_LENGTHS[codes.TOWNSHIP],
    RegionLevel.VILLAGE: codes.PREFIX_LENGTHS[codes.VILLAGE],
}
CODE_MAX_LENGTH = codes.CODE_MAX_LENGTH


class DepartmentKind(models.TextChoices):
    SAFETY_COMMITTEE = "safety_committee", _("Work safety committee office")
    EMERGENCY = "emergency", _("Emergency management")
    FIRE = "fire", _("Fire and rescue")
    HOUSING = "housing", _("Housing and construction")
    COMMERCE = "commerce", _("Commerce")
    MARKET = "market", _("Market regulation")
    TRANSPORT = "transport", _("Transport")
    WATER = "water", _("Water resources")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    CULTURE = "culture", _("Culture and tourism")
    INDUSTRY = "industry", _("Industry and information technology")
    NATURAL_RESOURCES = "natural_resources", _("Natural resources")
