"""Turning one spreadsheet row into unit data, or into the list of what is wrong with it."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hazardloop.lib import phones, uscc
from hazardloop.regions import codes as region_codes
from hazardloop.regions.choices import RegionLevel
from hazardloop.regions.models import Region, Sector
from hazardloop.units.choices import GasUse
from hazardloop.units.messages import phone_message, uscc_message

UNIT_REGION_LEVELS = (RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.TOWNSHIP)
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "对", "属于", "t"}
FALSE_WORDS = {
    "否",
    "无",
    "没有",
    "n",
    "no",
    "false",
    "0",
    "×",
    "✗",
    "✘",
    "不是",
    "不属于",
    "f",
    "-",
}
GAS_WORDS = {
    GasUse.NONE: ("无", "不用气", "不使用", "未使用", "none", "no", "nogas", "电", "用电", "-"),
    GasUse.BOTTLED_LPG: ("瓶装液化石油气", "瓶装液化气", "液化石油气", "液化气", "瓶装气", "lpg",
                         "bottledlpg", "煤气罐"),
    GasUse.PIPELINE: ("管道燃气", "管道天然气", "天然气", "管道气", "pipeline", "pipelinegas",
                      "naturalgas"),
    GasUse.ALCOHOL_FUEL: ("醇基燃料", "醇基", "甲醇", "alcoholfuel", "alcohol", "alcoholbasedfuel"),
    GasUse.BIOMASS: ("生物质燃料", "生物质", "biomass", "biomassfuel"),
}  # fmt: skip
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")
_SEPARATORS = re.compile(r"[/\\|,，、·\-—_>＞()（）\[\]【】]")
_CODE_FIRST = re.compile(r"^(?P<code>\d{6}(?:\d{3}|\d{6})?)(?P<name>\D+)$")
_NAME_FIRST = re.compile(r"^(?P<name>\D+)(?P<code>\d{6}(?:\d{3}|\d{6})?)$")


def _short(name: str) -> str:
    """'长春市' → '长春', '吉林省' → '吉林' (a prefecture or province named without its level)."""
    for tail in ("特别行政区", "自治州", "地区", "省", "市", "盟"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            return name[: -len(tail)]
    return name


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def fold(value) -> str:
    """Full-width to half-width, lower case, no spaces: for matching words and numbers.
    (Cached: a sheet repeats its regions, sectors, yes/no and small numbers on every row.)"""
    return _fold(value if type(value) is str else str(value))


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious '.0', white space (also U+3000) trimmed."""
    if type(value) is str:
        # The usual cell has no white space but single ASCII spaces inside: isprintable() is
        # False for every other white space character (tabs, newlines, U+3000: categories Cc
        # and Z*), so such a cell is already what split and join would make of it.
        if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
            return value
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class Lookups:
    """Reference data loaded once per import: regions, sectors. `scope` (the importer's
    `unit.import` scope) settles a region name that several regions share."""

    def __init__(self, scope=None):
        self.scope = scope
        self._regions_seen: dict[str, tuple[str | None, str | None]] = {}
        self.regions = {
            r.code: r
            for r in Region.objects.filter(level__in=UNIT_REGION_LEVELS).only(
                "code", "name_zh", "name_en", "parent_id", "level"
            )
        }
        every = {r.code: r for r in Region.objects.only("code", "name_zh", "parent_id")}
        self.every = every
        self.parents = {code: r.parent_id for code, r in every.items()}
        self.non_unit_codes = set(every) - set(self.regions)
        self.sectors = {}
        for s in Sector.objects.all():
            for key in (s.code, s.name_zh, s.name_en):
                self.sectors[fold(key)] = s.code
        self.gas = {fold(w): code for code, words in GAS_WORDS.items() for w in words}
        for code, label in GasUse.choices:
            self.gas[fold(label)] = code
            self.gas[fold(code)] = code

    @cached_property
    def region_names(self) -> dict[str, list[str]]:
        """Every way of writing each region's name (folded) → the codes it names. Built when
        a region is first read from a cell: a commit from a dry run's kept rows reads none."""
        names: dict[str, list[str]] = {}
        for region in self.regions.values():
            for name in self._names(region, self.every):
                names.setdefault(name, []).append(region.code)
        return names

    def chain(self, code: str) -> list[str]:
        """The region's code and its ancestors' codes, nearest first."""
        out = []
        while code:
            out.append(code)
            code = self.parents.get(code)
        return out

    @staticmethod
    def _names(region, every) -> set[str]:
        """'南关区', '长春市南关区', '长春南关区', '吉林省长春市南关区' (folded) all name the same
        region: the region's name after any tail of its ancestors' names, each ancestor full
        (长春市) or without its 省/市 (长春)."""
        ancestors = []
        parent = every.get(region.parent_id)
        while parent is not None:
            ancestors.insert(0, parent.name_zh)
            parent = every.get(parent.parent_id)
        names = {fold(region.name_zh)}
        for start in range(len(ancestors)):
            prefixes = [""]
            for name in ancestors[start:]:
                short = _short(name)
                prefixes = [p + n for p in prefixes for n in {name, short}]
            names.update(fold(p + region.name_zh) for p in prefixes)
        if region.name_en:
            names.add(fold(region.name_en))
        return names

    def region(self, raw: str) -> tuple[str | None, str | None]:
        """(code, None) or (None, error message), remembered per text (a sheet repeats its
        regions row after row)."""
        found = self._regions_seen.get(raw)
        if found is None:
            found = self._regions_seen[raw] = self._region(raw)
        return found

    def _region(self, raw: str) -> tuple[str | None, str | None]:
        """(code, None) or (None, error message). A code (220104, 220104000000), a name
        (朝阳区), a name under its prefecture (长春市朝阳区, 长春市 朝阳区, 长春市/朝阳区), or
        a code with its name (220104 朝阳区)."""
        key = _SEPARATORS.sub("", fold(raw))
        both = _CODE_FIRST.match(key) or _NAME_FIRST.match(key)
        if both:
            code, message = self._by_code(both.group("code"), both.group("code"))
            if message:
                return None, message
            named = self.region_names.get(both.group("name"), [])
            if code not in named:
                return None, _(
                    "The code %(code)s and the name %(name)s are not the same region."
                ) % {"code": both.group("code"), "name": both.group("name")}
            return code, None
        if key.isdigit():
            return self._by_code(key, raw)
        codes = self.region_names.get(key, [])
        if len(codes) > 1 and self.scope is not None:
            ours = [c for c in codes if self.scope.covers_region(c)]
            if len(ours) == 1:
                return ours[0], None
            codes = ours or codes
        if len(codes) == 1:
            return codes[0], None
        if len(codes) > 1:
            return None, _(
                "Several regions are called %(value)s (%(names)s): give the region code or "
                "the prefecture too."
            ) % {
                "value": raw,
                "names": pgettext("list separator", ", ").join(
                    self.full_name(c) for c in sorted(codes)
                ),
            }
        return None, _("No county, district or township is called %(value)s.") % {"value": raw}

    def full_name(self, code: str) -> str:
        """'长春市朝阳区 220104': a region named under its parent, with its code."""
        region = self.regions[code]
        parent = self.every.get(region.parent_id)
        prefix = parent.name_zh if parent is not None else ""
        return f"{prefix}{region.name_zh} {code}"

    def _by_code(self, key: str, raw) -> tuple[str | None, str | None]:
        if key not in self.regions and region_codes.is_code(key):
            key = region_codes.canonical(key)  # 22 → 220000, 220102000000 → 220102
        if key in self.regions:
            return key, None
        if key in self.non_unit_codes:
            return None, _(
                "%(value)s is a province or prefecture: give the county, district or "
                "township of the unit."
            ) % {"value": raw}
        return None, _("No region has the code %(value)s.") % {"value": raw}


def parse_bool(raw: str) -> bool | None:
    key = fold(raw)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def parse_int(raw: str, *, maximum: int) -> int | None:
    """'1,200', '1200㎡', '１２００ 平方米', '120.0' → 1200/120; None if not a whole number."""
    text = fold(raw).replace(",", "")
    if text.isascii() and text.isdigit():  # the usual cell: digits only
        number = int(text)
        return number if number <= maximum else None
    match = _NUMBER.match(text)
    if not match:
        return None
    try:
        number = Decimal(match.group(0))
    except InvalidOperation:
        return None
    if number != number.to_integral_value() or number < 0 or number > maximum:
        return None
    return int(number)


def parse_decimal(raw: str, low: int, high: int) -> Decimal | None:
    try:
        number = Decimal(fold(raw)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None
    return number if low <= number <= high else None


class RowChecker:
    """Checks rows one by one. `check(values)` returns (data, errors); errors name the field."""

    def __init__(self, lookups: Lookups):
        self.lookups = lookups

    def check(self, values: dict[str, object]) -> tuple[dict, list[tuple[str, str]]]:
        data: dict = {}
        errors: list[tuple[str, str]] = []
        text = {f: cell_text(v) for f, v in values.items()}

        def err(name, message):
            errors.append((name, str(message)))

        for name in ("name", "uscc", "region", "sector"):
            if not text.get(name):
                err(name, _("This column is required and the cell is empty."))
        if text.get("name"):
            if len(text["name"]) > 200:
                err("name", _("The name is longer than 200 characters."))
            data["name"] = text["name"]
        if text.get("uscc"):
            try:
                data["uscc"] = uscc.validate(text["uscc"])
            except uscc.USCCError as error:
                err("uscc", uscc_message(error))
        if text.get("region"):
            code, message = self.lookups.region(text["region"])
            if message:
                err("region", message)
            else:
                data["region_id"] = code
        if text.get("sector"):
            sector = self.lookups.sectors.get(fold(text["sector"]))
            if sector is None:
                err("sector", _("Unknown sector %(value)s.") % {"value": text["sector"]})
            else:
                data["sector_id"] = sector
        for name, limit in (("address", 300), ("business_hours", 100)):
            if text.get(name):
                if len(text[name]) > limit:
                    err(name, _("Longer than %(n)d characters.") % {"n": limit})
                data[name] = text[name]
        for name, (low, high) in (("latitude", (-90, 90)), ("longitude", (-180, 180))):
            if text.get(name):
                number = parse_decimal(text[name], low, high)
                if number is None:
                    err(
                        name,
                        _("Write a number between %(low)d and %(high)d.")
                        % {"low": low, "high": high},
                    )
                else:
                    data[name] = number
        for name, maximum in (
            ("floor_area_m2", 10_000_000),
            ("floors", 300),
            ("lpg_cylinders", 10_000),
            ("lpg_stored_kg", 1_000_000),
        ):
            if text.get(name):
                number = parse_int(text[name], maximum=maximum)
                if number is None:
                    err(name, _("Write a whole number from 0 to %(max)d.") % {"max": maximum})
                else:
                    data[name] = number
        for name in (
            "is_fire_key_unit",
            "is_crowded_place",
            "is_public_gathering",
            "is_important_place",
            "is_high_rise",
            "is_underground",
        ):
            if text.get(name):
                flag = parse_bool(text[name])
                if flag is None:
                    err(
                        name,
                        _("Write 是 or 否 (yes or no), not %(value)s.") % {"value": text[name]},
                    )
                else:
                    data[name] = flag
        if text.get("gas_use"):
            gas = self.lookups.gas.get(fold(text["gas_use"]))
            if gas is None:
                err(
                    "gas_use",
                    _(
                        "Unknown gas use %(value)s: write 无, 瓶装液化石油气, 管道燃气, 醇基燃料 "
                        "or 生物质燃料."
                    )
                    % {"value": text["gas_use"]},
                )
            else:
                data["gas_use"] = gas
        has_lpg = data.get("lpg_cylinders") or data.get("lpg_stored_kg")
        if has_lpg and "gas_use" not in data and not text.get("gas_use"):
            data["gas_use"] = GasUse.BOTTLED_LPG
        elif has_lpg and data.get("gas_use") not in (None, GasUse.BOTTLED_LPG):
            err("lpg_cylinders", _("LPG cylinders are given, but the gas use is not bottled LPG."))
        for name in ("principal_phone", "safety_manager_phone"):
            if text.get(name):
                try:
                    data[name] = phones.validate(text[name])
                except phones.PhoneError as error:
                    err(name, phone_message(error))
        for name in ("principal_name", "safety_manager_name"):
            if text.get(name):
                if len(text[name]) > 50:
                    err(name, _("Longer than %(n)d characters.") % {"n": 50})
                data[name] = text[name]
        return data, errors
