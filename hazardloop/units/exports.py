"""Writing units to .xlsx with openpyxl's write-only mode: rows stream to disk, memory stays
flat whatever the row count. The columns are the import columns, so an export re-imports."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hazardloop.units.choices import GasUse
from hazardloop.units.importing.columns import COLUMNS

EXTRA_HEADERS = ("风险等级", "公开码")
BATCH = 2000
FLAG_FIELDS = {"is_fire_key_unit", "is_crowded_place", "is_public_gathering"}


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


def write_units(qs: QuerySet, path, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Write every unit of qs to an .xlsx at path; returns the row count.

    Headers are the Chinese template headers (the spreadsheet is for Chinese regulators and
    re-imports as is). Rows are read in primary-key batches (keyset), never all at once.
    """
    from openpyxl import Workbook

    from hazardloop.regions.models import Region, Sector

    sectors = dict(Sector.objects.values_list("code", "name_zh"))
    regions = dict(Region.objects.values_list("code", "name_zh"))
    total = qs.count()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Units")[:31])
    sheet.append([c.template_header for c in COLUMNS] + list(EXTRA_HEADERS))
    fields = [
        "id",
        "region_id",
        "sector_id",
        "risk_level",
        "public_id",
        *(c.field for c in COLUMNS if c.field not in ("region", "sector")),
    ]
    done = 0
    last_id = 0
    base = qs.order_by("id").values(*fields)
    while True:
        batch = list(base.filter(id__gt=last_id)[:BATCH])
        if not batch:
            break
        for row in batch:
            sheet.append(_values(row, sectors, regions))
        done += len(batch)
        last_id = batch[-1]["id"]
        if progress:
            progress(done, total)
    workbook.save(path)
    return done
