"""Loading regions from a CSV of code,parent,level,name_zh,name_en,note (UTF-8)."""

import csv
from pathlib import Path

from hazardloop.regions import codes as region_codes
from hazardloop.regions.choices import PREFIX_LENGTH, RegionLevel

DATA = Path(__file__).parent / "data"
SECTORS = [
    ("catering", "餐饮", "Catering"),
    ("lodging", "住宿", "Hotels and lodging"),
    ("retail", "商贸零售", "Retail"),
    ("entertainment", "文化娱乐", "Entertainment"),
    ("gas_supply", "燃气经营", "Gas supply"),
    ("hazchem", "危险化学品", "Hazardous chemicals"),
    ("mining", "矿山", "Mining"),
    ("construction", "建筑施工", "Construction"),
    ("transport", "交通运输", "Transportation"),
    ("flood_control", "防汛", "Flood control"),
    ("industry_trade", "工贸", "Industry and trade"),
    ("education", "教育", "Education"),
    ("health", "医疗卫生", "Health care"),
    ("other", "其他", "Other"),
]


class RegionFileError(ValueError):
    pass


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for number, row in enumerate(rows, start=2):
        code, level = (row.get("code") or "").strip(), (row.get("level") or "").strip()
        if level not in RegionLevel.values:
            raise RegionFileError(f"line {number}: unknown level {level!r}")
        # A development zone's statistical code has a county's shape.
        shape = region_codes.COUNTY if level == RegionLevel.ZONE else level
        if not region_codes.is_code(code) or region_codes.level(code) != shape:
            raise RegionFileError(f"line {number}: code {code!r} is not a {level} code")
        if not (row.get("name_zh") or "").strip():
            raise RegionFileError(f"line {number}: name_zh is empty")
    return rows


def upsert_regions(Region, rows: list[dict]) -> tuple[int, int]:
    """Create or update regions, parents before children. Works with historical models."""
    created = updated = 0
    known = set(Region.objects.values_list("code", flat=True))
    for row in sorted(rows, key=lambda r: PREFIX_LENGTH[RegionLevel(r["level"].strip())]):
        code = row["code"].strip()
        parent = (row.get("parent") or "").strip() or None
        if parent and parent not in known:
            raise RegionFileError(f"region {code}: parent {parent} is not loaded")
        level = row["level"].strip()
        values = {
            "parent_id": parent,
            "level": level,
            "prefix": code[: PREFIX_LENGTH[RegionLevel(level)]],
            "name_zh": row["name_zh"].strip(),
            "name_en": (row.get("name_en") or "").strip(),
            "is_statistical": level == RegionLevel.ZONE,
            "note": (row.get("note") or "").strip()[:200],
        }
        _obj, was_created = Region.objects.update_or_create(code=code, defaults=values)
        known.add(code)
        created += was_created
        updated += not was_created
    return created, updated
