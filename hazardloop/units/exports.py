"""Writing units to .xlsx with the streaming writer (xlsx.py): rows go to the file as they are
read, in primary-key batches, so memory stays flat whatever the row count. The columns are the
import columns, so an export re-imports."""

import io
from collections.abc import Callable, Iterator
from os import PathLike

from django.db.models import QuerySet
from django.utils.translation import gettext as _

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


class _Pipe(io.RawIOBase):
    """A non-seekable sink whose bytes are taken out as they are written (streamed)."""

    def __init__(self):
        super().__init__()
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks = []
        return out


def _write(qs: QuerySet, fh):
    """Write qs to fh as .xlsx, yielding the row count after each batch."""
    from hazardloop.regions.models import Region, Sector
    from hazardloop.units.xlsx import SheetWriter

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
    done = 0
    last_id = 0
    base = qs.order_by("id").values(*fields)
    with SheetWriter(fh, _("Units")) as sheet:
        sheet.append([c.template_header for c in COLUMNS] + list(EXTRA_HEADERS))
        while True:
            batch = list(base.filter(id__gt=last_id)[:BATCH])
            if not batch:
                break
            sheet.append_many(_values(row, sectors, regions) for row in batch)
            done += len(batch)
            last_id = batch[-1]["id"]
            yield done


def write_units(qs: QuerySet, target, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Write every unit of qs as .xlsx to target (a path or a binary file object, which may
    be a non-seekable stream); returns the row count.

    Headers are the Chinese template headers (the spreadsheet is for Chinese regulators and
    re-imports as is). Rows are read in primary-key batches (keyset), never all at once.
    """
    total = qs.count() if progress else 0
    done = 0
    fh = open(target, "wb") if isinstance(target, (str, PathLike)) else target  # noqa: SIM115
    try:
        for done in _write(qs, fh):
            if progress:
                progress(done, total)
    finally:
        if fh is not target:
            fh.close()
    return done


def stream_units(qs: QuerySet) -> Iterator[bytes]:
    """The same .xlsx as write_units, as chunks of bytes produced batch by batch (for a
    streaming response: the first bytes leave before the last rows are read)."""
    pipe = _Pipe()
    for _done in _write(qs, pipe):
        yield pipe.drain()
    yield pipe.drain()
