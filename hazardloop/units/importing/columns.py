# ruff: noqa: E501  (a table of header names reads best one column per line)
"""The import columns: the field each one fills, and the header names it is known by."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translated label, used in error messages and the template
    template_header: str  # the header written in the downloadable template
    aliases: tuple[str, ...]
    required: bool = False
    example: str = ""


COLUMNS = [
    Column("name", _("Unit name"), "单位名称", ("单位名称", "名称", "企业名称", "单位", "name", "unitname", "unit"), True, "南关区老长春饺子馆"),
    Column("uscc", _("USCC"), "统一社会信用代码", ("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "unifiedsocialcreditcode", "creditcode"), True, "91220102MA0000000X"),
    Column("region", _("Region"), "所属区域", ("所属区域", "行政区划", "所属区县", "区县", "区域", "所在地区", "行政区划代码", "region", "regioncode", "county"), True, "南关区"),
    Column("sector", _("Sector"), "行业", ("行业", "所属行业", "行业类别", "sector", "industry"), True, "餐饮"),
    Column("address", _("Address"), "地址", ("地址", "详细地址", "经营地址", "单位地址", "address")),
    Column("longitude", _("Longitude"), "经度", ("经度", "longitude", "lng", "lon")),
    Column("latitude", _("Latitude"), "纬度", ("纬度", "latitude", "lat")),
    Column("floor_area_m2", _("Floor area (m²)"), "建筑面积（平方米）", ("建筑面积", "面积", "营业面积", "floorarea", "area", "flooraream2")),
    Column("floors", _("Floors"), "层数", ("层数", "楼层数", "floors")),
    Column("business_hours", _("Business hours"), "营业时间", ("营业时间", "businesshours", "openinghours")),
    Column("is_fire_key_unit", _("Fire-safety key unit"), "消防安全重点单位", ("消防安全重点单位", "消防重点单位", "重点单位", "firekeyunit", "firesafetykeyunit")),
    Column("is_crowded_place", _("Crowded place"), "人员密集场所", ("人员密集场所", "crowdedplace")),
    Column("is_public_gathering", _("Public gathering place"), "公众聚集场所", ("公众聚集场所", "publicgatheringplace", "publicgathering")),
    Column("is_important_place", _("Important place (GB 35181-2017)"), "重要场所", ("重要场所", "importantplace")),
    Column("is_high_rise", _("High-rise building"), "高层建筑", ("高层建筑", "高层", "highrise", "highrisebuilding")),
    Column("is_underground", _("Underground building or space"), "地下建筑或场所", ("地下建筑或场所", "地下建筑", "地下场所", "地下", "underground")),
    Column("gas_use", _("Gas use"), "用气类型", ("用气类型", "用气情况", "燃气类型", "燃料类型", "gasuse", "gas", "fuel")),
    Column("lpg_cylinders", _("LPG cylinders"), "液化气钢瓶数", ("液化气钢瓶数", "钢瓶数", "气瓶数", "液化气瓶数", "lpgcylinders", "cylinders")),
    Column("lpg_stored_kg", _("LPG stored (kg)"), "液化气储量（千克）", ("液化气储量", "储气量", "液化气存量", "lpgstored", "lpgstoredkg", "lpgkg")),
    Column("principal_name", _("Principal responsible person"), "主要负责人", ("主要负责人", "负责人", "法定代表人", "principal", "principalname")),
    Column("principal_phone", _("Principal's phone"), "主要负责人电话", ("主要负责人电话", "负责人电话", "负责人联系电话", "联系电话", "principalphone", "phone")),
    Column("safety_manager_name", _("Safety manager"), "安全管理人员", ("安全管理人员", "安全管理人", "安全员", "安全负责人", "safetymanager", "safetymanagername")),
    Column("safety_manager_phone", _("Safety manager's phone"), "安全管理人员电话", ("安全管理人员电话", "安全员电话", "安全负责人电话", "safetymanagerphone")),
]  # fmt: skip
BY_FIELD = {c.field: c for c in COLUMNS}

_BRACKETS = re.compile(r"[(\[【].*?[)\]】]")
_DROP = set("*:：_-—/·.、 ")


def normalise_header(text) -> str:
    """'  统一社会信用代码（18位）* ' → '统一社会信用代码'; 'LPG Stored (kg)' → 'lpgstored'."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    folded = _BRACKETS.sub("", folded)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in _DROP)


_ALIASES = {normalise_header(a): c.field for c in COLUMNS for a in c.aliases}


def field_for_header(text) -> str | None:
    return _ALIASES.get(normalise_header(text))
