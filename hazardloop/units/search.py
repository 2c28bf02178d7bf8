"""Free-text search over units: one normalised column, plus a bigram table for short queries.

Both the stored text and the query are NFKC-normalised (full-width letters, digits and spaces
become ASCII), case-folded and stripped of white space, so "南关 饺子" finds "南关饺子馆" and
"９１２２" finds a code typed in full width.

- Three characters or more: a substring test on `search_text` (name, USCC and address). On
  PostgreSQL the column carries a pg_trgm GIN index (migration 0004), which serves
  `LIKE '%…%'`; on SQLite the same query scans.
- One or two characters (饺子, 火锅, 店): pg_trgm cannot serve them (it needs three), so every
  unit also has rows in `UnitSearchToken`, one per character of its normalised name and
  address with the character after it (`""` after the last one). A two-character query is
  one primary-key lookup (char, next_char), a one-character query a primary-key prefix
  (char). Short queries look in the name and the address only: one or two digits of a USCC
  find nothing useful.
"""

import unicodedata


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def search_text(*parts: str) -> str:
    return " ".join(normalise(p) for p in parts if p)


SHORT_QUERY = 2  # queries this long or shorter go through the token table


def tokens(name: str, address: str) -> set[tuple[str, str]]:
    """The (char, next_char) pairs of the normalised name and address; next_char is "" after
    the last character of each. Every substring of one or two characters starts at one."""
    out: set[tuple[str, str]] = set()
    for part in (normalise(name), normalise(address)):
        out.update((part[i], part[i + 1 : i + 2]) for i in range(len(part)))
    return out
