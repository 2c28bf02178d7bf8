"""Penalty guidance checked against regulations.md §10 and §12: a kitchen gas alarm not installed
is 安全生产法 Art. 99(八); switched off, unplugged or disabled Art. 99(四); 消防法 Art. 60 never
applies to it. 消防法 Art. 60(六) is an offence of crowded places only."""

import json

import pytest

from hazardloop.checklists.services import DATA_DIR
from hazardloop.hazards.choices import Category
from hazardloop.supervision import penalties
from hazardloop.supervision.tests.helpers import make_hazard
from hazardloop.testing import make_unit

pytestmark = pytest.mark.django_db


def _codes(cast, title, *, category=Category.GAS, unit=None, description="后厨使用瓶装液化气"):
    hazard = make_hazard(cast, title=title, description=description, category=category, unit=unit)
    return [rule.code for rule in penalties.guidance_for(hazard)]


def _violation(code):
    fire = json.loads((DATA_DIR / "fire.json").read_text(encoding="utf-8"))
    restaurant = next(t for t in fire["templates"] if t["code"] == "restaurant-gas")
    return next(i for i in restaurant["items"] if i["code"] == code)["violation_zh"]


def test_a_gas_alarm_not_installed_is_99_8(cast):
    assert _codes(cast, _violation("R01")) == ["safety-99-8"]
    assert _codes(cast, "后厨未安装可燃气体报警装置") == ["safety-99-8"]


@pytest.mark.parametrize(
    "title",
    [
        _violation("R01A"),
        "可燃气体报警器被关闭",
        "燃气报警器被拔掉电源",
        "可燃气体报警装置断电",
        "可燃气体报警装置被拆除",
    ],
)
def test_a_gas_alarm_switched_off_or_unplugged_is_99_4_never_the_fire_law(cast, title):
    codes = _codes(cast, title)
    assert "safety-99-4" in codes
    assert "safety-99-8" not in codes
    assert not [c for c in codes if c.startswith("fire-")], codes


def test_a_fire_alarm_switched_off_is_the_fire_law(cast):
    codes = _codes(
        cast,
        "火灾自动报警系统被停用",
        category=Category.FIRE_FACILITIES,
        description="消防控制室主机被关闭",
    )
    assert "fire-60-2" in codes and "safety-99-8" not in codes


def test_obstacles_on_windows_are_60_6_at_crowded_places_only(cast):
    title = "外窗上设置了铁栅栏、防盗网，影响逃生和灭火救援"
    restaurant = make_unit(sector="catering")  # a 公众聚集场所, so a crowded place
    workshop = make_unit(sector="other")
    flagged = make_unit(sector="other", is_crowded_place=True)
    assert "fire-60-6" in _codes(cast, title, category=Category.EVACUATION, unit=restaurant)
    assert "fire-60-6" in _codes(cast, title, category=Category.EVACUATION, unit=flagged)
    assert "fire-60-6" not in _codes(cast, title, category=Category.EVACUATION, unit=workshop)


def test_every_rule_matches_what_regulations_md_says():
    fire = {r.code: r for r in penalties.RULES if r.law == penalties.FIRE_LAW}
    # §10.1: individuals only for items (二)–(五); forced execution for (三)–(六).
    persons = {code for code, r in fire.items() if r.individual_penalty_zh}
    assert persons == {"fire-60-2", "fire-60-3", "fire-60-4", "fire-60-5"}
    forced = {code for code, r in fire.items() if "强制执行" in r.note_zh}
    assert forced == {"fire-60-3", "fire-60-4", "fire-60-5", "fire-60-6"}
    assert all("五千元以上五万元以下" in r.unit_penalty_zh for r in fire.values())
    # §4.1, §12.2: Art. 99 — up to 50,000; overdue 50,000–200,000 and 10,000–20,000 on persons.
    for code in ("safety-99-8", "safety-99-4"):
        rule = penalties.BY_CODE[code]
        assert "五万元以下" in rule.unit_penalty_zh and "二十万元以下" in rule.unit_penalty_zh
        assert "一万元以上二万元以下" in rule.individual_penalty_zh
        assert rule.law == penalties.SAFETY_LAW
    assert penalties.BY_CODE["safety-99-4"].article == "第九十九条第（四）项"
    assert penalties.BY_CODE["safety-99-8"].article == "第九十九条第（八）项"
    # the fire law's 60(一)/(二) never take a gas alarm
    for code in ("fire-60-1", "fire-60-2"):
        assert "可燃气体报警" in penalties.BY_CODE[code].excludes
    assert all(
        r.source.startswith("regulations.md §") and "[V]" in r.source for r in penalties.RULES
    )
