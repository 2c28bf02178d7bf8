"""What a user reads on a page, and the developer text or wrong-language text in it.

`problems(html, language)` returns the visible strings of a rendered page that a user should
never see:

- raw codes: snake_case identifiers (`bottled_lpg`, `deadline_passed`), source references
  (`inspection:2766/item:R19`), `key: value; key: value` scopes, file names and commands
  (`manage.py`, `regulations.md`);
- in the Chinese interface, an interface string left in English: a text that is itself a
  msgid of the project's catalogues (and has a different Chinese msgstr), or that reads as
  English words;
- in the English interface, a Chinese interface string: a text that is the msgstr of one of the
  catalogues' entries (exactly, or as a long phrase inside it).

Data are excepted: a unit's Chinese name on an English page is not a fault, nor a USCC, a
standard's number (GB 35181-2017) or a person's English display name. The checks are therefore
tied to the catalogues (what the interface says) rather than to "any Chinese on an English
page".
"""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[2]

# Text inside these elements is not read as page text.
_SKIP = {"script", "style", "template", "noscript", "svg", "textarea"}
# Attributes a user reads (or hears from a screen reader).
_READ_ATTRS = {"title", "aria-label", "placeholder", "alt"}

SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")
REFERENCE = re.compile(r"\b[a-z_]+:\d+(?:/[a-z_]+:[\w-]+)*")
SCOPE_PAIRS = re.compile(r"[\w\u4e00-\u9fff]+: ?[a-z_]+(?:, ?[a-z_]+)*; ")
DEVELOPER_WORDS = re.compile(r"manage\.py|regulations\.md|\.py\b|\[V(?:-\d)?\]|\bNone\b|\{\{|\{%")
# A lower-case hyphenated token (restaurant-gas, fire-life-channels): a slug, in the Chinese
# interface (English prose has such words: re-check, sign-in).
KEBAB = re.compile(r"(?<![\w./@-])[a-z]{2,}(?:-[a-z0-9]+)+(?![\w./@-])")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Two English words in a row (lower-case second word): interface prose, not a name or a number.
ENGLISH_PROSE = re.compile(r"\b[A-Za-z][a-z]+ (?:[a-z]{2,}\b)")


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Text(HTMLParser):
    """Collects (text, language) pairs: the language is the nearest `lang` attribute, so text a
    template marks as another language (an official Chinese title, lang="zh-Hans", on an English
    page) is known to be meant."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.stack: list[tuple[str, str | None, bool]] = []
        self.texts: list[tuple[str, str | None]] = []

    def _lang(self) -> str | None:
        return next((lang for _tag, lang, _hidden in reversed(self.stack) if lang), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower() or None
        # data-technical: the audit log's verbatim stored record, folded away on purpose.
        hidden = tag in _SKIP or "data-technical" in attrs
        if tag not in _VOID:
            self.stack.append((tag, lang, hidden))
        if hidden:
            self.skip += 1
        for name in _READ_ATTRS:
            if attrs.get(name):
                self.texts.append((attrs[name], lang or self._lang()))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append((attrs["value"], lang or self._lang()))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self.skip -= sum(1 for entry in self.stack[i:] if entry[2])
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append((" ".join(data.split()), self._lang()))


def visible_texts(html: str) -> list[tuple[str, str | None]]:
    """The page's text nodes and read attributes, whitespace collapsed (scripts left out), each
    with the language its element declares (None: the page's own)."""
    parser = _Text()
    parser.feed(html)
    return parser.texts


@cache
def catalogue() -> tuple[frozenset, frozenset, frozenset]:
    """(msgids with a different Chinese translation, their msgstrs, long msgstrs ≥ 6 chars)."""
    msgids, msgstrs = set(), set()
    for po in PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            if "fuzzy" in entry.flags or entry.obsolete:
                continue
            pairs = [(entry.msgid, entry.msgstr)]
            if entry.msgid_plural:
                pairs = [(entry.msgid, s) for s in entry.msgstr_plural.values()]
                pairs.append((entry.msgid_plural, entry.msgstr_plural.get(0, "")))
            for msgid, msgstr in pairs:
                if not msgstr or msgid == msgstr or "%" in msgid or "{" in msgid:
                    continue
                msgids.add(msgid.strip())
                if CJK.search(msgstr):
                    msgstrs.add(msgstr.strip())
    long = frozenset(s for s in msgstrs if len(CJK.findall(s)) >= 6 and "%" not in s)
    return frozenset(msgids), frozenset(msgstrs), long


def _without_data(text: str, data: frozenset) -> str:
    for value in sorted((d for d in data if d in text), key=len, reverse=True):
        text = text.replace(value, "")
    return text


def _undata(pattern, text: str, data: frozenset) -> str | None:
    """The first match of `pattern` in `text` that is not part of a stored value shown there (a
    username such as "staff-x" is data; a code in the interface is not)."""
    for match in pattern.finditer(text):
        token = match.group(0)
        if not any(token in value and value in text for value in data):
            return token
    return None


def problems(
    html: str, language: str, data: frozenset = frozenset(), ignore: frozenset = frozenset()
) -> list[str]:
    """Visible strings that are developer text or in the wrong language (see the module doc).

    `data` holds the stored values the page may show (names, titles, descriptions): a Chinese
    hazard title on an English page is data, even when it happens to equal a catalogue entry.
    `ignore` holds texts left out altogether (test fixtures' own messages).
    """
    msgids, msgstrs, long_msgstrs = catalogue()
    found = []
    for text, lang in visible_texts(html):
        if text in ignore:
            continue
        # Stored values are data, except English sentences: a note the system stored in English
        # (rather than a code it renders in words) is still English in the Chinese interface.
        if text in data and (CJK.search(text) or not ENGLISH_PROSE.search(text)):
            continue
        # An element whose lang differs from the page's holds text meant in that language.
        declared = lang if lang and lang[:2] != language[:2] else None
        for pattern, why in (
            (SNAKE, "raw code"),
            (REFERENCE, "source reference"),
            (SCOPE_PAIRS, "raw scope"),
            (DEVELOPER_WORDS, "developer text"),
        ):
            match = _undata(pattern, text, data)
            if match:
                found.append(f"{why}: {match!r} in {text[:120]!r}")
        if declared:
            continue
        if language.startswith("zh"):
            if match := _undata(KEBAB, text, data):
                found.append(f"slug: {match!r} in {text[:120]!r}")
            if text in msgids:
                found.append(f"untranslated: {text[:120]!r}")
            elif not CJK.search(text) and ENGLISH_PROSE.search(text):
                found.append(f"English in the Chinese interface: {text[:120]!r}")
        else:
            if text in msgstrs:
                found.append(f"Chinese interface string: {text[:120]!r}")
            elif any(s in text for s in long_msgstrs):
                rest = _without_data(text, data)
                hit = next((s for s in long_msgstrs if s in rest), None)
                if hit:
                    found.append(f"Chinese interface phrase {hit!r} in {text[:120]!r}")
    return found


_CODE_FIELD = re.compile(r"^(code|key|slug|kind|action|status|ref|family)$|_(code|key|ref|id)$")


def _strings(value, depth: int = 0):
    """The strings inside a JSON value (a campaign's focus items, a notification's
    parameters), a few levels deep."""
    if isinstance(value, str):
        yield " ".join(value.split())
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif depth < 3 and isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def stored_strings() -> frozenset:
    """The free-text values stored in the database (names, titles, descriptions, addresses,
    usernames, and the Chinese strings inside JSON values): what a page may show as data in
    either language. Fields with choices, slugs and fields named as codes (code, key, *_code…)
    hold codes, not data, and are left out."""
    from django.apps import apps
    from django.db import models

    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("hazardloop."):
            continue
        for f in model._meta.get_fields():
            if isinstance(f, models.JSONField):
                rows = model._default_manager.values_list(f.name, flat=True)[:5000]
                values.update(v for row in rows for v in _strings(row) if CJK.search(v))
                continue
            if not isinstance(f, models.CharField | models.TextField) or f.choices:
                continue
            if isinstance(f, models.CharField) and f.max_length < 8:
                continue
            if isinstance(f, models.SlugField) or _CODE_FIELD.search(f.name):
                continue  # codes, which a page must put into words
            rows = model._default_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)
            for value in rows.distinct()[:20000]:
                if value:
                    values.add(" ".join(value.split()))
    return frozenset(values)
