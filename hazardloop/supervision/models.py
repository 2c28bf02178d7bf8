"""Enforcement documents, their number counters, and accountability proposals.

A document is written once and never edited: its `content` (what the PDF prints) is frozen at
issue and `content_hash` is the SHA-256 of it, shown on the public verification page
(`/d/<token>/`) so a printed copy can be checked. Only the service record (送达) is added later.
Every row carries the unit's `region_code`, the scope filter.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.supervision.choices import (
    DOCUMENT_BADGE,
    DOCUMENT_TITLE_ZH,
    DocumentKind,
    ProposalStatus,
)


class DocumentCounter(models.Model):
    """The last number issued per (department, kind, year); bumped under a row lock."""

    department = models.ForeignKey("regions.Department", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year"], name="document_counter_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.kind}/{self.year}: {self.last}"


class EnforcementDocument(models.Model):
    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence"))
    # Unique per department (the constraint below); two departments' configured prefixes may
    # coincide (四平 铁西区 and 铁东区 both abbreviate to 四铁), so not globally.
    number = models.CharField(_("document number"), max_length=64, db_index=True)
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="documents")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("region"), max_length=12)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The legal clocks' anchors (see clocks.py).
    checked_at = models.DateTimeField(_("inspection or determination"), null=True, blank=True)
    rectify_due_at = models.DateTimeField(_("rectify by"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("written reply due"), null=True, blank=True)
    seal_from = models.DateField(_("sealed from"), null=True, blank=True)
    seal_until = models.DateField(_("sealed until"), null=True, blank=True)
    served_at = models.DateTimeField(_("served"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("served by"),
    )
    served_note = models.CharField(_("how it was served"), max_length=300, blank=True)

    content = models.JSONField(default=dict)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    # A client key (API/form) or the ladder's "<rung>:<hazard id>": the same issue twice is
    # the same document.
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("enforcement document")
        verbose_name_plural = _("enforcement documents")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year", "seq"], name="document_number_once"
            )
        ]
        indexes = [
            models.Index(fields=["hazard", "issued_at"], name="document_hazard"),
            models.Index(fields=["region_code", "issued_at", "id"], name="document_region"),
            models.Index(fields=["kind", "issued_at", "id"], name="document_kind_issued"),
            # Every document by date (a province's lists, the workbench's oldest running
            # clocks): read in order and stopped at the page, not sorted whole.
            models.Index(fields=["issued_at", "id"], name="document_issued"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def title_zh(self) -> str:
        # The issuing department's name for the document, frozen in its content.
        return (self.content or {}).get("title") or DOCUMENT_TITLE_ZH[DocumentKind(self.kind)]

    @property
    def badge(self) -> str:
        return DOCUMENT_BADGE.get(self.kind, "secondary")


class AccountabilityProposal(models.Model):
    """The ladder's last rung: a proposal to hold people accountable for a hazard left open.

    The accountability cases themselves (约谈, 通报批评, 问责) come with the duty and accidents
    work; this row is what they will take up.
    """

    hazard = models.OneToOneField(
        "hazards.Hazard", on_delete=models.PROTECT, related_name="accountability_proposal"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("region"), max_length=12)
    proposed_at = models.DateTimeField(_("proposed"))
    days_overdue = models.PositiveIntegerField(_("days overdue"))
    reason = models.TextField(_("reason"))
    facts = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("accountability proposal")
        verbose_name_plural = _("accountability proposals")
        indexes = [
            models.Index(fields=["region_code", "proposed_at"], name="proposal_region"),
        ]

    def __str__(self) -> str:
        return f"accountability proposal for hazard {self.hazard_id}"


class LadderLock(models.Model):
    """One row; each sweep batch locks it so two sweeps never interleave their batches."""

    class Meta:
        verbose_name = _("ladder lock")
        verbose_name_plural = _("ladder locks")

    def __str__(self) -> str:
        return f"ladder lock {self.pk}"
