"""Free-text search over units: one normalised column, matched with a substring test.

Both the stored text and the query are NFKC-normalised (full-width letters, digits and spaces
become ASCII), case-folded and stripped of white space, so "南关 饺子" finds "南关饺子馆" and
"９１２２" finds a code typed in full width. On PostgreSQL the column carries a pg_trgm GIN
index (migration 0003), which serves `LIKE '%…%'`; on SQLite the same query scans.
"""

import unicodedata


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def search_text(*parts: str) -> str:
    return " ".join(normalise(p) for p in parts if p)
