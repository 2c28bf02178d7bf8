"""Penalty guidance shown when an order is drafted: which article applies and its range.

Data, not logic: each `PenaltyRule` carries the article, the offence as the law words it, the
fine ranges for the unit and for individuals, and where the text was verified
(regulations.md §10.1, §10.3, §4.1, §12.2; all [V]). A kitchen gas alarm is not a fire facility
(消防法 Art. 73): not installed is 安全生产法 Art. 99(八), switched off or disabled Art. 99(四),
never 消防法 Art. 60(二). Only the rules under the issuing department's own law are printed
(authority.py). `guidance_for(hazard)` picks the rules that match
a hazard's category and wording (and, for 消防法 Art. 60(六), whether the unit is a crowded place);
the drafter sees them as guidance, the decision stays theirs.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.applicability import is_crowded_place
from hazardloop.hazards.choices import Category, SupervisionLevel

FIRE_LAW = "《中华人民共和国消防法》"
SAFETY_LAW = "《中华人民共和国安全生产法》"
SRC_FIRE_60 = "regulations.md §10.1 (消防法 Art. 60) [V]"
SRC_SAFETY_99 = "regulations.md §4.1 (安全生产法 Art. 99(8)) [V]"
SRC_SAFETY_99_4 = "regulations.md §12.2 (安全生产法 Art. 99(4)) [V]"
SRC_SAFETY_102 = "regulations.md §10.3 (安全生产法 Art. 102) [V]"


@dataclass(frozen=True)
class PenaltyRule:
    code: str
    law: str
    article: str  # as printed: 第六十条第一款第（三）项
    offence_zh: str
    offence: str  # English source string, translated in the UI
    unit_penalty_zh: str
    individual_penalty_zh: str = ""
    note_zh: str = ""
    source: str = ""
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    needs_refusal: bool = False  # applies once the unit has failed to act after notice
    # Every group must have a hit in the hazard's text (e.g. "alarm" and "not installed").
    requires: tuple[tuple[str, ...], ...] = ()
    # Never matched when any of these is in the text (a kitchen gas alarm is no fire facility).
    excludes: tuple[str, ...] = ()
    # The offence is defined for crowded places only (消防法 Art. 60(六)).
    crowded_place_only: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def citation(self) -> str:
        return f"{self.law}{self.article}"


_FIRE_UNIT = "责令改正，处五千元以上五万元以下罚款"
_FIRE_PERSON = "个人有第（二）项至第（五）项行为之一的，处警告或者五百元以下罚款"
_FORCED = "经责令改正拒不改正的，强制执行，所需费用由违法行为人承担"
_GAS_ALARM = ("可燃气体报警", "燃气报警")
_SAFETY_99_UNIT = "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款"
_SAFETY_99_PERSON = (
    "逾期未改正的，对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款"
)
_SAFETY_99_NOTE = "情节严重的，责令停产停业整顿"

RULES: tuple[PenaltyRule, ...] = (
    PenaltyRule(
        code="fire-60-1",
        law=FIRE_LAW,
        article="第六十条第一款第（一）项",
        offence_zh="消防设施、器材或者消防安全标志的配置、设置不符合国家标准、行业标准，"
        "或者未保持完好有效",
        offence=_("Fire facilities, equipment or signs not up to standard or not kept working"),
        unit_penalty_zh=_FIRE_UNIT,
        source=SRC_FIRE_60,
        categories=(Category.FIRE_FACILITIES,),
        keywords=("灭火器", "火灾报警", "喷淋", "应急照明", "疏散指示", "消防安全标志"),
        excludes=_GAS_ALARM,
    ),
    PenaltyRule(
        code="fire-60-2",
        law=FIRE_LAW,
        article="第六十条第一款第（二）项",
        offence_zh="损坏、挪用或者擅自拆除、停用消防设施、器材",
        offence=_("Fire facilities or equipment damaged, moved, removed or switched off"),
        unit_penalty_zh=_FIRE_UNIT,
        individual_penalty_zh=_FIRE_PERSON,
        source=SRC_FIRE_60,
        categories=(Category.FIRE_FACILITIES,),
        keywords=("损坏", "挪用", "拆除", "停用", "关闭"),
        excludes=_GAS_ALARM,
    ),
    PenaltyRule(
        code="fire-60-3",
        law=FIRE_LAW,
        article="第六十条第一款第（三）项",
        offence_zh="占用、堵塞、封闭疏散通道、安全出口或者有其他妨碍安全疏散行为",
        offence=_("Escape routes or exits occupied, blocked or closed"),
        unit_penalty_zh=_FIRE_UNIT,
        individual_penalty_zh=_FIRE_PERSON,
        note_zh=_FORCED,
        source=SRC_FIRE_60,
        categories=(Category.EVACUATION,),
        keywords=("疏散通道", "安全出口", "堵塞", "占用", "封闭", "锁闭"),
    ),
    PenaltyRule(
        code="fire-60-4",
        law=FIRE_LAW,
        article="第六十条第一款第（四）项",
        offence_zh="埋压、圈占、遮挡消火栓或者占用防火间距",
        offence=_("Hydrants buried, fenced in or hidden, or fire separation distance occupied"),
        unit_penalty_zh=_FIRE_UNIT,
        individual_penalty_zh=_FIRE_PERSON,
        note_zh=_FORCED,
        source=SRC_FIRE_60,
        keywords=("消火栓", "防火间距"),
    ),
    PenaltyRule(
        code="fire-60-5",
        law=FIRE_LAW,
        article="第六十条第一款第（五）项",
        offence_zh="占用、堵塞、封闭消防车通道，妨碍消防车通行",
        offence=_("Fire engine access occupied, blocked or closed"),
        unit_penalty_zh=_FIRE_UNIT,
        individual_penalty_zh=_FIRE_PERSON,
        note_zh=_FORCED,
        source=SRC_FIRE_60,
        keywords=("消防车通道", "消防车道"),
    ),
    PenaltyRule(
        code="fire-60-6",
        law=FIRE_LAW,
        article="第六十条第一款第（六）项",
        offence_zh="人员密集场所在门窗上设置影响逃生和灭火救援的障碍物",
        offence=_("Obstacles to escape or rescue on the doors or windows of a crowded place"),
        unit_penalty_zh=_FIRE_UNIT,
        note_zh=_FORCED,
        source=SRC_FIRE_60,
        categories=(Category.EVACUATION,),
        keywords=("防盗网", "铁栅栏", "护栏", "广告牌", "门窗", "窗户"),
        crowded_place_only=True,
    ),
    PenaltyRule(
        code="fire-60-7",
        law=FIRE_LAW,
        article="第六十条第一款第（七）项",
        offence_zh="对火灾隐患经消防救援机构通知后不及时采取措施消除",
        offence=_("A fire hazard not eliminated in time after notice from the fire service"),
        unit_penalty_zh=_FIRE_UNIT,
        source=SRC_FIRE_60,
        needs_refusal=True,
    ),
    PenaltyRule(
        code="safety-99-8",
        law=SAFETY_LAW,
        article="第九十九条第（八）项",
        offence_zh="餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置",
        offence=_("A catering business uses gas without a combustible gas alarm"),
        unit_penalty_zh=_SAFETY_99_UNIT,
        individual_penalty_zh=_SAFETY_99_PERSON,
        note_zh=_SAFETY_99_NOTE,
        source=SRC_SAFETY_99,
        categories=(Category.GAS,),
        keywords=_GAS_ALARM,
        requires=(_GAS_ALARM, ("未安装", "没有安装", "未设置", "未配备")),
    ),
    PenaltyRule(
        code="safety-99-4",
        law=SAFETY_LAW,
        article="第九十九条第（四）项",
        offence_zh="关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施",
        offence=_(
            "Monitoring, alarm, protection or life-saving equipment that bears on safety "
            "switched off or damaged"
        ),
        unit_penalty_zh=_SAFETY_99_UNIT,
        individual_penalty_zh=_SAFETY_99_PERSON,
        note_zh=_SAFETY_99_NOTE,
        source=SRC_SAFETY_99_4,
        keywords=("报警", "监控", "防护"),
        requires=(
            ("报警", "监控", "防护", "救生"),
            # switched off, unplugged, cut off, removed, damaged, covered, disabled (§12.2)
            ("关闭", "断电", "拔掉", "拔除", "拔下", "拆除", "破坏", "遮挡", "停用"),
        ),
    ),
    PenaltyRule(
        code="safety-102",
        law=SAFETY_LAW,
        article="第一百零二条",
        offence_zh="未采取措施消除事故隐患",
        offence=_("Measures not taken to eliminate a hidden danger"),
        unit_penalty_zh="责令立即消除或者限期消除，处五万元以下的罚款；生产经营单位拒不执行的，"
        "责令停产停业整顿",
        individual_penalty_zh="拒不执行的，对其直接负责的主管人员和其他直接责任人员处五万元"
        "以上十万元以下的罚款",
        source=SRC_SAFETY_102,
        needs_refusal=True,
    ),
)
BY_CODE = {rule.code: rule for rule in RULES}
FIRE_CATEGORIES = {
    Category.EVACUATION,
    Category.FIRE_FACILITIES,
    Category.MATERIALS,
    Category.ELECTRICAL,
    Category.HOT_WORK,
}
_REFUSED_LEVELS = {
    SupervisionLevel.LETTER,
    SupervisionLevel.LISTED,
    SupervisionLevel.ACCOUNTABILITY,
}


def _text_of(hazard) -> str:
    return " ".join(
        str(getattr(hazard, name, "") or "") for name in ("title", "description", "legal_basis")
    )


def guidance_for(hazard, *, now=None) -> list[PenaltyRule]:
    """The rules that match this hazard, best match first.

    Category or wording picks the offence; the two "not eliminated after notice" rules
    (消防法 60(七), 安全生产法 102) join once the hazard is overdue or under a supervision letter,
    i.e. once the unit has been told and has not acted.
    """
    text = _text_of(hazard)
    scored: list[tuple[int, PenaltyRule]] = []
    crowded = None
    for rule in RULES:
        if rule.needs_refusal:
            continue
        if rule.crowded_place_only:
            if crowded is None:
                crowded = is_crowded_place(hazard.unit)
            if not crowded:
                continue
        if any(word in text for word in rule.excludes):
            continue
        if not all(any(word in text for word in group) for group in rule.requires):
            continue
        by_category = hazard.category in rule.categories
        hits = sum(1 for word in rule.keywords if word in text)
        if by_category or hits:
            scored.append((hits * 2 + (1 if by_category else 0), rule))
    scored.sort(key=lambda pair: -pair[0])
    out = [rule for _score, rule in scored]
    refused = hazard.supervision_level in _REFUSED_LEVELS or (
        now is not None and hazard.is_overdue(now)
    )
    if refused:
        fire_related = hazard.category in FIRE_CATEGORIES or any(
            r.code.startswith("fire-") for r in out
        )
        if fire_related:
            out.append(BY_CODE["fire-60-7"])
        out.append(BY_CODE["safety-102"])
    return out


def as_content(rules: list[PenaltyRule]) -> list[dict]:
    """The guidance as frozen into a document's content (Chinese, with the source)."""
    return [
        {
            "code": r.code,
            "citation": r.citation,
            "offence": r.offence_zh,
            "unit": r.unit_penalty_zh,
            "individual": r.individual_penalty_zh,
            "note": r.note_zh,
            "source": r.source,
        }
        for r in rules
    ]
