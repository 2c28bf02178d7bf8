from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    ZONE = "zone", _("Development zone")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# How many leading digits of a region's code every region below it shares.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.PREFECTURE: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.ZONE: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
CODE_MAX_LENGTH = 12


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
