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

# Severity order, highest first; `Unit.risk_rank` stores it so lists can sort by risk.
RISK_RANK = {RiskLevel.RED: 4, RiskLevel.ORANGE: 3, RiskLevel.YELLOW: 2, RiskLevel.BLUE: 1}


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    EXPORTING = "exporting", _("Exporting")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


JOB_BADGE = {
    JobStatus.QUEUED: "secondary",
    JobStatus.CHECKING: "info",
    JobStatus.CHECKED: "primary",
    JobStatus.COMMITTING: "info",
    JobStatus.COMMITTED: "success",
    JobStatus.EXPORTING: "info",
    JobStatus.DONE: "success",
    JobStatus.FAILED: "danger",
}
