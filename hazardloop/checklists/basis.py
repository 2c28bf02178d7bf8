"""Which legal bases may appear on an official document (regulations.md §12.2, §12.6).

A checklist item's `legal_basis` is one or more citations separated by "；", with the item's
`basis_status` saying how well they are sourced. Internal pages show all of it, marked; an
official document (the inspection record, a notice, a supervision letter) prints only the
citations that are verified, name no other province's or city's rules, are not a vague "local
rule", and were in force on the document's date. Everything here works on the text, so a basis
copied onto a hazard (or typed by hand) is judged by the same rules when a notice is drafted.
"""

import datetime as dt
import re

from hazardloop.checklists.choices import BasisStatus

# Appended to every citation of an item whose source is not verified, so that the text copied
# onto a hazard keeps the mark wherever it travels.
UNVERIFIED_MARK = "（来源未核实）"

# Words that mark a citation as not yet checked against the official text, or as a pointer
# rather than a citation ("a local rule", "an industry rule").
_NOT_CITABLE = (
    "待核实",
    "未核实",
    "转引",
    "未取得",
    "类比",
    "UNVERIFIED",
    "地方",
    "行业规定",
    "操作规程",
    "由各地",
    "示例",
)

# Jilin's rules are the only local rules that bind here: any other province, and the cities
# whose rules the sources quote (regulations.md §4.4, §4.5, §9), is out of province.
OTHER_PLACES = (
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "台湾",
    "香港",
    "澳门",
    "义乌",
    "温州",
    "瓯海",
    "广州",
    "芜湖",
    "武汉",
    "宁波",
    "杭州",
    "南京",
    "深圳",
    "江门",
    "清新",
    "鄂安",
)

# Standards replaced by a newer edition: not cited on documents dated from the day given.
# GB 35181-2025 took effect on 2025-11-01 (regulations.md §3.1); its texts are not loaded yet.
SUPERSEDED = {"GB 35181-2017": dt.date(2025, 11, 1), "重大火灾隐患判定方法": dt.date(2025, 11, 1)}

_SPLIT = re.compile(r"[；;]")


def citations(text: str) -> list[str]:
    """The citations in a basis text, in order, stripped."""
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def out_of_province(text: str) -> str:
    """The first other province's or city's name in `text`, or ""."""
    return next((place for place in OTHER_PLACES if place in text), "")


def is_citable(citation: str, *, on: dt.date | None = None) -> bool:
    """True when one citation may be printed on an official document dated `on`."""
    if not citation or any(word in citation for word in _NOT_CITABLE):
        return False
    if UNVERIFIED_MARK in citation or out_of_province(citation):
        return False
    if on is not None:
        for name, since in SUPERSEDED.items():
            if name in citation and on >= since:
                return False
    return True


def official_basis(text: str, *, on: dt.date | None = None, laws: tuple[str, ...] = ()) -> str:
    """The part of a basis text an official document may print ("" when none).

    `laws`, when given, keeps only the citations that name one of them (the issuing
    department's own laws and standards): a fire notice does not cite the work-safety law.
    """
    kept = [
        c
        for c in citations(text)
        if is_citable(c, on=on) and (not laws or any(law in c for law in laws))
    ]
    return "；".join(kept)


def marked_basis(legal_basis: str, basis_status: str) -> str:
    """The basis as copied onto a hazard: an item's unverified citations carry the mark."""
    if basis_status == BasisStatus.VERIFIED:
        return legal_basis
    return "；".join(
        c if any(word in c for word in _NOT_CITABLE) else c + UNVERIFIED_MARK
        for c in citations(legal_basis)
    )


def item_basis(item, *, on: dt.date | None = None) -> str:
    """What an official document may cite for a checklist item ("" when nothing)."""
    if item.basis_status != BasisStatus.VERIFIED:
        return ""
    return official_basis(item.legal_basis, on=on)
