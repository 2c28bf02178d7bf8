from django.db import models
from django.utils.translation import gettext_lazy as _


class GasUse(models.TextChoices):
    NONE = "none", _("No gas")
    BOTTLED_LPG = "bottled_lpg", _("Bottled LPG")
    PIPELINE = "pipeline", _("Pipeline gas")
    ALCOHOL_FUEL = "alcohol_fuel", _("Alcohol-based fuel")
    BIOMASS = "biomass", _("Biomass fuel")


class RiskLevel(models.TextChoices):
    RED = "red", _("Red (major risk)")
    ORANGE = "orange", _("Orange (high risk)")
    YELLOW = "yellow", _("Yellow (moderate risk)")
    BLUE = "blue", _("Blue (low risk)")


RISK_BADGE = {
    RiskLevel.RED: "danger",
    RiskLevel.ORANGE: "warning",
    RiskLevel.YELLOW: "warning text-dark",
    RiskLevel.BLUE: "primary",
}
