"""What a document says, frozen at issue: the Chinese text the PDF prints, and its hash.

Documents are printed in Chinese whatever the interface language: they are official papers
served on Chinese units. The content is plain JSON so the PDF can be rendered again at any
time and the SHA-256 of it (`content_hash`) proves a printed copy unchanged.
"""

import datetime as dt
import hashlib
import json

from django.utils import timezone, translation

from hazardloop.checklists.basis import official_basis
from hazardloop.hazards.choices import Grade, ListedLevel
from hazardloop.hazards.grading import describe
from hazardloop.supervision import authority
from hazardloop.supervision.choices import (
    SEAL_SITUATION_ZH,
    DocumentKind,
    SealSituation,
)

LISTED_LEVEL_ZH = {
    ListedLevel.COUNTY: "县级",
    ListedLevel.CITY: "市级",
    ListedLevel.PROVINCE: "省级",
}
GRADE_ZH = {Grade.GENERAL: "一般隐患", Grade.MAJOR: "重大隐患"}


def zh_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hazard_facts(hazard, *, violated: str) -> dict:
    return {
        "id": hazard.pk,
        "title": hazard.title,
        "description": hazard.description,
        "grade": GRADE_ZH.get(hazard.grade, hazard.grade),
        "grade_reason": hazard.grade_reason,
        "legal_basis": violated,
        "found_on": zh_date(hazard.found_at),
        "due_on": zh_date(hazard.due_at),
    }


def _unit_facts(unit) -> dict:
    return {
        "name": unit.name,
        "uscc": unit.uscc,
        "address": unit.address,
        "principal": unit.principal_name,
    }


def _what(hazard) -> str:
    """The finding as the notice states it: the title (the violation wording), then the
    description's other lines (measurements, the inspector's note) in brackets."""
    title = hazard.title.strip()
    extra = [
        line.strip()
        for line in (hazard.description or "").splitlines()
        if line.strip() and line.strip() != title
    ]
    return f"{title}（{'；'.join(extra)}）" if extra else title


# The grading bases a notice may state: a rule set in force decided, a determination was
# recorded, or an official overrode the grade with a reason. A pending or default grade states
# none (the stored reason is for the ledger, in English, and may name a superseded edition).
STATED_GROUNDS = ("direct", "comprehensive", "determined")


def _grounds(hazard) -> str:
    basis = hazard.grade_basis or {}
    if not hazard.grade_overridden and basis.get("kind") not in STATED_GROUNDS:
        return ""
    with translation.override("zh-hans"):
        return f"（判定依据：{describe(hazard)}）"


def build(
    *,
    kind: str,
    number: str,
    issuer,
    hazard,
    issued_at: dt.datetime,
    rectify_due_at: dt.datetime | None = None,
    reply_due_at: dt.datetime | None = None,
    seal_from: dt.date | None = None,
    seal_until: dt.date | None = None,
    seal_place: str = "",
    situations: list[str] | tuple = (),
    penalties: list[dict] | None = None,
    note: str = "",
    days_overdue: int | None = None,
    listed_level: str = "",
    copy_to: list[str] | None = None,
    on_determination: bool = False,
) -> dict:
    """The frozen content of one document; `body` holds its paragraphs in order.

    The issuer's department kind decides the enforcement basis, the document's name and which
    penalty rules may be printed (authority.py); NoEnforcementBasis when it has none for this
    kind. The provision violated is the hazard's legal basis cut to what an official document
    may cite (checklists.basis: verified, in Jilin, in force, under the issuer's own laws).
    """
    auth = authority.require(issuer, kind)
    unit = hazard.unit
    on = timezone.localtime(issued_at).date()
    violated = official_basis(hazard.legal_basis, on=on, laws=auth.laws)
    facts = _hazard_facts(hazard, violated=violated)
    what = _what(hazard)
    breach = f"上述行为违反了{violated}的规定。" if violated else ""
    basis = auth.basis[kind]
    due = zh_date(rectify_due_at)
    body: list[str] = []
    if kind == DocumentKind.IMMEDIATE_ORDER:
        body = [
            f"经检查，你单位存在下列{auth.offence}：{what}。{breach}",
            f"根据{basis}的规定，责令你单位立即{auth.remedy}。",
            "拒不改正的，将依法予以处罚。",
        ]
    elif kind == DocumentKind.DEADLINE_ORDER:
        body = [
            f"经检查，你单位存在下列{auth.offence}：{what}。{breach}",
            f"根据{basis}的规定，责令你单位于{due}前{auth.remedy}。"
            f"整改期间，应当采取{auth.safety}。",
            f"{auth.recheck}逾期不改正的，将依法予以处罚。",
        ]
    elif kind == DocumentKind.MAJOR_HAZARD_NOTICE:
        reason = _grounds(hazard)
        body = [
            f"经检查并集体讨论，你单位存在重大火灾隐患：{what}{reason}。{breach}",
            f"根据{basis}的规定，责令你单位于{due}前整改完毕，"
            "并制定整改方案，明确治理的目标和任务、采取的方法和措施、经费和物资的落实、"
            "负责治理的机构和人员、治理的时限和要求、安全措施和应急预案。",
            f"整改期间应当采取{auth.safety}。逾期不整改的，将依法予以处罚。",
        ]
    elif kind == DocumentKind.TEMPORARY_SEAL:
        listed = "；".join(
            SEAL_SITUATION_ZH[SealSituation(s)] for s in situations if s in SealSituation.values
        )
        days = (seal_until - seal_from).days + 1 if seal_from and seal_until else 0
        body = [
            f"经检查，你单位存在下列情形：{listed}。具体隐患：{what}。{breach}",
            f"根据{basis}的规定，决定对{seal_place or '上述危险部位或者场所'}予以临时查封，"
            f"期限自{zh_date(seal_from)}起至{zh_date(seal_until)}止（共{days}日）。",
            "查封期间，未经本机关同意，不得擅自启封或者使用被查封的部位、场所。"
            "火灾隐患消除后，可向本机关申请解除临时查封。",
        ]
    elif kind == DocumentKind.SUPERVISION_LETTER:
        body = [
            f"你单位存在的{auth.offence}“{what}”（隐患编号{hazard.pk}，{facts['grade']}）"
            f"整改期限为{facts['due_on']}，至今已逾期{days_overdue}日仍未完成整改。{breach}",
            f"现予督办。请你单位于{zh_date(reply_due_at)}前完成整改，并将整改情况书面报告本机关；"
            "行业主管部门应当督促落实。",
            f"逾期仍未整改的，将实行挂牌督办，并依照{basis}的规定依法处理。",
        ]
    elif kind == DocumentKind.LISTING_NOTICE and on_determination:
        # Listed when determined (regulations.md §12.4; the ladder's
        # listing_major_on_determination), not because it is overdue.
        level = LISTED_LEVEL_ZH.get(listed_level, listed_level)
        due_text = f"整改期限为{facts['due_on']}。" if rectify_due_at else ""
        major = "重大火灾隐患" if "火灾" in auth.offence else "重大事故隐患"
        body = [
            f"你单位存在的{auth.offence}“{what}”（隐患编号{hazard.pk}，{facts['grade']}）"
            f"经判定为{major}。{due_text}{breach}",
            f"经研究，决定对该隐患实行{level}挂牌督办，并报本级人民政府。",
            f"请你单位于{zh_date(reply_due_at)}前制定整改方案并将整改进展书面报告；整改完成、"
            f"经验收合格后方可摘牌销号。逾期未整改的，将依照{basis}的规定依法处理。",
        ]
    elif kind == DocumentKind.LISTING_NOTICE:
        level = LISTED_LEVEL_ZH.get(listed_level, listed_level)
        body = [
            f"你单位存在的{auth.offence}“{what}”（隐患编号{hazard.pk}，{facts['grade']}）"
            f"整改期限为{facts['due_on']}，已逾期{days_overdue}日仍未完成整改。{breach}",
            f"经研究，决定对该隐患实行{level}挂牌督办，并向社会公布。",
            f"请你单位于{zh_date(reply_due_at)}前完成整改并书面报告；整改完成、经验收合格后"
            f"方可摘牌销号。逾期仍未整改的，将提出问责建议，并依照{basis}的规定依法处理。",
        ]
    penalties = [
        p for p in penalties or [] if any(law in p.get("citation", "") for law in auth.penalty_laws)
    ]
    content = {
        "kind": kind,
        "title": auth.title_of(kind),
        "number": number,
        "issuer": issuer.name_zh,
        "unit": _unit_facts(unit),
        "hazard": facts,
        "body": body,
        "issued_on": zh_date(issued_at),
        "rectify_due_on": due,
        "reply_due_on": zh_date(reply_due_at),
        "seal": {
            "from": seal_from.isoformat() if seal_from else "",
            "until": seal_until.isoformat() if seal_until else "",
            "place": seal_place,
            "situations": list(situations),
        }
        if kind == DocumentKind.TEMPORARY_SEAL
        else {},
        "listed_level": listed_level,
        "copy_to": copy_to or [],
        "penalties": penalties,
        "note": note,
    }
    return content
