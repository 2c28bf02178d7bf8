# ruff: noqa: E501  (a table of header names reads best one column per line)
"""The import columns: the field each one fills, and how a header is recognised as that column.

Adding a field to the import is one `Column` entry below. A header is matched in this order:

1. exactly one of the column's `aliases` (after `normalise_header`: full-width folded to
   half-width, case, spaces, line breaks, brackets and their contents, '*' and numbering removed);
2. by meaning: the header *contains* one of the column's `keywords` (so prefixes such as 所在 /
   所属 and suffixes such as 名称 / 代码 are tolerated). A keyword "A+B" needs both A and B. A
   header containing one of the column's `avoid` words is never that column ("负责人电话" is not
   the person's name). The column whose keyword covers the most characters wins; a tie between
   two columns matches neither (the user chooses).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EXACT, MEANING = "exact", "meaning"


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translated label, used in error messages and the template
    template_header: str  # the header written in the downloadable template
    aliases: tuple[str, ...]
    required: bool = False
    example: str = ""
    keywords: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


_PHONE = ("电话", "手机", "联系方式", "号码", "phone", "mobile", "tel")
COLUMNS = [
    Column("name", _("Unit name"), "单位名称", ("单位名称", "名称", "企业名称", "单位", "name", "unitname", "unit"), True, "南关区老长春饺子馆",
           keywords=("单位名称", "企业名称", "商户名称", "店铺名称", "门店名称", "场所名称", "主体名称", "经营者名称", "单位全称", "企业全称", "店名", "字号", "商号", "单位", "企业", "商户", "门店", "unitname", "companyname"),
           avoid=(*_PHONE, "负责人", "代表人", "安全", "地址", "代码", "编号", "类型", "类别", "性质", "行业", "面积", "人员", "区", "数")),
    Column("uscc", _("USCC"), "统一社会信用代码", ("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "unifiedsocialcreditcode", "creditcode"), True, "91220102MA0000000X",
           keywords=("信用代码", "统一社会", "社会信用", "统一代码", "信用", "营业执照", "执照号", "注册号", "uscc", "creditcode"),
           avoid=("身份证",)),
    Column("region", _("Region"), "所属区域", ("所属区域", "行政区划", "所属区县", "区县", "区域", "所在地区", "行政区划代码", "region", "regioncode", "county"), True, "南关区",
           keywords=("行政区划", "行政区", "区划", "区县", "县区", "县市区", "市县区", "区域", "地区", "辖区", "属地", "所在地", "乡镇", "街道", "县", "county", "district", "region"),
           avoid=("地址", "详细", "位置", *_PHONE, "面积")),
    Column("sector", _("Sector"), "行业", ("行业", "所属行业", "行业类别", "sector", "industry"), True, "餐饮",
           keywords=("行业", "业态", "场所类型", "场所类别", "场所性质", "单位类型", "单位类别", "单位性质", "经营类别", "经营类型", "经营业态", "类别", "类型", "industry", "sector"),
           avoid=("气", "燃", "风险", "等级")),
    Column("address", _("Address"), "地址", ("地址", "详细地址", "经营地址", "单位地址", "address"),
           keywords=("地址", "住址", "门牌", "经营场所", "位置", "address"),
           avoid=(*_PHONE, "邮箱", "网址", "email")),
    Column("longitude", _("Longitude"), "经度", ("经度", "longitude", "lng", "lon"),
           keywords=("经度", "longitude")),
    Column("latitude", _("Latitude"), "纬度", ("纬度", "latitude", "lat"),
           keywords=("纬度", "latitude")),
    Column("floor_area_m2", _("Floor area (m²)"), "建筑面积（平方米）", ("建筑面积", "面积", "营业面积", "floorarea", "area", "flooraream2"),
           keywords=("面积", "area")),
    Column("floors", _("Floors"), "层数", ("层数", "楼层数", "floors"),
           keywords=("层数", "楼层", "floors")),
    Column("business_hours", _("Business hours"), "营业时间", ("营业时间", "businesshours", "openinghours"),
           keywords=("营业时间", "经营时间", "营业时段", "开放时间", "hours")),
    Column("is_fire_key_unit", _("Fire-safety key unit"), "消防安全重点单位", ("消防安全重点单位", "消防重点单位", "重点单位", "firekeyunit", "firesafetykeyunit"),
           keywords=("消防安全重点", "消防重点", "重点单位", "keyunit")),
    Column("is_crowded_place", _("Crowded place"), "人员密集场所", ("人员密集场所", "crowdedplace"),
           keywords=("人员密集", "密集场所", "crowded")),
    Column("is_public_gathering", _("Public gathering place"), "公众聚集场所", ("公众聚集场所", "publicgatheringplace", "publicgathering"),
           keywords=("公众聚集", "聚集场所", "gathering")),
    Column("is_important_place", _("Important place (GB 35181-2017)"), "重要场所", ("重要场所", "importantplace"),
           keywords=("重要场所", "importantplace")),
    Column("is_high_rise", _("High-rise building"), "高层建筑", ("高层建筑", "高层", "highrise", "highrisebuilding"),
           keywords=("高层", "highrise")),
    Column("is_underground", _("Underground building or space"), "地下建筑或场所", ("地下建筑或场所", "地下建筑", "地下场所", "地下", "underground"),
           keywords=("地下建筑", "地下场所", "地下空间", "underground")),
    Column("gas_use", _("Gas use"), "用气类型", ("用气类型", "用气情况", "燃气类型", "燃料类型", "gasuse", "gas", "fuel"),
           keywords=("用气", "燃气", "燃料", "气源", "气种", "能源", "gas", "fuel"),
           avoid=("钢瓶", "气瓶", "瓶数", "储量", "存量", "储气", "数量", "报警", "kg", "千克", "公斤")),
    Column("lpg_cylinders", _("LPG cylinders"), "液化气钢瓶数", ("液化气钢瓶数", "钢瓶数", "气瓶数", "液化气瓶数", "lpgcylinders", "cylinders"),
           keywords=("钢瓶", "气瓶", "瓶数", "液化气瓶", "cylinder"),
           avoid=("储量", "存量", "重量", "kg", "千克", "公斤")),
    Column("lpg_stored_kg", _("LPG stored (kg)"), "液化气储量（千克）", ("液化气储量", "储气量", "液化气存量", "lpgstored", "lpgstoredkg", "lpgkg"),
           keywords=("储量", "存量", "储气", "存气", "储存量", "lpgstored")),
    Column("principal_name", _("Principal responsible person"), "主要负责人", ("主要负责人", "负责人", "法定代表人", "principal", "principalname"),
           keywords=("主要负责人", "负责人", "法定代表人", "法人代表", "法人", "经营者", "业主", "店主", "principal"),
           avoid=(*_PHONE, "安全", "身份证")),
    Column("principal_phone", _("Principal's phone"), "主要负责人电话", ("主要负责人电话", "负责人电话", "负责人联系电话", "联系电话", "principalphone", "phone"),
           keywords=("负责人+电话", "负责人+手机", "负责人+联系方式", "代表人+电话", "代表人+手机", "法人+电话", "法人+手机", "经营者+电话", "业主+电话", "联系电话", "电话", "手机", "联系方式", "phone", "mobile"),
           avoid=("安全", "传真", "fax")),
    Column("safety_manager_name", _("Safety manager"), "安全管理人员", ("安全管理人员", "安全管理人", "安全员", "安全负责人", "safetymanager", "safetymanagername"),
           keywords=("安全管理人", "安全管理员", "安全负责人", "安全主管", "安全员", "safetymanager"),
           avoid=_PHONE),
    Column("safety_manager_phone", _("Safety manager's phone"), "安全管理人员电话", ("安全管理人员电话", "安全员电话", "安全负责人电话", "safetymanagerphone"),
           keywords=("安全+电话", "安全+手机", "安全+联系方式", "safety+phone")),
]  # fmt: skip
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = [c.field for c in COLUMNS if c.required]

_BRACKETS = re.compile(r"[(\[【〔《<{].*?([)\]】〕》>}]|$)")
_NUMBERING = re.compile(r"^(\d{1,2}[.、)]|[①-⑳])")
_DROP = set("*:：_-—/·.、'\"`’‘“”?？!！#№")


def normalise_header(text) -> str:
    """'  统一社会信用代码（18位）* ' → '统一社会信用代码'; 'LPG Stored (kg)' → 'lpgstored';
    '所在\\n区县' → '所在区县'; '3.单位名称' → '单位名称'."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    folded = "".join(ch for ch in folded if not ch.isspace())
    folded = _NUMBERING.sub("", folded)
    folded = _BRACKETS.sub("", folded)
    return "".join(ch for ch in folded if ch not in _DROP)


_ALIASES = {normalise_header(a): c.field for c in COLUMNS for a in c.aliases}
_KEYWORDS = [
    (c.field, [tuple(normalise_header(p) for p in k.split("+")) for k in c.keywords], c.avoid)
    for c in COLUMNS
]


def match_header(text) -> tuple[str | None, str]:
    """(field, EXACT or MEANING) for a header, or (None, "") when it names no column (or two
    columns equally well)."""
    key = normalise_header(text)
    if not key:
        return None, ""
    if key in _ALIASES:
        return _ALIASES[key], EXACT
    scores: dict[str, int] = {}
    for name, keywords, avoid in _KEYWORDS:
        if any(word in key for word in avoid):
            continue
        best = max(
            (sum(map(len, parts)) for parts in keywords if all(p in key for p in parts)),
            default=0,
        )
        if best:
            scores[name] = best
    if not scores:
        return None, ""
    top = max(scores.values())
    winners = [name for name, score in scores.items() if score == top]
    return (winners[0], MEANING) if len(winners) == 1 else (None, "")


def field_for_header(text) -> str | None:
    return match_header(text)[0]


def header_signature(headers: list[str]) -> str:
    """The same header row (as normalised) gives the same signature: the key under which a
    user's corrected mapping is remembered."""
    keys = [normalise_header(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()[:40]
