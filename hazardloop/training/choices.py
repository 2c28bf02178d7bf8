from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.TextChoices):
    """What a member of a unit's staff does, as far as fire safety asks."""

    MANAGER = "manager", _("Person responsible for fire safety")
    SAFETY_OFFICER = "safety_officer", _("Fire-safety manager")
    CONTROL_ROOM = "control_room", _("Fire-control-room operator")
    HOT_WORK = "hot_work", _("Welder or cutter")
    ELECTRICIAN = "electrician", _("Electrician")
    SECURITY = "security", _("Security or patrol staff")
    STAFF = "staff", _("Other staff")


class CertificateKind(models.TextChoices):
    """Certificates that a post requires (持证上岗) and that expire."""

    FIRE_FACILITY_OPERATOR = "fire_operator", _("Fire-facility operator (fire-control room)")
    WELDING = "welding", _("Welding and thermal cutting (special work)")
    ELECTRICIAN = "electrician", _("Electrician (special work)")
    OTHER = "other", _("Other certificate")


class TrainingItem(models.TextChoices):
    """The four contents of staff training, 61号令 Art. 36 (regulations.md §7)."""

    LAWS = "laws", _("Fire laws, rules and the unit's fire-safety rules and procedures")
    HAZARDS = "hazards", _("The fire hazards of the unit's post and how to prevent fires")
    EQUIPMENT = "equipment", _("Using fire facilities and equipment")
    ESCAPE = "escape", _("Reporting a fire, fighting an initial fire and escape and self-rescue")


class SignedBy(models.TextChoices):
    LISTED = "listed", _("Listed by the trainer")
    PHONE = "phone", _("Signed on a phone")
    IMPORTED = "imported", _("Imported from a spreadsheet")
