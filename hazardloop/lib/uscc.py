"""统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division code
(6 digits), organisation code (9, GB 11714 with its own check character) and a check character
over the first 17, computed modulo 31 over the alphabet without I, O, Z, S and V.
"""

import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Registration authority codes (GB 32100 Table 1) and the type codes each allows.
AUTHORITY_TYPES = {
    "1": "1239",  # 3: 中央编办直接管理机构编制的群众团体 (regulations.md §12.5)
    "2": "19",
    "3": "123459",
    "4": "129",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "12349",
    "Y": "1",
}
# Full-width forms people paste from documents, mapped to ASCII.
_FULLWIDTH = (
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(ord("A") + i) for i in range(26)}
)

_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)


class USCCError(ValueError):
    """The code is not a valid USCC; the message says why (in English; callers translate)."""

    def __init__(self, code: str, reason: str, **params):
        super().__init__(reason)
        self.code = code
        self.params = params


def normalise(raw: str) -> str:
    """Upper-case, full-width to ASCII, spaces and dashes removed."""
    text = (raw or "").translate(_FULLWIDTH_TABLE).upper()
    # str.split() splits at exactly the characters str.isspace() accepts
    return "".join(text.split()).replace("-", "").replace("—", "")


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate(raw: str) -> str:
    """The normalised code, or USCCError with a specific reason."""
    code = normalise(raw)
    if len(code) != 18:
        raise USCCError("length", "must be 18 characters, not {length}", length=len(code))
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        raise USCCError("character", "contains {char}, which a USCC never uses", char=bad[0])
    if code[0] not in AUTHORITY_TYPES or code[1] not in AUTHORITY_TYPES[code[0]]:
        raise USCCError(
            "authority",
            "starts with {prefix}, which is no registration authority and type",
            prefix=code[:2],
        )
    if not code[2:8].isdigit():
        raise USCCError("division", "characters 3–8 must be a 6-digit division code")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(
            "check",
            "the check character should be {expected}, not {actual}",
            expected=expected,
            actual=code[17],
        )
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except USCCError:
        return False
    return True


def generate(
    division: str, rng: random.Random | None = None, authority: str = "9", kind: str = "1"
) -> str:
    """A valid USCC in the given 6-digit division (demo and test data)."""
    rng = rng or random.Random()
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    first17 = authority + kind + division + body + org_check_character(body)
    return first17 + check_character(first17)
