"""Supervision choices, translated, with their badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    IMMEDIATE_ORDER = "immediate_order", _("Order to rectify immediately")
    DEADLINE_ORDER = "deadline_order", _("Order to rectify by a deadline")
    MAJOR_HAZARD_NOTICE = "major_hazard_notice", _("Major fire hazard rectification notice")
    TEMPORARY_SEAL = "temporary_seal", _("Temporary seal-up decision")
    SUPERVISION_LETTER = "supervision_letter", _("Supervision letter")
    LISTING_NOTICE = "listing_notice", _("Listed supervision notice")


# The official Chinese title printed on each document (the PDF is always in Chinese).
DOCUMENT_TITLE_ZH = {
    DocumentKind.IMMEDIATE_ORDER: "责令立即改正通知书",
    DocumentKind.DEADLINE_ORDER: "责令限期改正通知书",
    DocumentKind.MAJOR_HAZARD_NOTICE: "重大火灾隐患整改通知书",
    DocumentKind.TEMPORARY_SEAL: "临时查封决定书",
    DocumentKind.SUPERVISION_LETTER: "督办函",
    DocumentKind.LISTING_NOTICE: "挂牌督办通知书",
}

# The character of the document number that names its kind: 长南消「限」字〔2026〕第0001号.
DOCUMENT_WORD = {
    DocumentKind.IMMEDIATE_ORDER: "即",
    DocumentKind.DEADLINE_ORDER: "限",
    DocumentKind.MAJOR_HAZARD_NOTICE: "重",
    DocumentKind.TEMPORARY_SEAL: "封",
    DocumentKind.SUPERVISION_LETTER: "督",
    DocumentKind.LISTING_NOTICE: "挂",
}

# Documents a regulator or inspector drafts by hand; the other two come from the ladder.
ISSUABLE_KINDS = (
    DocumentKind.IMMEDIATE_ORDER,
    DocumentKind.DEADLINE_ORDER,
    DocumentKind.MAJOR_HAZARD_NOTICE,
    DocumentKind.TEMPORARY_SEAL,
)
LADDER_KINDS = (DocumentKind.SUPERVISION_LETTER, DocumentKind.LISTING_NOTICE)

DOCUMENT_BADGE = {
    DocumentKind.IMMEDIATE_ORDER: "primary",
    DocumentKind.DEADLINE_ORDER: "primary",
    DocumentKind.MAJOR_HAZARD_NOTICE: "danger",
    DocumentKind.TEMPORARY_SEAL: "dark",
    DocumentKind.SUPERVISION_LETTER: "warning text-dark",
    DocumentKind.LISTING_NOTICE: "danger",
}


class SealSituation(models.TextChoices):
    """The five situations of 公安部令第120号 Art. 22 in which a place may be sealed up."""

    EXITS = (
        "exits",
        _("Too few escape routes or exits, or badly blocked: safe evacuation is impossible"),
    )
    FACILITIES = (
        "facilities",
        _("Building fire facilities badly damaged: they no longer prevent or fight fires"),
    )
    DANGEROUS_GOODS = (
        "dangerous_goods",
        _("A crowded place uses or stores flammable or explosive dangerous goods"),
    )
    DECORATION = (
        "decoration",
        _(
            "A public gathering place decorated with flammable or combustible materials, "
            "which may cause mass casualties"
        ),
    )
    OTHER = "other", _("Another fire hazard that may seriously threaten public safety")


SEAL_SITUATION_ZH = {
    SealSituation.EXITS: "疏散通道、安全出口数量不足或者严重堵塞，已不具备安全疏散条件",
    SealSituation.FACILITIES: "建筑消防设施严重损坏，不再具备防火灭火功能",
    SealSituation.DANGEROUS_GOODS: "人员密集场所违反消防安全规定，使用、储存易燃易爆危险品",
    SealSituation.DECORATION: (
        "公众聚集场所违反消防技术标准，采用易燃、可燃材料装修，可能导致重大人员伤亡"
    ),
    SealSituation.OTHER: "其他可能严重威胁公共安全的火灾隐患",
}


class ClockState(models.TextChoices):
    OPEN = "open", _("Running")
    MET = "met", _("Met")
    LATE = "late", _("Met late")
    MISSED = "missed", _("Missed")
    UNKNOWN = "unknown", _("No date")
    # A limit whose completion is not recorded in the system (the report to the government).
    PASSED = "passed", _("Time limit passed (not recorded here)")


CLOCK_BADGE = {
    ClockState.OPEN: "info",
    ClockState.MET: "success",
    ClockState.LATE: "warning text-dark",
    ClockState.MISSED: "danger",
    ClockState.UNKNOWN: "secondary",
    ClockState.PASSED: "secondary",
}


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    TAKEN_UP = "taken_up", _("Taken up")
    DISMISSED = "dismissed", _("Dismissed")


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Deadline in a few days")
