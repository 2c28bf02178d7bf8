"""USCC and phone validation, and the translated reasons the user reads."""

import pytest
from django.utils import translation

from hazardloop.lib import phones, uscc
from hazardloop.units.messages import phone_message, uscc_message

VALID = ["91350100M000100Y43", "91110000600037341L"]


def test_generated_codes_are_valid():
    for division in ("220102", "222401"):
        assert uscc.is_valid(uscc.generate(division))


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert uscc.validate(code) == code


@pytest.mark.parametrize(
    ("raw", "reason", "words"),
    [
        ("91350100M000100Y4", "length", "17"),
        ("91350100M000100YI3", "character", "I"),
        ("A5350100M000100Y43", "authority", "A5"),
        ("9135A100M000100Y43", "division", "6"),
        ("91350100M000100Y44", "check", "3"),
    ],
)
def test_invalid_codes_say_why(raw, reason, words):
    with pytest.raises(uscc.USCCError) as caught:
        uscc.validate(raw)
    assert caught.value.code == reason
    with translation.override("en"):
        assert words in uscc_message(caught.value)
    with translation.override("zh-hans"):
        assert uscc_message(caught.value) != ""


def test_full_width_and_spaces_are_tolerated():
    assert uscc.validate(" ９１３５０１００Ｍ０００１００Ｙ４３ ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0431-88886666", "0431-88886666"),
        ("(0431) 8888 6666 转 123", "0431-88886666-123"),
        ("010-62345678", "010-62345678"),
        ("400-123-4567", "400-123-4567"),
        ("96119", "96119"),
    ],
)
def test_phone_numbers(raw, expected):
    assert phones.validate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1381234567", "mobile"),
        ("12812345678", "mobile"),
        ("88886666", "landline"),
        ("0431-123", "landline"),
        ("abc", "characters"),
        ("", "empty"),
        ("5678", "length"),
    ],
)
def test_bad_phone_numbers(raw, reason):
    with pytest.raises(phones.PhoneError) as caught:
        phones.validate(raw)
    assert caught.value.code == reason
    with translation.override("en"):
        assert phone_message(caught.value)


@pytest.mark.parametrize("raw", ["13812345678", "19912345678", "15500000000"])
def test_a_plain_mobile_number_reads_as_through_the_full_parse(raw):
    """A cell of eleven ASCII digits takes a short path; a space before it, the full parse."""
    assert phones.validate(raw) == phones.validate(f" {raw}") == raw
    with pytest.raises(phones.PhoneError):
        phones.validate(None)  # as before the short path: "empty"


@pytest.mark.parametrize(
    "raw",
    [
        "", " ", "南关饺子馆", "人民大街 1号", " 前导", "末尾 ", "两个  空格", "制表\t符", "换\n行",
        "全角\u3000空格", "不换行\u00a0空格", "\u2028分行", "\x1c控制", "a b c",
    ],
)  # fmt: skip
def test_cell_text_trims_every_kind_of_white_space(raw):
    from hazardloop.units.importing.rows import cell_text

    assert cell_text(raw) == " ".join(raw.split())
