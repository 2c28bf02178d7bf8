from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.training.choices import CertificateKind, Post


class StaffMember(models.Model):
    """One person working at a unit (the unit's staff list). `left_on` set: no longer works
    there, kept for the records that name them. `hired_on` within the training window makes the
    person new staff, who count as trained only after a pre-job training (training.queries)."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="staff", verbose_name=_("unit")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    post = models.CharField(_("post"), max_length=20, choices=Post.choices, default=Post.STAFF)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    hired_on = models.DateField(_("started on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # The person's account, when they have one (a unit manager or safety officer).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [models.Index(fields=["unit", "left_on"], name="staff_unit_left")]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    """A certificate a staff member holds (消防设施操作员, 焊接与热切割作业 …), valid through
    `expires_on` inclusive."""

    holder = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="certificates",
        verbose_name=_("holder"),
    )  # fmt: skip
    kind = models.CharField(_("certificate"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=50)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [
            models.Index(fields=["holder", "kind", "expires_on"], name="cert_holder_kind"),
            models.Index(fields=["expires_on"], name="cert_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__lte=models.F("expires_on")),
                name="cert_issued_before_expiry",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
