"""Each kind of department issues under its own law: the enforcement basis, as data.

A fire and rescue body orders correction under 《消防监督检查规定》 (公安部令第120号) and the fire
law; an emergency-management bureau under the work-safety law; the work-safety committee's
office supervises (督办) and points to the work-safety law for what follows. A department kind
with no entry for a document kind cannot issue it (`NoEnforcementBasis`). Every citation here is
verified in regulations.md (§10.1–10.3, §4.1, §12.3); the other sector departments (housing,
transport, market regulation…) enforce their own laws, whose texts are not at hand: a province
adds them in `settings.SUPERVISION_ENFORCEMENT` (same shape as `DEFAULT`), never in code.

Per department kind:
- `title`: the document's Chinese name per document kind (default: choices.DOCUMENT_TITLE_ZH);
- `basis`: the sentence part "根据……" per document kind (the department's own power);
- `laws`: names whose citations this department may print as the provision violated;
- `penalty_laws`: the laws whose penalty rules (penalties.PenaltyRule.law) it may print;
- `offence`: how the body names what was found (违法行为 or 事故隐患);
- `remedy`, `safety`: what the unit is ordered to do, and to keep safe meanwhile;
- `recheck`: what a deadline order says about the re-check.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from hazardloop.checklists.basis import official_basis
from hazardloop.regions.choices import DepartmentKind
from hazardloop.supervision.choices import DOCUMENT_TITLE_ZH, DocumentKind

FIRE_LAW = "《中华人民共和国消防法》"
FIRE_CHECKS = "《消防监督检查规定》"
SAFETY_LAW = "《中华人民共和国安全生产法》"

_FIRE_NAMES = (
    "消防法",
    "消防监督检查规定",
    "公安部令第61号",
    "机关、团体、企业、事业单位消防安全管理规定",
    "公安部令第120号",
    "GB 35181",
    "GB 50222",
    "GB 8624",
    "GA 703",
)
_SAFETY_NAMES = (
    "安全生产法",
    "应急管理部令第10号",
    "工贸企业重大事故隐患判定标准",
    "GB 30871",
)

DEFAULT: dict[str, dict] = {
    DepartmentKind.FIRE: {
        "laws": _FIRE_NAMES,
        "penalty_laws": (FIRE_LAW,),
        "offence": "消防安全违法行为（火灾隐患）",
        "remedy": "改正",
        "safety": "确保消防安全的措施",
        "recheck": "本机关将在改正期限届满或者收到你单位复查申请之日起三个工作日内进行复查。",
        "basis": {
            DocumentKind.IMMEDIATE_ORDER: f"{FIRE_CHECKS}第十九条",
            DocumentKind.DEADLINE_ORDER: f"{FIRE_CHECKS}第十九条、第二十条",
            DocumentKind.MAJOR_HAZARD_NOTICE: f"{FIRE_CHECKS}第二十一条",
            DocumentKind.TEMPORARY_SEAL: (
                f"{FIRE_LAW}第五十四条和{FIRE_CHECKS}第二十二条、第二十三条"
            ),
            DocumentKind.SUPERVISION_LETTER: f"{FIRE_LAW}第六十条第一款第（七）项",
            DocumentKind.LISTING_NOTICE: f"{FIRE_LAW}第六十条第一款第（七）项",
        },
    },
    DepartmentKind.EMERGENCY: {
        "laws": _SAFETY_NAMES,
        "penalty_laws": (SAFETY_LAW,),
        "offence": "事故隐患",
        "remedy": "消除上述事故隐患",
        "safety": "相应的安全防范措施，防止事故发生",
        "recheck": "整改期限届满后，本机关将依法进行复查。",
        "title": {
            DocumentKind.IMMEDIATE_ORDER: "现场处理措施决定书",
            DocumentKind.DEADLINE_ORDER: "责令限期整改指令书",
        },
        "basis": {
            DocumentKind.IMMEDIATE_ORDER: f"{SAFETY_LAW}第六十五条第（三）项",
            DocumentKind.DEADLINE_ORDER: f"{SAFETY_LAW}第六十五条第（三）项、第一百零二条",
            DocumentKind.SUPERVISION_LETTER: f"{SAFETY_LAW}第一百零二条",
            DocumentKind.LISTING_NOTICE: f"{SAFETY_LAW}第一百零二条",
        },
    },
    DepartmentKind.SAFETY_COMMITTEE: {
        # The office supervises every kind of hazard: it names the provision violated whatever
        # the law, and points to the work-safety law for what follows.
        "laws": _SAFETY_NAMES + _FIRE_NAMES,
        "penalty_laws": (SAFETY_LAW,),
        "offence": "事故隐患",
        "remedy": "消除上述事故隐患",
        "safety": "相应的安全防范措施，防止事故发生",
        "recheck": "",
        "basis": {
            DocumentKind.SUPERVISION_LETTER: f"{SAFETY_LAW}第一百零二条",
            DocumentKind.LISTING_NOTICE: f"{SAFETY_LAW}第一百零二条",
        },
    },
}


class NoEnforcementBasis(ValidationError):
    """The department's kind has no enforcement basis configured for this document kind."""


@dataclass(frozen=True)
class Authority:
    kind: str
    laws: tuple[str, ...]
    penalty_laws: tuple[str, ...]
    offence: str
    remedy: str
    safety: str
    recheck: str
    basis: dict
    title: dict

    def can_issue(self, document_kind: str) -> bool:
        return bool(self.basis.get(document_kind))

    def title_of(self, document_kind: str) -> str:
        return self.title.get(document_kind) or DOCUMENT_TITLE_ZH[DocumentKind(document_kind)]


def _table() -> dict[str, dict]:
    configured = getattr(settings, "SUPERVISION_ENFORCEMENT", None) or {}
    unknown = set(configured) - set(DepartmentKind.values)
    if unknown:
        raise ImproperlyConfigured(
            f"SUPERVISION_ENFORCEMENT names unknown department kinds: {sorted(unknown)}"
        )
    return {**DEFAULT, **configured}


def authority_of(department_kind: str) -> Authority | None:
    """The enforcement data of a department kind, or None when none is configured."""
    spec = _table().get(department_kind)
    if not spec:
        return None
    return Authority(
        kind=department_kind,
        laws=tuple(spec.get("laws", ())),
        penalty_laws=tuple(spec.get("penalty_laws", ())),
        offence=spec.get("offence", "事故隐患"),
        remedy=spec.get("remedy", "消除上述事故隐患"),
        safety=spec.get("safety", "相应的安全防范措施，防止事故发生"),
        recheck=spec.get("recheck", ""),
        basis=dict(spec.get("basis", {})),
        title=dict(spec.get("title", {})),
    )


def can_issue(department, document_kind: str) -> bool:
    auth = authority_of(department.kind)
    return auth is not None and auth.can_issue(document_kind)


def issuable_kinds(department, kinds) -> list[str]:
    return [k for k in kinds if can_issue(department, k)]


def require(department, document_kind: str) -> Authority:
    """The department's authority for this document; NoEnforcementBasis when it has none."""
    auth = authority_of(department.kind)
    if auth is None or not auth.can_issue(document_kind):
        raise NoEnforcementBasis(
            {
                "kind": _(
                    "%(department)s has no enforcement basis configured for a “%(document)s”: "
                    "it cannot issue one. Choose another document or department, or ask an "
                    "administrator to configure the department's legal basis."
                )
                % {
                    "department": department.name,
                    "document": DocumentKind(document_kind).label,
                }
            }
        )
    return auth


def preview(department, hazard, *, on) -> dict:
    """What a document from `department` on `hazard` may issue and cite (the issue page)."""
    auth = authority_of(department.kind)
    kinds = [k for k in DocumentKind if auth is not None and auth.can_issue(k)]
    violated = official_basis(hazard.legal_basis, on=on, laws=auth.laws) if auth else ""
    return {"department": department, "kinds": kinds, "violated": violated}
