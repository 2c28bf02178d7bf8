"""A unit's fire and evacuation drills (灭火和应急疏散演练, 61号令 Art. 40) and the emergency plan
(灭火和应急疏散预案) they follow.

A plan is a document of the unit (a PDF or a photo, checked by `evidence.documents`), kept with
the unit and chosen for each drill. Rows carry the unit's region code so that scope is one filter
(`drills.access`). A problem found in a drill may become a hazard of the unit (`hazard`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.drills.choices import Rating

SCENARIO_MAX = 500
TEXT_MAX = 2000
MAX_SECONDS = 24 * 3600


class DrillPlan(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    region_code = models.CharField(_("region"), max_length=12)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)
    bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False,
        verbose_name=_("uploaded by"),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        indexes = [models.Index(fields=["unit", "uploaded_at"], name="drillplan_unit")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class Drill(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    region_code = models.CharField(_("region"), max_length=12)
    plan = models.ForeignKey(
        DrillPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="drills",
        verbose_name=_("emergency plan"),
    )  # fmt: skip
    held_at = models.DateTimeField(_("drill held at"))
    scenario = models.CharField(_("scenario"), max_length=SCENARIO_MAX)
    participants = models.ManyToManyField(
        "training.StaffMember", blank=True, related_name="+", verbose_name=_("participants")
    )
    others_count = models.PositiveIntegerField(_("other participants"), default=0)
    evacuation_seconds = models.PositiveIntegerField(
        _("evacuation time (s)"), null=True, blank=True
    )
    rating = models.CharField(_("evaluation"), max_length=10, choices=Rating.choices)
    evaluation = models.TextField(_("evaluation notes"), max_length=TEXT_MAX, blank=True)
    photos = models.ManyToManyField("evidence.Photo", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False,
        verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        indexes = [
            models.Index(fields=["unit", "held_at"], name="drill_unit_held"),
            models.Index(fields=["region_code", "held_at"], name="drill_region_held"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(evacuation_seconds__isnull=True)
                | Q(evacuation_seconds__lte=MAX_SECONDS),
                name="drill_evacuation_bounded",
            )
        ]

    def __str__(self) -> str:
        return self.scenario

    @property
    def evacuation_minutes(self) -> int:
        return (self.evacuation_seconds or 0) // 60

    @property
    def evacuation_rest_seconds(self) -> int:
        return (self.evacuation_seconds or 0) % 60


class DrillProblem(models.Model):
    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, related_name="problems", verbose_name=_("drill")
    )
    description = models.CharField(_("problem"), max_length=500)
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("hazard"),
    )  # fmt: skip

    class Meta:
        ordering = ["id"]
        verbose_name = _("problem found")
        verbose_name_plural = _("problems found")

    def __str__(self) -> str:
        return self.description
