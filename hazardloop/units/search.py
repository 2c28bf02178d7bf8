"""Free-text search over units: one normalised column for long queries, one for short ones.

Both the stored text and the query are NFKC-normalised (full-width letters, digits and spaces
become ASCII), case-folded and stripped of white space, so "南关 饺子" finds "南关饺子馆" and
"９１２２" finds a code typed in full width.

- Three characters or more: a substring test on `search_text` (name, USCC and address). On
  PostgreSQL the column carries a pg_trgm GIN index (migration 0004), which serves
  `LIKE '%…%'`; on SQLite the same query scans.
- One or two characters (饺子, 火锅, 店), which pg_trgm cannot serve (it needs three): the
  column `search_pairs` holds every distinct character and every pair of neighbouring
  characters of the normalised name and address, separated by spaces. A short query is a
  whole-token match there (`match_short`). On PostgreSQL `string_to_array(search_pairs, ' ')`
  carries a GIN index, and a second GIN index holds the same tokens prefixed with the unit's
  region code (`220102/饺子`), so that a short search inside a region reads only that
  region's matches (migration 0008). Short queries look in the name and the address only:
  one or two digits of a USCC find nothing useful.
"""

import unicodedata

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def search_text(*parts: str) -> str:
    return " ".join(normalise(p) for p in parts if p)


SHORT_QUERY = 2  # queries this long or shorter match whole tokens of `search_pairs`


def pairs(name: str, address: str) -> str:
    """The distinct characters and neighbouring pairs of the normalised name and address,
    sorted, separated by single spaces (normalise drops every white space character, so no
    token holds one). Every one- or two-character substring of either is a token."""
    out: set[str] = set()
    for part in (normalise(name), normalise(address)):
        out.update(part)
        out.update(part[i : i + 2] for i in range(len(part) - 1))
    return " ".join(sorted(out))


# The expressions of migration 0008's two GIN indexes, written exactly as there (PostgreSQL
# uses an expression index only for the same expression).
PAIRS_SQL = "string_to_array(units_unit.search_pairs, ' ')"
REGION_PAIRS_SQL = (
    "string_to_array(units_unit.region_id || '/' || "
    "replace(units_unit.search_pairs, ' ', ' ' || units_unit.region_id || '/'), ' ')"
)
# A region filter with at most this many region codes under it uses the prefixed index (one
# GIN entry per code); a wider one the plain index.
MAX_REGION_CODES = 400


def match_short(term: str, region_codes: list[str] | None = None) -> RawSQL:
    """A filter: the unit's name or address contains `term` (one or two normalised
    characters). On PostgreSQL, with region_codes (every region code under the region filter),
    the region-prefixed index as well: the planner intersects both indexes (a city's matches
    only), and a plan that walks units in name order tests the cheap plain condition first
    (the overlap with many codes costs ~20 µs a row). The caller keeps its region filter. The
    SQL is constant; the term and codes are parameters."""
    if connection.vendor == "postgresql":
        if region_codes and len(region_codes) <= MAX_REGION_CODES:
            return RawSQL(  # noqa: S611
                f"{PAIRS_SQL} @> ARRAY[%s]::text[] AND {REGION_PAIRS_SQL} && %s::text[]",
                [term, [f"{code}/{term}" for code in region_codes]],
                output_field=BooleanField(),
            )
        return RawSQL(  # noqa: S611
            f"{PAIRS_SQL} @> ARRAY[%s]::text[]", [term], output_field=BooleanField()
        )
    return RawSQL(
        "instr(' ' || units_unit.search_pairs || ' ', %s) > 0",
        [f" {term} "],
        output_field=BooleanField(),
    )
