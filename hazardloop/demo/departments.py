"""Departments of every region down to county level, with the sectors each supervises."""

from hazardloop.regions.choices import DepartmentKind as K
from hazardloop.regions.models import Department, Region

# kind → (Chinese name suffix, English name, sectors it supervises; empty = comprehensive)
DEPARTMENTS = {
    K.SAFETY_COMMITTEE: ("安全生产委员会办公室", "Work Safety Committee Office", []),
    K.EMERGENCY: (
        "应急管理局",
        "Emergency Management Bureau",
        ["hazchem", "mining", "industry_trade"],
    ),
    K.FIRE: ("消防救援支队", "Fire and Rescue Detachment", []),
    K.HOUSING: (
        "住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
        ["gas_supply", "construction"],
    ),
    K.COMMERCE: ("商务局", "Commerce Bureau", ["catering", "lodging", "retail"]),
    K.MARKET: ("市场监督管理局", "Market Regulation Bureau", ["catering", "retail"]),
    K.TRANSPORT: ("交通运输局", "Transport Bureau", ["transport"]),
    K.WATER: ("水利局", "Water Resources Bureau", ["flood_control"]),
    K.EDUCATION: ("教育局", "Education Bureau", ["education"]),
    K.HEALTH: ("卫生健康委员会", "Health Commission", ["health"]),
    K.CULTURE: ("文化广播电视和旅游局", "Culture, Radio, TV and Tourism Bureau", ["entertainment"]),
}
PROVINCE_SUFFIX = {K.FIRE: "消防救援总队", K.HEALTH: "卫生健康委员会"}
PROVINCE_NAMES = {
    K.EMERGENCY: "应急管理厅",
    K.HOUSING: "住房和城乡建设厅",
    K.COMMERCE: "商务厅",
    K.TRANSPORT: "交通运输厅",
    K.WATER: "水利厅",
    K.EDUCATION: "教育厅",
    K.CULTURE: "文化和旅游厅",
}
COUNTY_FIRE = "消防救援大队"
DOC_KIND = {K.FIRE: "消", K.EMERGENCY: "应急", K.HOUSING: "建", K.MARKET: "市监"}


def _abbrev(region: Region, parent: Region | None) -> str:
    """A short name for document prefixes: 吉林省 → 吉, 长春市 → 长春, 南关区 → 南关.

    Two characters below the province: one would make 白山 and 白城, or 四平's 铁西区 and
    铁东区, number alike. A development zone drops its city's name first (长春净月… → 净月).
    """
    if region.level == "province":
        return region.name_zh[:1]
    name = region.name_zh
    if region.level == "zone":
        for lead in ("吉林", parent.name_zh[:2] if parent else ""):
            if lead and name.startswith(lead):
                name = name[len(lead) :]
    return name[:2]


def _doc_prefix(region: Region, ancestors: list[Region], kind: str) -> str:
    if kind not in DOC_KIND:
        return ""
    chain = [r for r in ancestors if r.level != "province"] + [region]
    if region.level == "province":
        chain = [region]
    parents = [None, *chain[:-1]]
    return (
        "".join(_abbrev(r, p) for r, p in zip(chain, parents, strict=True))
        + DOC_KIND[kind]
        + "限字"
    )


def load_departments() -> int:
    """Create the departments of every non-statistical region down to county level."""
    from hazardloop.regions.models import Sector

    sectors = {s.code: s for s in Sector.objects.all()}
    created = 0
    regions = list(Region.objects.filter(level__in=["province", "prefecture", "county", "zone"]))
    by_code = {r.code: r for r in regions}
    existing = set(Department.objects.values_list("region_id", "kind"))
    for region in regions:
        ancestors = []
        parent = by_code.get(region.parent_id) if region.parent_id else None
        while parent is not None:
            ancestors.insert(0, parent)
            parent = by_code.get(parent.parent_id) if parent.parent_id else None
        for kind, (suffix, name_en, sector_codes) in DEPARTMENTS.items():
            if (region.code, kind) in existing:
                continue
            if region.level == "province":
                name_zh = region.name_zh + PROVINCE_NAMES.get(
                    kind, PROVINCE_SUFFIX.get(kind, suffix)
                )
            elif region.level in ("county", "zone") and kind == K.FIRE:
                name_zh = region.name_zh + COUNTY_FIRE
            else:
                name_zh = region.name_zh + suffix
            dept = Department.objects.create(
                region=region,
                kind=kind,
                name_zh=name_zh,
                name_en=f"{region.name_en} {name_en}",
                doc_prefix=_doc_prefix(region, ancestors, kind),
            )
            dept.sectors.set([sectors[c] for c in sector_codes if c in sectors])
            created += 1
    return created
