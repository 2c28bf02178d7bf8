"""Accountability cases (问责): who is held to account for what, the responsibility chain as it
stood when the case was raised, and every step of its handling.

A case belongs to a region (`region`, the scope filter). Automatic cases are proposals raised
once per source row (`source_kind`, `source_id`: unique together); a regulator or leader
confirms or dismisses them, decides the measure and closes the case. Manual cases have no source.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.accountability.choices import (
    STATUS_BADGE,
    CaseStatus,
    Measure,
    SourceKind,
    SubjectKind,
)


class Case(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        db_index=False,
    )
    source_kind = models.CharField(_("source"), max_length=32, choices=SourceKind.choices)
    source_id = models.BigIntegerField(_("source row"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)

    subject_kind = models.CharField(_("subject"), max_length=12, choices=SubjectKind.choices)
    # The subject's name as it was when the case was raised (frozen like the chain).
    subject_name = models.CharField(_("subject's name"), max_length=200)
    subject_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Facts: structured items (facts.py turns them into sentences in the reader's language),
    # links to the rows they are about, and a person's own words.
    facts = models.JSONField(_("facts"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    description = models.TextField(_("facts in words"), blank=True)
    # The responsibility chain (党政同责、一岗双责) as it stood when the case was raised: the
    # unit's responsible people, the sector's supervising departments and their regulators, the
    # region's leaders. Frozen: later changes of memberships never touch it (chain.py).
    chain = models.JSONField(_("responsibility chain"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.PROPOSED
    )
    measure = models.CharField(
        _("measure"), max_length=24, choices=Measure.choices, blank=True, default=""
    )
    measure_note = models.TextField(_("about the measure"), blank=True)
    decision_note = models.TextField(_("reason"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    proposed_at = models.DateTimeField(_("raised"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    decided_at = models.DateTimeField(_("confirmed or dismissed"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    measure_at = models.DateTimeField(_("measure decided"), null=True, blank=True)
    closed_at = models.DateTimeField(_("case closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        indexes = [
            models.Index(fields=["region", "proposed_at"], name="acc_case_region"),
            models.Index(fields=["status", "region"], name="acc_case_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=Q(source_id__isnull=False),
                name="acc_case_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        return self.region_id

    @property
    def badge(self) -> str:
        return STATUS_BADGE.get(self.status, "secondary")


class CaseEvent(models.Model):
    """One step of a case (append-only): raised, confirmed, dismissed, measure decided, closed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("accountability case event")
        verbose_name_plural = _("accountability case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"
