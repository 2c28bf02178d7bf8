"""Region codes (GB/T 2260 and the NBS 12-digit statistical codes): the one place that knows how
a code encodes its level and ancestry. Pure functions, no database.

A code is read as five segments, 2 + 2 + 2 + 3 + 3 digits (province, prefecture, county,
township, village); its level is the last segment that is not all zeros. Accepted lengths:

    22            province      (a prefix)        220000 / 220000000000   province
    2201          prefecture    (a prefix)        220100 / 220100000000   prefecture
    220102        county                          220102000000            county
    220102001     township                        220102001000            township
    220102001001  village

Every region below a region starts with that region's *prefix* (the code without its trailing
zero segments: 22, 2201, 220102, 220102001, 220102001001), so "this region and everything under
it" is one range over the code column (`subtree_bounds`), the same on SQLite and PostgreSQL.

The *canonical* code of a region is how the regions table spells it: six digits for a province,
prefecture or county, nine for a township, twelve for a village. A township may also be stored in
its twelve-digit form; `ancestor_codes` gives both forms for database look-ups.

A development zone's statistical code has the shape of a county's: the level read from a code
is structural, the `Region.level` column says "zone".
"""

from django.db.models import Q

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
TOWNSHIP = "township"
VILLAGE = "village"
LEVELS = (PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE)
# How many leading digits every region below a region of the level shares.
PREFIX_LENGTHS = {PROVINCE: 2, PREFECTURE: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
CODE_MAX_LENGTH = 12
_ENDS = (2, 4, 6, 9, 12)
_LENGTHS = frozenset(_ENDS)


class RegionCodeError(ValueError):
    """Not a region code or prefix (digits, 2, 4, 6, 9 or 12 of them, a province first)."""


def is_code(value: str) -> bool:
    """Whether `value` reads as a region code or prefix."""
    try:
        level(value)
    except RegionCodeError:
        return False
    return True


def _segments(code: str) -> list[str]:
    if not isinstance(code, str) or not code.isdigit() or len(code) not in _LENGTHS:
        raise RegionCodeError(f"not a region code: {code!r}")
    full = code.ljust(CODE_MAX_LENGTH, "0")
    out = [full[a:b] for a, b in zip((0, *_ENDS), _ENDS, strict=False)]
    if set(out[0]) == {"0"}:
        raise RegionCodeError(f"not a region code: {code!r}")
    return out


def _depth(code: str) -> int:
    """0 for a province … 4 for a village: the index of the last non-zero segment."""
    segments = _segments(code)
    return max(i for i, s in enumerate(segments) if set(s) != {"0"})


def level(code: str) -> str:
    """The level a code or prefix denotes: "province", "prefecture", "county", "township" or
    "village" (a development zone reads as "county")."""
    return LEVELS[_depth(code)]


def prefix(code: str) -> str:
    """The digits every region in the code's subtree starts with: 220000 → 22, 220100 → 2201,
    220102 → 220102, 220102010000 → 220102010, 220102001001 → 220102001001."""
    _segments(code)
    return code[: PREFIX_LENGTHS[level(code)]]


def canonical(code: str) -> str:
    """The code as the regions table spells it: 22 → 220000, 2201 → 220100,
    220102000000 → 220102, 220102001000 → 220102001."""
    p = prefix(code)
    return p.ljust(6, "0") if len(p) < 6 else p


def ancestor_at(code: str, at: str) -> str | None:
    """The canonical code of the region at level `at` that is `code` or contains it; None when
    `code` lies above that level (a prefecture has no county)."""
    n = PREFIX_LENGTHS[at]
    if len(prefix(code)) < n:
        return None
    return canonical(code[:n])


def ancestors(code: str) -> list[str]:
    """The canonical codes of the regions strictly above `code`, province first."""
    segments, depth = _segments(code), _depth(code)
    return [
        canonical(code[: PREFIX_LENGTHS[LEVELS[i]]])
        for i in range(depth)
        if set(segments[i]) != {"0"}  # a county directly under a province skips "prefecture"
    ]


def parent(code: str) -> str | None:
    """The canonical code of the region directly above `code` (None for a province)."""
    above = ancestors(code)
    return above[-1] if above else None


def ancestor_codes(code: str) -> list[str]:
    """Every spelling under which a region strictly above `code` may be stored (for `__in`
    look-ups): the canonical codes plus a township's twelve-digit form."""
    out = []
    for c in ancestors(code):
        out.append(c)
        if len(c) == PREFIX_LENGTHS[TOWNSHIP]:
            out.append(c.ljust(CODE_MAX_LENGTH, "0"))
    return out


def contains(outer: str, code: str) -> bool:
    """Whether `code` is `outer` or lies below it (both codes or prefixes)."""
    return prefix(code).startswith(prefix(outer))


def subtree_bounds(prefix_: str) -> tuple[str, str]:
    """Lowest and highest code a region with this prefix can contain (inclusive)."""
    return prefix_, prefix_ + "9" * (CODE_MAX_LENGTH - len(prefix_))


def subtree_filter(field: str, prefix_: str) -> Q:
    """Rows whose region-code column `field` lies in the subtree of codes starting with the
    prefix (a prefix, not a code: use `code_subtree_filter` for a code)."""
    low, high = subtree_bounds(prefix_)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def code_subtree_filter(field: str, code: str) -> Q:
    """Rows whose region-code column `field` is the region `code` or lies below it."""
    return subtree_filter(field, prefix(code))
