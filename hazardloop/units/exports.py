"""Writing units to .xlsx or .csv with the shared table writer (lib/sheets.py): rows go to the
file as they are read, in primary-key batches, so memory stays flat whatever the row count. The
columns are the import columns, so an export re-imports."""

from collections.abc import Callable, Iterator
from os import PathLike

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hazardloop.lib.sheets import XLSX, write_table
from hazardloop.units.choices import GasUse
from hazardloop.units.importing.columns import COLUMNS

EXTRA_HEADERS = ("风险等级", "公开码")
BATCH = 5000
FLAG_FIELDS = {
    "is_fire_key_unit",
    "is_crowded_place",
    "is_public_gathering",
    "is_important_place",
    "is_high_rise",
    "is_underground",
}


def _values(row: dict, sectors: dict, regions: dict) -> list:
    out = []
    for column in COLUMNS:
        name = column.field
        if name == "region":
            out.append(regions.get(row["region_id"], row["region_id"]))
        elif name == "sector":
            out.append(sectors.get(row["sector_id"], row["sector_id"]))
        elif name in FLAG_FIELDS:
            out.append("是" if row[name] else "否")
        elif name == "gas_use":
            out.append(GAS_LABELS.get(row[name], row[name]))
        elif name in ("latitude", "longitude"):
            out.append(float(row[name]) if row[name] is not None else None)
        else:
            out.append(row[name])
    out.append(RISK_LABELS.get(row["risk_level"], row["risk_level"]))
    out.append(row["public_id"])
    return out


GAS_LABELS = {
    GasUse.NONE: "无",
    GasUse.BOTTLED_LPG: "瓶装液化石油气",
    GasUse.PIPELINE: "管道燃气",
    GasUse.ALCOHOL_FUEL: "醇基燃料",
    GasUse.BIOMASS: "生物质燃料",
}
RISK_LABELS = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}


def unit_rows(qs: QuerySet) -> Iterator[list]:
    """The units of qs as rows of cell values, read in primary-key batches (keyset), never all
    at once."""
    from hazardloop.regions.models import Region, Sector

    sectors = dict(Sector.objects.values_list("code", "name_zh"))
    regions = dict(Region.objects.values_list("code", "name_zh"))
    fields = [
        "id",
        "region_id",
        "sector_id",
        "risk_level",
        "public_id",
        *(c.field for c in COLUMNS if c.field not in ("region", "sector")),
    ]
    last_id = 0
    base = qs.order_by("id").values(*fields)
    while True:
        batch = list(base.filter(id__gt=last_id)[:BATCH])
        if not batch:
            break
        for row in batch:
            yield _values(row, sectors, regions)
        last_id = batch[-1]["id"]


def header() -> list[str]:
    return [c.template_header for c in COLUMNS] + list(EXTRA_HEADERS)


def write_units(
    qs: QuerySet,
    target,
    *,
    fmt: str = XLSX,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write every unit of qs as `fmt` (.xlsx or .csv, lib/sheets.py) to target (a path or a
    binary file object); returns the row count.

    Headers are the Chinese template headers (the spreadsheet is for Chinese regulators and
    re-imports as is)."""
    total = qs.count() if progress else 0
    fh = open(target, "wb") if isinstance(target, (str, PathLike)) else target  # noqa: SIM115
    try:
        return write_table(
            fh,
            fmt,
            title=_("Units"),
            header=header(),
            rows=unit_rows(qs),
            total=total,
            progress=progress,
        )
    finally:
        if fh is not target:
            fh.close()
