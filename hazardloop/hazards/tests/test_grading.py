"""GB 35181 determinations (direct, threshold reached / not reached, exclusion), versioned rule
sets chosen by the finding date, and the gas and 工贸 rules."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.hazards import services
from hazardloop.hazards.grading import RULESET_DIR
from hazardloop.hazards.models import Hazard, RuleSet
from hazardloop.hazards.tests.helpers import ensure_rules, hazard
from hazardloop.testing import make_unit

IN_2022 = timezone.make_aware(dt.datetime(2022, 10, 8, 10, 0))
IN_2026 = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def crowded(cast):
    return make_unit(is_crowded_place=True, sector="catering")


@pytest.fixture
def plain(cast):
    return make_unit(sector="other")


@pytest.mark.django_db
def test_direct_element_is_major(cast):
    # 6.5 names 公共娱乐场所、商店、地下人员密集场所: a shop (hazards.applicability)
    shop = make_unit(sector="retail")
    h = hazard(cast, unit=shop, rule_refs=["gb35181:6.5"], found_at=IN_2022)
    assert h.grade == "major"
    assert h.grade_reason == "major: GB 35181-2017 6.5"
    assert h.grade_rule_set == "GB35181-2017"


@pytest.mark.django_db
def test_threshold_not_reached_stays_general(cast, crowded):
    hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2022)
    h = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2022)
    assert h.grade == "general"
    assert h.grade_reason.startswith("general: 2 of 3 comprehensive elements at a crowded place")


@pytest.mark.django_db
def test_threshold_reached_makes_all_counted_hazards_major(cast, crowded):
    a = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2022)
    b = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2022)
    other = hazard(cast, unit=crowded, rule_refs=["gb35181:7.1.1"], found_at=IN_2022)
    c = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.9"], found_at=IN_2022)
    assert c.grade == "major"
    assert c.grade_reason.startswith(
        "major: 3 comprehensive elements at a crowded place — 7.3.1, 7.3.3, 7.3.9"
    )
    for h in (a, b):
        h.refresh_from_db()
        assert h.grade == "major" and h.events.filter(kind="regrade").exists()
    other.refresh_from_db()
    assert other.grade == "general"  # 7.1.1 is not in the crowded-place list (threshold a)


@pytest.mark.django_db
def test_the_same_elements_at_an_ordinary_place_are_below_its_threshold(cast, plain):
    for element in ("7.3.1", "7.3.3", "7.3.9"):
        h = hazard(cast, unit=plain, rule_refs=[f"gb35181:{element}"], found_at=IN_2022)
    assert h.grade == "general" and "of 6" in h.grade_reason


@pytest.mark.django_db
def test_a_rectified_element_no_longer_counts(cast, crowded):
    a = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2022)
    hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2022)
    Hazard.objects.filter(pk=a.pk).update(status="closed")
    c = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.9"], found_at=IN_2022)
    assert c.grade == "general"


@pytest.mark.django_db
def test_no_2017_rules_after_2025_11_01_until_the_2025_set_is_loaded(cast, crowded, tmp_path):
    plain = crowded
    h = hazard(cast, unit=plain, rule_refs=["gb35181:6.8"], found_at=IN_2026)
    # Not a silent checklist default: a 2017 element found after 2025-10-31 waits for people.
    assert h.grade == "general" and h.determination == "pending"
    assert h.rule_refs == ["gb35181-2017:6.8"]
    assert h.grade_reason == (
        "possible major — determination pending: GB 35181-2017 6.8 "
        "(no gb35181 rule set in force on 2026-03-02)"
    )
    # Adding GB 35181-2025 is a data file, no code: here a made-up test set.
    document = {
        "code": "GB35181-2025-TEST",
        "family": "gb35181",
        "title": "test set",
        "label": "GB 35181-2025",
        "valid_from": "2025-11-01",
        "direct": {"5.1": "test direct element"},
        "comprehensive": {},
    }
    path = tmp_path / "set.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("load_rule_set", str(path))
    h2 = hazard(cast, unit=plain, rule_refs=["gb35181-2025:5.1"], found_at=IN_2026)
    assert h2.grade == "major" and h2.grade_reason == "major: GB 35181-2025 5.1"
    assert h2.determination == "not_needed"
    # Findings of 2022 are still judged by the 2017 set.
    old = hazard(cast, unit=plain, rule_refs=["gb35181:6.8"], found_at=IN_2022)
    assert old.grade_rule_set == "GB35181-2017" and old.determination == "not_needed"


@pytest.mark.django_db
def test_city_gas_art_9_and_gongmao_art_14_are_major(cast):
    # Each at the units it judges (regulations.md §12.2): a gas supplier, a 工贸 enterprise.
    supplier, plant = make_unit(sector="gas_supply"), make_unit(sector="industry_trade")
    gas = hazard(cast, unit=supplier, rule_refs=["city_gas:9.1"], found_at=IN_2026)
    assert gas.grade == "major" and "9.1" in gas.grade_reason
    device = hazard(cast, unit=plant, rule_refs=["gongmao:14"], found_at=IN_2026)
    assert device.grade == "major" and device.grade_reason.endswith(" 14")


@pytest.mark.django_db
def test_the_shipped_2017_set_is_complete(cast):
    ensure_rules()
    data = RuleSet.objects.get(code="GB35181-2017").data
    assert sorted(data["direct"]) == sorted(f"6.{n}" for n in range(1, 11))
    assert len(data["comprehensive"]) == 38  # 4+3+12+6+1+2+3+2+5
    assert {t["min"] for t in data["thresholds"]} == {3, 4, 6}
    assert len(data["exclusions"]) == 3
    assert (RULESET_DIR / "gb35181-2017.json").exists()


@pytest.mark.django_db
def test_a_bad_rule_set_file_is_refused(cast, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"code": "X", "family": "gb35181", "title": "t"}))
    with pytest.raises(CommandError):
        call_command("load_rule_set", str(path))
    assert not RuleSet.objects.filter(code="X").exists()


# --- a determination at D: the rule set in force at D, findings up to D under that set ------


def _load_2025_test_set(tmp_path):
    """A made-up GB 35181-2025 with the same comprehensive element numbers as 2017."""
    document = {
        "code": "GB35181-2025-TEST",
        "family": "gb35181",
        "title": "test set",
        "label": "GB 35181-2025",
        "valid_from": "2025-11-01",
        "direct": {"5.1": "test direct element"},
        "comprehensive": {e: "test element" for e in ("7.3.1", "7.3.3", "7.3.9")},
        "places": {"crowded_place": {"label": "人员密集场所", "sectors": ["catering"]}},
        "thresholds": [
            {"id": "t", "places": ["crowded_place"], "elements": ["7.3.1-7.3.9"], "min": 3}
        ],
    }
    path = tmp_path / "set.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("load_rule_set", str(path))


@pytest.mark.django_db
def test_findings_after_the_date_are_neither_counted_nor_upgraded(cast, crowded):
    later = hazard(
        cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2022 + dt.timedelta(days=9)
    )
    hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2022 - dt.timedelta(days=2))
    # Recorded afterwards, found before `later`: on its date only two elements were known.
    backdated = hazard(
        cast, unit=crowded, rule_refs=["gb35181:7.3.9"], found_at=IN_2022 - dt.timedelta(days=1)
    )
    assert backdated.grade == "general"
    assert backdated.grade_basis["elements"] == ["7.3.3", "7.3.9"]
    later.refresh_from_db()
    assert later.grade == "general" and not later.events.filter(kind="regrade").exists()


@pytest.mark.django_db
def test_findings_under_another_rule_set_are_neither_counted_nor_upgraded(cast, crowded, tmp_path):
    old = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2022)
    assert old.grade_rule_set == "GB35181-2017"
    _load_2025_test_set(tmp_path)
    hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2026)
    third = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.9"], found_at=IN_2026)
    # The 2017 finding does not count under the 2025 set: 2 of 3.
    assert third.grade == "general" and third.grade_rule_set == "GB35181-2025-TEST"
    assert third.grade_basis["elements"] == ["7.3.3", "7.3.9"]
    fourth = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2026)
    assert fourth.grade == "major" and fourth.grade_rule_set == "GB35181-2025-TEST"
    third.refresh_from_db()
    old.refresh_from_db()
    assert third.grade == "major"  # found under the 2025 set: upgraded
    assert old.grade == "general"  # found under 2017: untouched by a 2025 determination
    assert not old.events.filter(kind="regrade").exists()


@pytest.mark.django_db
def test_redetermination_at_a_date_leaves_later_and_other_set_findings(cast, crowded, tmp_path):
    a = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.1"], found_at=IN_2022)
    b = hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2022)
    later = hazard(
        cast, unit=crowded, rule_refs=["gb35181:7.3.9"], found_at=IN_2022 + dt.timedelta(days=30)
    )
    # Undo the automatic upgrade to see what a redetermination at IN_2022 decides by itself.
    Hazard.objects.filter(pk__in=[a.pk, b.pk, later.pk]).update(grade="general")
    changed = services.redetermine_unit(crowded, actor=cast.regulator, on_date=IN_2022.date())
    assert changed == []  # the third element was found after that date
    _load_2025_test_set(tmp_path)
    hazard(cast, unit=crowded, rule_refs=["gb35181:7.3.3"], found_at=IN_2026)
    changed = services.redetermine_unit(crowded, actor=cast.regulator, on_date=IN_2026.date())
    assert changed == []  # under the 2025 set only one 2026 finding counts
    changed = services.redetermine_unit(
        crowded, actor=cast.regulator, on_date=(IN_2022 + dt.timedelta(days=30)).date()
    )
    assert {h.pk for h in changed} == {a.pk, b.pk, later.pk}


@pytest.mark.django_db
def test_redetermination_reads_rule_sets_and_exclusions_once_however_many_hazards(cast, plain):
    """Grading a unit's open hazards again (what every inspection with a failed fire item
    does) reads the rule sets and the unit's exclusions once, not once per hazard: a unit with
    many open hazards costs no more queries than one with two."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            changed = services.redetermine_unit(plain, actor=cast.regulator, on_date=IN_2022.date())
        assert changed == []  # three distinct elements: below an ordinary place's six
        return len(ctx.captured_queries)

    for element in ("7.3.1", "7.3.3"):
        hazard(cast, unit=plain, rule_refs=[f"gb35181:{element}"], found_at=IN_2022)
    with_two = queries()
    for _n in range(10):
        hazard(cast, unit=plain, rule_refs=["gb35181:7.1.1"], found_at=IN_2022)
    assert queries() == with_two
