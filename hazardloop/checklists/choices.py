from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail / not applicable")
    NUMBER = "number", _("Number with a limit")
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo")


class DefaultGrade(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


GRADE_BADGE = {DefaultGrade.GENERAL: "secondary", DefaultGrade.MAJOR: "danger"}


class ItemCategory(models.TextChoices):
    """The hazard categories an item's failure is filed under (the hazard ledger's codes)."""

    EVACUATION = "evacuation", _("Escape routes and exits")
    FIRE_FACILITIES = "fire_facilities", _("Fire facilities and equipment")
    GAS = "gas", _("Gas use")
    ELECTRICAL = "electrical", _("Electrical")
    HOT_WORK = "hot_work", _("Hot work")
    MATERIALS = "materials", _("Decoration and building materials")
    HAZCHEM = "hazchem", _("Hazardous chemicals")
    MANAGEMENT = "management", _("Safety management")
    OTHER = "other", _("Other")


class BuildingClass(models.TextChoices):
    """The buildings a GB 35181 rate threshold distinguishes (regulations.md §3.4, §12.1), most
    specific first: a limit is read for the first of them that holds at the unit."""

    HIGH_RISE_CROWDED = "high_rise_crowded", _("High-rise building with a crowded place")
    HIGH_RISE_OR_UNDERGROUND = "high_rise_or_underground", _("High-rise or underground building")
    OTHER = "other", _("Other buildings")


class BasisStatus(models.TextChoices):
    """How well the item's rule and numbers are sourced (regulations.md's tags)."""

    VERIFIED = "verified", _("Source verified")
    SECONDARY = "secondary", _("Secondary source only")
    UNVERIFIED = "unverified", _("Unverified: adapt locally")


BASIS_BADGE = {
    BasisStatus.VERIFIED: "success",
    BasisStatus.SECONDARY: "warning text-dark",
    BasisStatus.UNVERIFIED: "danger",
}
