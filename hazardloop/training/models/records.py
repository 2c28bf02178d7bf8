from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.training.choices import SignedBy
from hazardloop.training.models.staff import StaffMember


class Training(models.Model):
    """One fire-safety training session of a unit (61号令 Art. 36). `items` holds the
    TrainingItem values it covered; `pre_job` marks a 岗前培训 for new staff."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="trainings", verbose_name=_("unit")
    )
    topic = models.CharField(_("topic"), max_length=200)
    items = models.JSONField(_("content"), default=list)
    trainer = models.CharField(_("trainer"), max_length=100)
    held_at = models.DateTimeField(_("held at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    pre_job = models.BooleanField(_("pre-job training"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    photos = models.ManyToManyField(
        "evidence.Photo", blank=True, related_name="+", verbose_name=_("photos")
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [models.Index(fields=["unit", "held_at"], name="training_unit_held")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="training_duration_pos"
            )
        ]

    def __str__(self):
        return self.topic


class TrainingAttendance(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("training")
    )
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="attendance",
        verbose_name=_("staff member"),
    )  # fmt: skip
    signed = models.CharField(
        _("attendance by"), max_length=10, choices=SignedBy.choices, default=SignedBy.LISTED
    )
    signed_at = models.DateTimeField(
        pgettext_lazy("attendance", "signed at"), null=True, blank=True
    )
    # The signature drawn on a phone (an evidence photo of kind signature).
    signature = models.ForeignKey(
        "evidence.Photo", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signature"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "staff"], name="attendance_once")
        ]
        indexes = [models.Index(fields=["staff", "training"], name="attendance_staff")]

    def __str__(self):
        return f"{self.staff} · {self.training}"
