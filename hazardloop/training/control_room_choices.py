from django.db import models
from django.utils.translation import gettext_lazy as _


class ShiftKind(models.TextChoices):
    """The shifts of a fire-control room's 24-hour duty (消防控制室值班)."""

    DAY = "day", _("Day shift")
    NIGHT = "night", _("Night shift")
    FULL_DAY = "full_day", _("24-hour shift")
