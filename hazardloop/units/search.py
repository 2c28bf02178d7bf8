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
  whole-token match there (`ShortMatch`). On PostgreSQL one GIN index holds the tokens and
  the unit's region code, `string_to_array(search_pairs || ' ' || region_id, ' ')`, compared
  bytewise (`COLLATE "C"`, migrations 0013 and 0014; a token is one or two characters, a code
  six or more), so that a short search inside a region intersects the term's matches with the
  region's codes in one index scan. Short queries look in the name and the address only: one
  or two digits of a USCC find nothing useful.
"""

import unicodedata

from django.db.models import BooleanField, F, Func, Q


def normalise(text: str) -> str:
    # str.split() splits at exactly the characters str.isspace() accepts: every white space
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def search_text(*parts: str) -> str:
    return " ".join(normalise(p) for p in parts if p)


def search_columns(name: str, uscc: str, address: str) -> tuple[str, str]:
    """(search_text(name, uscc, address), pairs(name, address)), normalising each part once
    (the importer computes both for every row)."""
    folded_name, folded_address = normalise(name), normalise(address)
    parts = []
    if name:
        parts.append(folded_name)
    if uscc:
        parts.append(normalise(uscc))
    if address:
        parts.append(folded_address)
    return " ".join(parts), _pairs(folded_name, folded_address)


SHORT_QUERY = 2  # queries this long or shorter match whole tokens of `search_pairs`


def pairs(name: str, address: str) -> str:
    """The distinct characters and neighbouring pairs of the normalised name and address,
    sorted, separated by single spaces (normalise drops every white space character, so no
    token holds one). Every one- or two-character substring of either is a token."""
    return _pairs(normalise(name), normalise(address))


def _pairs(*parts: str) -> str:
    out: set[str] = set()
    for part in parts:
        out.update(part)
        out.update(map(str.__add__, part, part[1:]))
    return " ".join(sorted(out))


# A region filter with at most this many region codes under it also asks for the codes (one
# GIN entry per code); a wider one the term only.
MAX_REGION_CODES = 400


class ShortMatch(Func):
    """A filter: the unit's name or address contains `term` (one or two normalised
    characters). On PostgreSQL the expression is that of migration 0013's GIN index (an
    expression index serves only the same expression; the columns are compiled like any other,
    so the filter also works on an aliased table in a subquery): the array of the unit's tokens
    and its region code. With region_codes (every region code under the region filter) the
    array must also overlap those codes: GIN intersects both conditions in one scan (a city's
    matches only), and a plan that walks units in name order tests them per row. The caller
    keeps its region filter. The term and codes are parameters."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, term: str, region_codes: list[str] | None = None):
        super().__init__(F("search_pairs"), F("region_id"))
        self.term = term
        self.region_codes = region_codes

    def as_sql(self, compiler, connection, **extra):  # SQLite and others: a scan
        pairs, params = compiler.compile(self.source_expressions[0])
        return f"instr(' ' || {pairs} || ' ', %s) > 0", [*params, f" {self.term} "]

    def as_postgresql(self, compiler, connection, **extra):
        pairs, pairs_params = compiler.compile(self.source_expressions[0])
        region, region_params = compiler.compile(self.source_expressions[1])
        tokens = f"(string_to_array({pairs} || ' ' || {region}, ' ') COLLATE \"C\")"
        params = [*pairs_params, *region_params]
        sql = f"{tokens} @> ARRAY[%s]::text[]"
        params = [*params, self.term]
        codes = self.region_codes
        if codes and len(codes) <= MAX_REGION_CODES:
            sql += f" AND {tokens} && %s::text[]"
            params += [*pairs_params, *region_params, list(codes)]
        return sql, params


def match(term: str, region_codes: list[str] | None = None) -> Q | ShortMatch:
    """The filter for a normalised query: a substring of `search_text` (name, USCC, address;
    the trigram index) from three characters, a ShortMatch below; an empty term matches
    everything."""
    if len(term) > SHORT_QUERY or not term:
        return Q(search_text__contains=term)
    return ShortMatch(term, region_codes)
