"""GB 35181 by edition: findings after 2025-11-01 without a rule set covering them wait for a
person's determination; a loaded test rule set grades them; determinations need their quorum;
exclusions excuse the reviewed element only."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hazardloop.audit.models import AuditEvent
from hazardloop.hazards import services
from hazardloop.hazards.models import GradingExclusion, Hazard, HazardDetermination, RuleSet
from hazardloop.hazards.tests.helpers import ensure_rules, hazard
from hazardloop.hazards.workflow import NotAllowedNow
from hazardloop.testing import api_client, make_unit, make_user, web_client

LOCAL = timezone.get_default_timezone()
BEFORE = dt.datetime(2025, 10, 31, 23, 30, tzinfo=LOCAL)  # 15:30 UTC: still 31 October locally
AFTER = dt.datetime(2025, 11, 1, 0, 30, tzinfo=LOCAL)  # 16:30 UTC on 31 October
THREE = ("gb35181-2017:7.3.1", "gb35181-2017:7.3.3", "gb35181-2017:7.3.9")

# A made-up GB 35181-2025 for tests (not the real text): its own numbering, one direct
# element, and a map saying which 2017 elements it counts.
TEST_2025 = {
    "code": "GB35181-2025-TEST",
    "family": "gb35181",
    "edition": "2025",
    "title": "测试用判定规则（非标准原文）",
    "label": "GB 35181-2025",
    "valid_from": "2025-11-01",
    "direct": {"5.1": "测试直接判定要素"},
    "comprehensive": {"6.3.1": "测试要素一", "6.3.2": "测试要素二", "6.3.3": "测试要素三"},
    "places": {"crowded_place": {"label": "人员密集场所", "sectors": ["catering"]}},
    "thresholds": [
        {"id": "t-a", "places": ["crowded_place"], "elements": ["6.3.1-6.3.3"], "min": 3}
    ],
    "exclusions": {"4.2(1)": "测试排除条款"},
    "maps": {
        "gb35181-2017:7.3.1": "6.3.1",
        "gb35181-2017:7.3.3": "6.3.2",
        "gb35181-2017:7.3.9": "6.3.3",
    },
}


@pytest.fixture
def crowded(cast):
    ensure_rules()
    return make_unit(is_crowded_place=True, sector="catering")


def _three(cast, unit, when):
    return [hazard(cast, unit=unit, rule_refs=[ref], found_at=when) for ref in THREE]


def _fresh(*rows):
    return [Hazard.objects.get(pk=h.pk) for h in rows]


# --- the boundary -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_three_elements_at_23_30_on_31_october_make_a_major_hazard(cast, crowded):
    rows = _fresh(*_three(cast, crowded, BEFORE))
    assert {h.grade for h in rows} == {"major"}
    assert {h.determination for h in rows} == {"not_needed"}
    assert rows[-1].grade_rule_set == "GB35181-2017"


@pytest.mark.django_db
def test_the_same_three_at_00_30_on_1_november_are_pending_not_a_silent_default(cast, crowded):
    rows = _fresh(*_three(cast, crowded, AFTER))
    for h in rows:
        assert h.determination == "pending" and h.grade == "general"
        assert h.grade_basis["kind"] == "pending"
        assert "checklist default" not in h.grade_reason
        assert h.grade_reason.startswith("possible major — determination pending: GB 35181-2017")
    assert rows[0].grade_basis["refs"] == ["gb35181-2017:7.3.1"]
    assert rows[0].grade_basis["on_date"] == "2025-11-01"


@pytest.mark.django_db
def test_an_element_of_no_rule_set_is_not_pending(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=["gb35181-2017:9.9"], found_at=AFTER)
    assert h.determination == "not_needed" and h.grade_basis["kind"] == "default"


# --- a loaded test rule set -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_loaded_test_rule_set_grades_the_pending_findings(cast, crowded):
    rows = _three(cast, crowded, AFTER)
    services.save_rule_set(dict(TEST_2025), actor=cast.province_regulator, note="test")
    rows = _fresh(*rows)
    assert {h.grade for h in rows} == {"major"}
    assert {h.determination for h in rows} == {"not_needed"}
    assert {h.grade_rule_set for h in rows} == {"GB35181-2025-TEST"}
    assert rows[-1].grade_basis["elements"] == ["6.3.1", "6.3.2", "6.3.3"]
    assert all(h.events.filter(kind="regrade").exists() for h in rows)
    # A new finding names a 2025 element directly.
    direct = hazard(cast, unit=crowded, rule_refs=["gb35181-2025:5.1"], found_at=AFTER)
    assert direct.grade == "major" and direct.grade_reason == "major: GB 35181-2025 5.1"
    # The rule set is versioned and audited.
    row = RuleSet.objects.get(code="GB35181-2025-TEST")
    assert row.version == 1 and row.versions.get().note == "test"
    assert AuditEvent.objects.filter(action="hazard.rule_set_saved").exists()


@pytest.mark.django_db
def test_a_rule_set_that_does_not_map_an_element_leaves_it_pending(cast, crowded):
    unmapped = {**TEST_2025, "maps": {"gb35181-2017:7.3.1": "6.3.1"}}
    services.save_rule_set(unmapped, actor=cast.province_regulator, note="partial")
    h = hazard(cast, unit=crowded, rule_refs=["gb35181-2017:7.3.3"], found_at=AFTER)
    assert h.determination == "pending"
    assert h.grade_basis["in_force"] == "GB 35181-2025"
    mapped = hazard(cast, unit=crowded, rule_refs=["gb35181-2017:7.3.1"], found_at=AFTER)
    assert mapped.determination == "not_needed" and mapped.grade_basis["elements"] == ["6.3.1"]


@pytest.mark.django_db
def test_rule_sets_are_the_provinces_and_their_errors_are_by_field(cast):
    ensure_rules()
    with pytest.raises(PermissionDenied):
        services.save_rule_set(dict(TEST_2025), actor=cast.city_regulator)
    bad = {
        **TEST_2025,
        "valid_from": "2025-13-01",
        "thresholds": [{"id": "x", "places": ["nowhere"], "elements": ["6.3.1"], "min": 0}],
        "maps": {"gb35181-2017:7.3.1": "9.9"},
    }
    from hazardloop.hazards.grading import RuleSetError

    with pytest.raises(RuleSetError) as caught:
        services.save_rule_set(bad, actor=cast.province_regulator)
    assert set(caught.value.errors) == {"valid_from", "thresholds", "maps"}
    assert not RuleSet.objects.filter(code="GB35181-2025-TEST").exists()


# --- determinations ---------------------------------------------------------------------------


def _members(n: int, agree: int) -> list[dict]:
    return [
        {
            "name": f"成员{i}",
            "organisation": "消防救援支队",
            "vote": "agree" if i < agree else "disagree",
        }
        for i in range(n)
    ]


def _determine(cast, h, method, n, agree, conclusion="major"):
    return services.record_determination(
        Hazard.objects.get(pk=h.pk),
        actor=cast.regulator,
        method=method,
        members=_members(n, agree),
        conclusion=conclusion,
        basis="三项疏散要素同时存在，人员密集，不能立即改正",
        basis_document="集体讨论纪要〔2025〕1号",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "n", "agree", "ok"),
    [
        ("collective", 3, 2, True),
        ("collective", 3, 1, False),  # no majority
        ("collective", 2, 2, False),  # fewer than 3 people
        ("expert", 7, 5, True),  # 5/7 ≥ 2/3
        ("expert", 7, 4, False),  # 4/7 < 2/3
        ("expert", 9, 6, True),  # exactly 2/3
        ("expert", 9, 5, False),
        ("expert", 6, 6, False),  # fewer than 7 experts
    ],
)
def test_determination_votes(cast, crowded, method, n, agree, ok):
    with time_machine.travel(dt.datetime(2025, 11, 20, 10, tzinfo=LOCAL), tick=False):
        h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
        if not ok:
            with pytest.raises(ValidationError) as caught:
                _determine(cast, h, method, n, agree)
            assert "members" in caught.value.message_dict
            assert Hazard.objects.get(pk=h.pk).determination == "pending"
            assert not HazardDetermination.objects.exists()
            return
        row = _determine(cast, h, method, n, agree)
    h = Hazard.objects.get(pk=h.pk)
    assert h.grade == "major" and h.determination == "determined"
    assert h.grade_basis["kind"] == "determined" and h.grade_basis["agreeing"] == agree
    assert row.members[0]["vote"] == "agree" and len(row.members) == n
    event = h.events.get(kind="determined")
    assert row.event_id == event.pk and event.data["to"] == "major"
    assert AuditEvent.objects.filter(action="hazard.determination").exists()


@pytest.mark.django_db
def test_a_determination_of_general_and_no_second_one(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    _determine(cast, h, "collective", 3, 3, conclusion="general")
    h = Hazard.objects.get(pk=h.pk)
    assert h.grade == "general" and h.determination == "determined"
    with pytest.raises(NotAllowedNow):
        _determine(cast, h, "collective", 3, 3)
    # A later rule set does not undo a person's determination.
    services.save_rule_set(dict(TEST_2025), actor=cast.province_regulator)
    assert Hazard.objects.get(pk=h.pk).grade == "general"


@pytest.mark.django_db
def test_who_may_determine(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    manager = make_user(role="unit_manager", unit=crowded)
    # A county regulator who also holds a role in the unit is not its authority.
    dual = make_user(role="regulator", region="220102")
    from hazardloop.accounts.models import Membership

    Membership.objects.create(
        user=dual, role="unit_manager", unit=crowded, region_id=crowded.region_id
    )
    for user in (manager, dual, cast.inspector, cast.neighbour_regulator, cast.expert):
        with pytest.raises(PermissionDenied):
            services.record_determination(
                Hazard.objects.get(pk=h.pk),
                actor=user,
                method="collective",
                members=_members(3, 3),
                conclusion="major",
                basis="x",
            )
    # Overriding instead of determining is refused while pending.
    with pytest.raises(NotAllowedNow):
        services.override_grade(
            Hazard.objects.get(pk=h.pk), actor=cast.regulator, grade="major", reason="x"
        )


@pytest.mark.django_db
def test_the_hazard_api_carries_determination_and_records_one(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    client = api_client(cast.regulator)
    assert client.get(f"/api/v1/hazards/{h.pk}").json()["determination"] == "pending"
    listed = client.get("/api/v1/hazards?determination=pending").json()["items"]
    assert [r["id"] for r in listed] == [h.pk]
    bad = client.post(
        f"/api/v1/grading/hazards/{h.pk}/determinations",
        {"method": "expert", "members": _members(7, 4), "conclusion": "major", "basis": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "members"
    ok = client.post(
        f"/api/v1/grading/hazards/{h.pk}/determinations",
        {"method": "expert", "members": _members(7, 5), "conclusion": "major", "basis": "依据"},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert client.get(f"/api/v1/hazards/{h.pk}").json()["determination"] == "determined"


@pytest.mark.django_db
def test_pending_is_on_the_hazard_page_and_the_ledger(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    client = web_client(cast.regulator)
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert (
        'data-testid="determination-pending"' in page and f"/hazards/{h.pk}/determination/" in page
    )
    ledger = client.get("/hazards/?determination=pending").content.decode()
    assert f"/hazards/{h.pk}/" in ledger and 'data-testid="pending"' in ledger
    assert 'href="/hazards/rule-sets/"' in ledger
    assert (
        f"/hazards/{h.pk}/" not in client.get("/hazards/?determination=determined").content.decode()
    )
    # The unit's own manager sees the state but no way to determine.
    own = web_client(cast.unit_manager) if crowded == cast.unit else None
    if own is not None:
        assert "determination/" not in own.get(f"/hazards/{h.pk}/").content.decode()


@pytest.mark.django_db
def test_the_determination_page_keeps_the_votes_and_says_what_is_missing(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    client = web_client(cast.regulator)
    data = {
        "method": "expert",
        "conclusion": "major",
        "basis": "依据",
        **{f"member_name_{i}": f"专家{i}" for i in range(7)},
        **{f"member_vote_{i}": ("agree" if i < 4 else "disagree") for i in range(7)},
    }
    response = client.post(f"/hazards/{h.pk}/determination/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-members"' in body and 'value="专家6"' in body
    data["member_vote_4"] = "agree"
    response = client.post(f"/hazards/{h.pk}/determination/", data)
    assert response.status_code == 302
    assert Hazard.objects.get(pk=h.pk).determination == "determined"


# --- exclusions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_exclusion_excuses_the_reviewed_element_only(cast, crowded):
    when = dt.datetime(2022, 10, 8, 10, tzinfo=LOCAL)
    with time_machine.travel(when, tick=False):
        direct = hazard(cast, unit=crowded, rule_refs=["gb35181:6.8"], found_at=when)
        assert direct.grade == "major"
        exclusion = services.record_exclusion(
            crowded,
            actor=cast.regulator,
            element="gb35181-2017:6.8",
            clause="5.1.3(1)",
            location="后厨",
            hazard=direct,
            basis_document="消防设计专家评审意见〔2022〕3号",
            valid_until=dt.date(2023, 10, 8),
            note="已采取相应技术措施",
        )
        direct.refresh_from_db()
        assert direct.grade == "general" and direct.grade_basis["kind"] == "excluded"
        assert direct.events.filter(kind="excluded").exists()
        # An unrelated later finding at the same unit is not excused.
        later = hazard(cast, unit=crowded, rule_refs=["gb35181:6.10"], found_at=when)
        assert later.grade == "major"
        # The same element within the exclusion's period is.
        again = hazard(cast, unit=crowded, rule_refs=["gb35181:6.8"], found_at=when)
        assert again.grade == "general"
        assert again.grade_reason == "not major: exclusion 5.1.3(1) recorded for gb35181-2017:6.8"
    after_end = dt.datetime(2023, 10, 9, 10, tzinfo=LOCAL)
    with time_machine.travel(after_end, tick=False):
        expired = hazard(cast, unit=crowded, rule_refs=["gb35181:6.8"], found_at=after_end)
        assert expired.grade == "major"
    assert GradingExclusion.objects.get(pk=exclusion.pk).location == "后厨"


@pytest.mark.django_db
def test_excused_elements_do_not_count_toward_a_threshold(cast, crowded):
    when = dt.datetime(2022, 10, 8, 10, tzinfo=LOCAL)
    with time_machine.travel(when, tick=False):
        a = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=when)
        services.record_exclusion(
            crowded,
            actor=cast.regulator,
            element=THREE[0],
            clause="5.1.3(1)",
            hazard=a,
            basis_document="评审意见",
            valid_until=dt.date(2023, 1, 1),
            note="已采取措施",
        )
        hazard(cast, unit=crowded, rule_refs=[THREE[1]], found_at=when)
        c = hazard(cast, unit=crowded, rule_refs=[THREE[2]], found_at=when)
    assert c.grade == "general" and c.grade_basis["elements"] == ["7.3.3", "7.3.9"]


@pytest.mark.django_db
def test_exclusions_of_2017_elements_are_accepted_today_and_bad_ones_say_why(cast, crowded):
    # Before: the clause was looked up in the rule set in force today — none since 2025-11-01 —
    # so every clause was refused.
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    row = services.record_exclusion(
        crowded,
        actor=cast.regulator,
        element=THREE[0],
        clause="5.1.3(2)",
        hazard=h,
        basis_document="停业通知书",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        note="场所已停业",
    )
    assert row.element == THREE[0]
    h.refresh_from_db()
    assert h.determination == "not_needed" and h.grade_basis["kind"] == "excluded"
    with pytest.raises(ValidationError) as caught:
        services.record_exclusion(
            crowded,
            actor=cast.regulator,
            element="gb35181-2017:99.9",
            clause="x",
            basis_document="",
            valid_until=None,
            note="",
        )
    assert set(caught.value.message_dict) == {"element", "basis_document", "valid_until", "note"}
    with pytest.raises(ValidationError) as caught:
        services.record_exclusion(
            crowded,
            actor=cast.regulator,
            element=THREE[1],
            clause="4.2(9)",
            basis_document="d",
            valid_until=timezone.localdate(),
            note="n",
        )
    assert set(caught.value.message_dict) == {"clause"}
    with pytest.raises(PermissionDenied):
        services.record_exclusion(
            crowded,
            actor=cast.inspector,
            element=THREE[1],
            clause="5.1.3(1)",
            basis_document="d",
            valid_until=timezone.localdate(),
            note="n",
        )


@pytest.mark.django_db
def test_exclusion_api(cast, crowded):
    h = hazard(cast, unit=crowded, rule_refs=[THREE[0]], found_at=AFTER)
    client = api_client(cast.regulator)
    response = client.post(
        "/api/v1/grading/exclusions",
        {
            "unit_id": crowded.pk,
            "element": THREE[0],
            "clause": "5.1.3(1)",
            "hazard_id": h.pk,
            "basis_document": "评审意见",
            "valid_until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "note": "已采取措施",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert [r["id"] for r in client.get("/api/v1/grading/exclusions").json()] == [pk]
    assert client.get("/api/v1/grading/exclusions", headers={}).status_code == 200
    ended = client.post(f"/api/v1/grading/exclusions/{pk}/end")
    assert ended.status_code == 200 and ended.json()["ended_at"]
    outsider = api_client(cast.neighbour_regulator)
    assert outsider.get("/api/v1/grading/exclusions").json() == []


@pytest.mark.django_db
def test_the_dashboard_counts_the_pending(cast, crowded):
    _three(cast, crowded, AFTER)
    hazard(cast, unit=crowded, rule_refs=["gb35181-2017:7.3.3"], found_at=BEFORE)
    page = web_client(cast.regulator).get("/stats/").content.decode()
    assert 'data-testid="pending-determinations"' in page
    assert "3 项可能的重大隐患待判定" in page  # the default language is Chinese
    outsider = web_client(cast.neighbour_regulator).get("/stats/").content.decode()
    assert "0 项可能的重大隐患待判定" in outsider


@pytest.mark.django_db
def test_the_inspection_forms_note_says_the_edition_and_what_answers_add_up_to(cast, crowded):
    client = api_client(cast.inspector)
    url = f"/api/v1/grading/tally?unit_id={crowded.pk}"
    refs = "gb35181-2017:7.3.1,gb35181-2017:7.3.3"
    before = client.get(f"{url}&refs={refs}&on=2025-10-31", HTTP_ACCEPT_LANGUAGE="en").json()
    assert before["edition"] == "GB 35181-2017" and before["grade"] == "general"
    assert before["text"].startswith(
        "general: 2 of 3 comprehensive elements at 人员密集场所 — 7.3.1, 7.3.3"
    )
    after = client.get(f"{url}&refs={refs}&on=2025-11-01", HTTP_ACCEPT_LANGUAGE="en").json()
    assert after["edition"] == "" and after["last_edition"] == "GB 35181-2017"
    assert after["pending"] is True
    assert after["text"].startswith("possible major — determination pending")
    empty = client.get(url).json()
    assert empty["text"] == "" and empty["pending"] is False
    form = web_client(cast.inspector).get("/inspections/new/").content.decode()
    assert 'data-testid="grading-tally"' in form and "hazards/grading_tally.js" in form


@pytest.mark.django_db
def test_the_rule_set_page_round_trips_a_rule_set_and_keeps_each_save(cast):
    ensure_rules()
    row = RuleSet.objects.get(code="GB35181-2017")
    before = dict(row.data)
    client = web_client(cast.province_regulator)
    form = client.get(f"/hazards/rule-sets/{row.pk}/edit/")
    assert form.status_code == 200
    from hazardloop.hazards.judging_forms import RuleSetForm

    posted = {k: ("" if v is None else v) for k, v in RuleSetForm.initial_from(before).items()}
    posted["change_note"] = "核对后重新保存"
    response = client.post(f"/hazards/rule-sets/{row.pk}/edit/", posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    for key in ("direct", "comprehensive", "places", "thresholds", "exclusions"):
        assert row.data[key] == before[key], key
    assert row.versions.filter(note="核对后重新保存").exists()
    # The city may read, not write.
    city = web_client(cast.city_regulator)
    assert city.get(f"/hazards/rule-sets/{row.pk}/").status_code == 200
    assert city.post(f"/hazards/rule-sets/{row.pk}/edit/", posted).status_code == 403


@pytest.mark.django_db
def test_rule_set_api_errors_name_the_field(cast):
    ensure_rules()
    client = api_client(cast.province_regulator)
    bad = {
        **TEST_2025,
        "thresholds": [{"id": "x", "places": ["nowhere"], "elements": [], "min": 3}],
    }
    response = client.post(
        "/api/v1/grading/rule-sets",
        {"document": bad, "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"document.thresholds"}
    ok = client.post(
        "/api/v1/grading/rule-sets",
        {"document": TEST_2025, "note": "录入测试规则"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["edition"] == "2025"
    again = client.post(
        "/api/v1/grading/rule-sets",
        {"document": {**TEST_2025, "title": "改"}, "note": "改标题"},
        content_type="application/json",
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    versions = client.get("/api/v1/grading/rule-sets/GB35181-2025-TEST/versions").json()
    assert [v["number"] for v in versions] == [2, 1]


@pytest.mark.django_db
def test_the_migration_makes_earlier_silent_defaults_pending(cast, crowded):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module(
        "hazardloop.hazards.migrations.0010_grading_determinations_and_scoped_exclusions"
    )
    h = hazard(cast, unit=crowded, rule_refs=[THREE[1]], found_at=AFTER)
    plain = hazard(cast, unit=crowded, rule_refs=["gb35181-2017:9.9"], found_at=AFTER)
    # How they were stored before: the checklist default, "no gb35181 rule set in force".
    old_basis = {"kind": "default", "no_rule_set": ["gb35181"]}
    Hazard.objects.filter(pk__in=[h.pk, plain.pk]).update(
        determination="not_needed", grade_basis=old_basis, grade_reason="general: checklist default"
    )
    migration.forwards(django_apps, None)
    h.refresh_from_db()
    plain.refresh_from_db()
    assert h.determination == "pending" and h.grade_basis["refs"] == [THREE[1]]
    assert h.grade_reason.startswith("possible major — determination pending: GB 35181-2017 7.3.3")
    assert plain.determination == "not_needed"  # not an element of any edition


@pytest.mark.django_db
def test_a_finding_fixed_on_the_spot_awaits_no_determination(cast, crowded):
    from hazardloop.hazards.tests.helpers import photo

    after = photo(cast.inspector, crowded)
    h = hazard(
        cast,
        unit=crowded,
        rule_refs=[THREE[0]],
        found_at=AFTER,
        fixed_on_spot=True,
        after_photo_ids=[after.pk],
    )
    assert h.status == "closed" and h.determination == "not_needed"


@pytest.mark.django_db
def test_findings_graded_through_the_map_are_counted_and_upgraded(cast, crowded):
    services.save_rule_set(dict(TEST_2025), actor=cast.province_regulator)
    first, second, third = _three(cast, crowded, AFTER)
    assert third.grade == "major" and third.grade_rule_set == "GB35181-2025-TEST"
    first, second = _fresh(first, second)
    assert first.grade == "major" and second.grade == "major"
    assert first.events.filter(kind="regrade").exists()
