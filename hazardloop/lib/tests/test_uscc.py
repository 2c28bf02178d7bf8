import random

import pytest

from hazardloop.lib import uscc


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the sample printed in GB 32100-2015 guidance
        "91110000600037341L",
    ],
)
def test_valid_codes(code):
    assert uscc.validate(code) == code


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100I43", "character"),  # I is never used
        ("91350100M000100O43", "character"),
        ("B1350100M000100Y43", "authority"),
        ("9A350100M000100Y43", "authority"),
        ("913501A0M000100Y43", "division"),
        ("91350100M000100Y44", "check"),
    ],
)
def test_invalid_codes_say_why(raw, reason):
    with pytest.raises(uscc.USCCError) as excinfo:
        uscc.validate(raw)
    assert excinfo.value.code == reason


def test_check_error_names_the_expected_character():
    with pytest.raises(uscc.USCCError) as excinfo:
        uscc.validate("91350100M000100Y44")
    assert excinfo.value.params == {"expected": "3", "actual": "4"}


def test_normalises_what_people_paste():
    assert uscc.validate(" ９１３５０１００ｍ000100y43 ") == "91350100M000100Y43"
    assert uscc.validate("91350100-M000100Y43") == "91350100M000100Y43"


def test_generated_codes_are_valid_and_carry_the_division():
    rng = random.Random(3)
    for _ in range(500):
        code = uscc.generate("220102", rng)
        assert uscc.is_valid(code)
        assert code[2:8] == "220102"


@pytest.mark.parametrize(("kind", "valid"), [("1", True), ("2", True), ("3", True), ("9", True)])
def test_authority_1_allows_types_1_2_3_and_9(kind, valid):
    # GB 32100 (regulations.md §12.5): 机构编制 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的
    # 群众团体, 9 其他 — a code beginning `13` is valid.
    code = uscc.generate("110000", random.Random(1), authority="1", kind=kind)
    assert uscc.is_valid(code) is valid
    assert code[:2] == "1" + kind


@pytest.mark.parametrize("kind", ["4", "5", "A"])
def test_authority_1_refuses_other_types(kind):
    code = uscc.generate("110000", random.Random(1), authority="1", kind=kind)
    with pytest.raises(uscc.USCCError) as excinfo:
        uscc.validate(code)
    assert excinfo.value.code == "authority"
