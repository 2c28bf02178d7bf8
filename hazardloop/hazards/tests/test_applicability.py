"""Rules apply where the law says (regulations.md §12.1, §12.2): direct elements only at the
place types they name, 重要场所 as its own list, rule families by the unit's sector, one element
per finding, unverified rule sets never applied."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.hazards.applicability import applicable_refs
from hazardloop.hazards.loading import upsert_rule_set
from hazardloop.hazards.models import RuleSet
from hazardloop.hazards.tests.helpers import ensure_rules, hazard
from hazardloop.testing import make_unit

pytestmark = pytest.mark.django_db
IN_2022 = timezone.make_aware(dt.datetime(2022, 10, 8, 10, 0))
DAY = IN_2022.date()


@pytest.fixture(autouse=True)
def _rules(db):
    ensure_rules()


@pytest.mark.parametrize(
    ("sector", "flags", "major"),
    [
        ("lodging", {}, True),  # 旅馆
        ("entertainment", {}, True),  # 公共娱乐场所
        ("retail", {}, True),  # 商店
        ("catering", {"is_underground": True}, True),  # 地下人员密集场所
        ("catering", {}, False),  # a street-level restaurant: the comprehensive 7.7.1 instead
        ("other", {"is_underground": True}, False),  # underground, but no crowded place
    ],
)
def test_6_6_applies_only_at_the_places_it_names(cast, sector, flags, major):
    unit = make_unit(sector=sector, **flags)
    refs = ["gb35181-2017:6.6", "gb35181-2017:7.7.1"]
    h = hazard(cast, unit=unit, rule_refs=refs, found_at=IN_2022)
    assert (h.grade == "major") is major
    # one finding, one element: the direct one where it applies, else the comprehensive one
    assert h.rule_refs == (["gb35181-2017:6.6"] if major else ["gb35181-2017:7.7.1"])


def test_6_5_and_6_8_at_their_places_only(cast):
    shop, restaurant, office = (
        make_unit(sector="retail"),
        make_unit(sector="catering"),
        make_unit(sector="other"),
    )
    assert applicable_refs(shop, ["gb35181-2017:6.5"], DAY) == ["gb35181-2017:6.5"]
    assert applicable_refs(restaurant, ["gb35181-2017:6.5"], DAY) == []
    # 6.8: flammables used against the rules in a crowded place (a restaurant is one)
    assert applicable_refs(restaurant, ["gb35181-2017:6.8"], DAY) == ["gb35181-2017:6.8"]
    assert applicable_refs(office, ["gb35181-2017:6.8"], DAY) == []
    crowded_office = make_unit(sector="other", is_crowded_place=True)
    assert applicable_refs(crowded_office, ["gb35181-2017:6.8"], DAY) == ["gb35181-2017:6.8"]
    # elements that name the facility itself apply wherever it is found
    assert applicable_refs(office, ["gb35181-2017:6.4"], DAY) == ["gb35181-2017:6.4"]


def test_an_important_place_is_its_own_list_not_a_fire_key_unit(cast):
    """Four comprehensive elements reach threshold c (重要场所 ≥ 4); a fire-safety key unit that
    is not an important place is 'another place' (≥ 6)."""
    elements = ["7.1.1", "7.2.1", "7.4.1", "7.6.1"]
    grades = {}
    for name, flags in (
        ("important", {"is_important_place": True}),
        ("key", {"is_fire_key_unit": True}),
    ):
        unit = make_unit(sector="other", **flags)
        found = [
            hazard(cast, unit=unit, rule_refs=[f"gb35181-2017:{e}"], found_at=IN_2022)
            for e in elements
        ]
        grades[name] = found[-1].grade
    assert grades == {"important": "major", "key": "general"}


def test_rule_families_apply_by_the_units_sector(cast):
    restaurant = make_unit(sector="catering")
    plant = make_unit(sector="industry_trade")
    supplier = make_unit(sector="gas_supply")
    # 工贸 10号令: 冶金、有色、建材、机械、轻工、纺织、烟草、商贸 only
    assert hazard(cast, unit=plant, rule_refs=["gongmao-2023:14"]).grade == "major"
    h = hazard(cast, unit=restaurant, rule_refs=["gongmao-2023:14"])
    assert h.grade == "general" and h.rule_refs == []
    assert applicable_refs(make_unit(sector="construction"), ["gongmao-2023:3.2"], DAY) == []
    assert applicable_refs(make_unit(sector="hazchem"), ["gongmao-2023:3.2"], DAY) == []
    # 城镇燃气 Art. 9 is the supplier's major hazard, never the restaurant's (§12.2)
    assert hazard(cast, unit=supplier, rule_refs=["city_gas-2023:9.1"]).grade == "major"
    h = hazard(cast, unit=restaurant, rule_refs=["city_gas-2023:9.1"])
    assert h.grade == "general" and h.rule_refs == []


def test_an_unverified_rule_set_is_loaded_but_grades_nothing(cast):
    document = {
        "code": "TEST-UNVERIFIED-2024",
        "family": "testsector",
        "edition": "2024",
        "title": "未核实的测试判定标准",
        "valid_from": "2020-01-01",
        "status": "unverified",
        "direct": {"1.1": "测试情形"},
    }
    upsert_rule_set(RuleSet, document)
    unit = make_unit(sector="other")
    h = hazard(cast, unit=unit, rule_refs=["testsector-2024:1.1"], found_at=IN_2022)
    assert h.grade == "general" and h.rule_refs == []
    upsert_rule_set(RuleSet, {**document, "status": "verified"})
    h = hazard(cast, unit=unit, rule_refs=["testsector-2024:1.1"], found_at=IN_2022)
    assert h.grade == "major"


@pytest.mark.parametrize(
    ("code", "ref", "sector"),
    [
        ("HAZCHEM-121-2017", "hazchem-2017:12", "hazchem"),
        ("MINING-METAL-88-2022", "mining_metal-2022:1.1.1", "mining"),
        ("CONSTRUCTION-2022", "construction-2022:1.1", "construction"),
    ],
)
def test_the_sector_standards_ship_unverified_and_grade_nothing(cast, code, ref, sector):
    """安监总管三〔2017〕121号, 矿安〔2022〕88号 and 房屋市政工程 2022: loaded, editable, but
    never applied until the province confirms them (their notes say what was verified)."""
    data = RuleSet.objects.get(code=code).data
    assert data["status"] == "unverified" and data["sectors"] == [sector] and data["notes"]
    h = hazard(cast, unit=make_unit(sector=sector), rule_refs=[ref], found_at=IN_2022)
    assert h.grade == "general" and h.rule_refs == []


def test_the_rule_set_list_says_which_sets_are_unverified_and_not_applied(cast):
    from hazardloop.hazards.models import RuleSet
    from hazardloop.hazards.tests.helpers import ensure_rules
    from hazardloop.testing import web_client

    ensure_rules()
    unverified = {r.title for r in RuleSet.objects.all() if r.data.get("status") == "unverified"}
    assert unverified  # the sector standards whose texts could not be checked
    page = web_client(cast.province_regulator).get("/hazards/rule-sets/").content.decode()
    assert page.count('data-testid="rule-set-unverified"') == len(unverified)
    assert "未核实，不适用" in page
