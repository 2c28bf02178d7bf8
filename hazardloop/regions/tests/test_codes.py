"""The region code module, table by table: every length and level, and the old bugs."""

import pytest

from hazardloop.regions import codes

# code, level, prefix, canonical, parent, ancestors (province first)
TABLE = [
    ("22", "province", "22", "220000", None, []),
    ("220000", "province", "22", "220000", None, []),
    ("220000000000", "province", "22", "220000", None, []),
    ("2201", "prefecture", "2201", "220100", "220000", ["220000"]),
    ("220100", "prefecture", "2201", "220100", "220000", ["220000"]),
    ("220100000000", "prefecture", "2201", "220100", "220000", ["220000"]),
    ("220102", "county", "220102", "220102", "220100", ["220000", "220100"]),
    ("220102000000", "county", "220102", "220102", "220100", ["220000", "220100"]),
    ("220171", "county", "220171", "220171", "220100", ["220000", "220100"]),  # a zone
    ("220102001", "township", "220102001", "220102001", "220102", ["220000", "220100", "220102"]),
    (
        "220102001000",
        "township",
        "220102001",
        "220102001",
        "220102",
        ["220000", "220100", "220102"],
    ),
    (
        "220102010000",
        "township",
        "220102010",
        "220102010",
        "220102",
        ["220000", "220100", "220102"],
    ),
    (
        "220102001001",
        "village",
        "220102001001",
        "220102001001",
        "220102001",
        ["220000", "220100", "220102", "220102001"],
    ),
    (
        "220102010200",
        "village",
        "220102010200",
        "220102010200",
        "220102010",
        ["220000", "220100", "220102", "220102010"],
    ),
    ("429004", "county", "429004", "429004", "429000", ["420000", "429000"]),
]


@pytest.mark.parametrize("code,level,prefix,canonical,parent,ancestors", TABLE)
def test_code_table(code, level, prefix, canonical, parent, ancestors):
    assert codes.level(code) == level
    assert codes.prefix(code) == prefix
    assert codes.canonical(code) == canonical
    assert codes.parent(code) == parent
    assert codes.ancestors(code) == ancestors
    assert codes.is_code(code)
    assert codes.contains(code, code)
    for above in ancestors:
        assert codes.contains(above, code)
        assert not codes.contains(code, above)


def test_the_township_prefix_covers_one_township_not_ten():
    """The old `region_prefix("220102010000")` returned "22010201": ten townships."""
    assert codes.prefix("220102010000") == "220102010"
    low, high = codes.subtree_bounds(codes.prefix("220102010000"))
    assert low <= "220102010" <= high and low <= "220102010200" <= high
    assert not low <= "220102011" <= high
    assert not low <= "220102019000" <= high


@pytest.mark.parametrize(
    "code,at,expected",
    [
        ("220102001001", "province", "220000"),
        ("220102001001", "prefecture", "220100"),
        ("220102001001", "county", "220102"),
        ("220102001001", "township", "220102001"),
        ("220102001001", "village", "220102001001"),
        ("220102001000", "township", "220102001"),
        ("220102001000", "village", None),
        ("220102", "county", "220102"),
        ("220102", "township", None),
        ("220100", "county", None),
        ("2201", "province", "220000"),
    ],
)
def test_ancestor_at(code, at, expected):
    assert codes.ancestor_at(code, at) == expected


@pytest.mark.parametrize(
    "code,expected",
    [
        ("220000", []),
        ("2201", ["220000"]),
        ("220102", ["220000", "220100"]),
        ("220102001", ["220000", "220100", "220102"]),
        ("220102001001", ["220000", "220100", "220102", "220102001", "220102001000"]),
    ],
)
def test_ancestor_codes_give_every_stored_spelling(code, expected):
    assert codes.ancestor_codes(code) == expected


@pytest.mark.parametrize(
    "prefix,bounds",
    [
        ("22", ("22", "229999999999")),
        ("2201", ("2201", "220199999999")),
        ("220102", ("220102", "220102999999")),
        ("220102001", ("220102001", "220102001999")),
        ("220102001001", ("220102001001", "220102001001")),
    ],
)
def test_subtree_bounds(prefix, bounds):
    assert codes.subtree_bounds(prefix) == bounds


@pytest.mark.parametrize(
    "outer,code,inside",
    [
        ("220100", "220102", True),
        ("220100", "220102001001", True),
        ("220100", "220200", False),
        ("220102", "220103", False),
        ("220102001", "220102001000", True),
        ("220102001000", "220102001001", True),
        ("220102001", "220102010", False),
        ("220102010000", "220102011000", False),
    ],
)
def test_contains(outer, code, inside):
    assert codes.contains(outer, code) is inside


def test_code_subtree_filter_is_the_prefix_range():
    q = codes.code_subtree_filter("region_code", "220102010000")
    assert dict(q.children) == {
        "region_code__gte": "220102010",
        "region_code__lte": "220102010999",
    }


@pytest.mark.parametrize(
    "value", ["", "2", "220", "22010", "2201020", "2201020011", "00", "000000", "22a100", None]
)
def test_not_a_code(value):
    assert not codes.is_code(value)
    with pytest.raises(codes.RegionCodeError):
        codes.level(value)
    with pytest.raises(codes.RegionCodeError):
        codes.prefix(value)
