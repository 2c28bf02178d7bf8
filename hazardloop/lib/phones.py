"""Chinese telephone numbers: mobile (11 digits, 1[3-9]…) and fixed lines (area code + number).

`validate(raw)` returns the number in one canonical form, or raises PhoneError with a stable
`code` and parameters (callers translate):

- mobile: ``13812345678`` (a leading +86 / 86 / 0086 is dropped)
- fixed line: ``0431-88886666`` with an optional extension ``0431-88886666-123``
- service numbers such as 95598 or 400-/800- numbers: ``400-123-4567``

Full-width digits, spaces, dashes, dots and brackets are tolerated in the input.
"""

import re
import unicodedata

# Chinese fixed-line area codes are 3 digits (010, 02x) or 4 digits (0xxx); local numbers
# have 7 or 8 digits.
_THREE_DIGIT_AREAS = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)


class PhoneError(ValueError):
    """Not a phone number. `code` is one of: empty, characters, mobile, landline, length."""

    def __init__(self, code: str, reason: str, **params):
        super().__init__(reason)
        self.code = code
        self.params = params


def _clean(raw: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    extension = ""
    match = _EXTENSION.search(text)
    if match:
        extension = match.group(1)
        text = text[: match.start()]
    return text, extension


_ALLOWED = frozenset("0123456789+-() .（）—")
_MOBILE_SECOND = frozenset("3456789")


def validate(raw: str) -> str:
    """The canonical form of a Chinese phone number, or PhoneError saying why not."""
    if (
        raw and len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1"
        and raw[1] in _MOBILE_SECOND
    ):  # fmt: skip
        return raw  # the usual cell, a mobile number as it is written: already canonical
    text, extension = _clean(raw)
    if not text:
        raise PhoneError("empty", "is empty")
    bad = [ch for ch in text if ch not in _ALLOWED]
    if bad:
        raise PhoneError("characters", "contains {char}, which no phone number has", char=bad[0])
    digits = "".join(ch for ch in text if ch.isdigit())
    for country in ("0086", "86"):
        if (text.startswith(("+", "00")) or len(digits) == 13) and digits.startswith(country):
            digits = digits[len(country) :]
            break
    if digits.startswith("1"):
        if extension or len(digits) != 11:
            raise PhoneError(
                "mobile", "a mobile number has 11 digits, not {length}", length=len(digits)
            )
        if digits[1] not in "3456789":
            raise PhoneError("mobile", "no mobile number starts with {prefix}", prefix=digits[:2])
        return digits
    if digits.startswith(("400", "800")) and len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if digits.startswith("9") and 5 <= len(digits) <= 6:
        return digits  # service numbers (95598, 96119)
    if digits.startswith("0"):
        area_len = 3 if digits[:3] in _THREE_DIGIT_AREAS else 4
        area, local = digits[:area_len], digits[area_len:]
        if len(local) not in (7, 8) or local[0] in "01":
            raise PhoneError(
                "landline",
                "a fixed-line number is an area code and 7 or 8 digits, not {digits}",
                digits=digits,
            )
        number = f"{area}-{local}"
        return f"{number}-{extension}" if extension else number
    if len(digits) in (7, 8):
        raise PhoneError("landline", "add the area code, e.g. 0431-{digits}", digits=digits)
    raise PhoneError(
        "length", "{digits} is neither a mobile nor a fixed-line number", digits=digits
    )


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except PhoneError:
        return False
    return True
