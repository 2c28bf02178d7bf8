from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DutyKind(models.TextChoices):
    PATROL = "patrol", _("Fire patrol")
    INSPECTION = "inspection", _("Fire inspection")
    TRAINING = "training", _("Staff fire-safety training")
    DRILL = "drill", _("Fire and evacuation drill")


class AppliesTo(models.TextChoices):
    """Which units a rule binds (61号令 names them this way)."""

    ALL = "all", _("All units")
    PUBLIC_GATHERING = "public_gathering", _("Public gathering places")
    KEY_UNIT = "key_unit", _("Fire-safety key units")
    PUBLIC_BODY = "public_body", _("State organs, organisations and public institutions")
    OTHER_BODY = "other_body", _("Other units (enterprises and the like)")


class Every(models.TextChoices):
    HOUR = "hour", _("hours")
    DAY = "day", pgettext_lazy("period unit", "days")
    MONTH = "month", _("months")


class DutyState(models.TextChoices):
    DONE = "done", _("Done")
    LATE = "late", _("Done late")
    LAPSED = "lapsed", _("Lapsed")
    DUE = "due", _("Due now")
    UPCOMING = "upcoming", _("Upcoming")


STATE_BADGE = {
    DutyState.DONE: "success",
    DutyState.LATE: "warning",
    DutyState.LAPSED: "danger",
    DutyState.DUE: "primary",
    DutyState.UPCOMING: "secondary",
}
