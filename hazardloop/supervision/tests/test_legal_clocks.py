"""The clocks of 公安部令第120号 on documents (Arts. 20 and 21, regulations.md §12.3), a missing
holiday calendar on a document, and listing major hazards on determination (§12.4)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from hazardloop.hazards import services as hazard_services
from hazardloop.hazards.choices import DeterminationMethod, Grade, ListedLevel, SupervisionLevel
from hazardloop.hazards.models import HazardDetermination, HazardEvent
from hazardloop.hazards.tests.helpers import photo
from hazardloop.supervision.choices import ClockState, DocumentKind
from hazardloop.supervision.clocks import clocks_for
from hazardloop.supervision.ladder import ladder_for
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.services import issue_document
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db
D = dt.date


def _issue(cast, hazard, kind, **options):
    return issue_document(
        hazard, actor=cast.inspector, kind=kind, department=departments()["fire"], **options
    )


def _clock(clocks, basis, word):
    return next(c for c in clocks if c.basis == basis and word in c.label)


# --- Art. 21: the notice, the report to the government, the expert review ------------------


def _major(cast):
    # Inspected on Thursday 2 April 2026 (Qingming: 4–6 April), determined on Tuesday 7 April.
    hazard = make_hazard(cast, grade=Grade.MAJOR, found=at(2026, 4, 2), due=at(2026, 6, 30, 18))
    doc = _issue(
        cast,
        hazard,
        DocumentKind.MAJOR_HAZARD_NOTICE,
        checked_at=at(2026, 4, 7),
        rectify_due_at=at(2026, 6, 30, 18),
        now=at(2026, 4, 8),
    )
    return hazard, doc


def test_a_major_hazard_is_reported_to_the_government_within_7_working_days(cast):
    _hazard, doc = _major(cast)
    clocks = clocks_for(doc, now=at(2026, 4, 14, 12), unrecorded=True)
    notice = _clock(clocks, "120号令 第二十一条", "送达")
    assert notice.due == D(2026, 4, 10)  # 8, 9, 10 April
    report = _clock(clocks, "120号令 第二十一条", "人民政府")
    # 3 April, then 7–10 and 13–14 April: the seventh working day after the inspection.
    assert report.due == D(2026, 4, 14)
    assert report.state == ClockState.OPEN  # on the last day
    assert _clock(
        clocks_for(doc, now=at(2026, 4, 15), unrecorded=True), "120号令 第二十一条", "人民政府"
    ).state == (
        ClockState.PASSED  # the day after: passed, and the system does not pretend to know more
    )


def test_an_expert_review_extends_both_periods_by_10_working_days(cast):
    hazard, doc = _major(cast)
    # An expert merely assigned to advise is no expert review: the periods stay.
    hazard_services.assign_expert(hazard, actor=cast.regulator, expert_id=cast.expert.pk)
    notice = _clock(clocks_for(doc, now=at(2026, 4, 8)), "120号令 第二十一条", "送达")
    assert notice.due == D(2026, 4, 10)
    HazardDetermination.objects.create(
        hazard=hazard,
        method=DeterminationMethod.EXPERT,
        members=[{"name": f"专家{i}", "vote": "agree"} for i in range(7)],
        agreeing=7,
        conclusion=Grade.MAJOR,
        basis="测试：专家论证",
        held_on=D(2026, 4, 7),
        recorded_by=cast.regulator,
        recorded_at=at(2026, 4, 7, 16),
    )
    clocks = clocks_for(doc, now=at(2026, 4, 15), unrecorded=True)
    notice = _clock(clocks, "120号令 第二十一条", "送达")
    assert notice.due == D(2026, 4, 24)  # 13 working days after 7 April
    report = _clock(clocks, "120号令 第二十一条", "人民政府")
    assert report.due == D(2026, 4, 28)  # 17 working days after 2 April
    assert report.state == ClockState.OPEN
    # A to-do list leaves out what it could never see done; the document's page shows it.
    assert not any("人民政府" in c.label for c in clocks_for(doc, now=at(2026, 4, 15)))
    page = web_client(cast.inspector).get(f"/documents/{doc.pk}/").content.decode()
    assert "书面报告本级人民政府" in page


# --- Art. 20 on a document: the deadline or the request, whichever is first -------------------


def test_the_documents_recheck_follows_an_early_request(cast):
    hazard = make_hazard(cast, found=at(2026, 4, 2), due=at(2026, 4, 30, 23, 59))
    doc = _issue(
        cast,
        hazard,
        DocumentKind.DEADLINE_ORDER,
        checked_at=at(2026, 4, 2),
        rectify_due_at=at(2026, 4, 30, 23, 59),
        now=at(2026, 4, 3),
    )
    recheck = _clock(clocks_for(doc, now=at(2026, 4, 20)), "120号令 第二十条", "")
    assert recheck.due == D(2026, 5, 8)  # no request: 3 working days after the deadline
    hazard_services.start_rectification(hazard, actor=cast.unit_manager, now=at(2026, 4, 17))
    hazard_services.submit_rectification(
        hazard,
        actor=cast.unit_manager,
        note="已清理",
        photo_ids=[photo(cast.unit_manager, cast.unit).pk],
        now=at(2026, 4, 20),
    )
    doc.hazard.refresh_from_db()
    recheck = _clock(clocks_for(doc, now=at(2026, 4, 21)), "120号令 第二十条", "")
    assert recheck.due == D(2026, 4, 23)  # Monday's request: 21, 22, 23 April
    assert recheck.state == ClockState.OPEN
    assert _clock(clocks_for(doc, now=at(2026, 4, 24)), "120号令 第二十条", "").state == (
        ClockState.MISSED
    )


# --- a missing calendar on a document -----------------------------------------------------------


def test_a_documents_clock_into_a_missing_year_is_estimated_and_says_so(cast):
    hazard = make_hazard(cast, found=at(2026, 12, 30), due=at(2027, 1, 30, 18))
    doc = _issue(
        cast,
        hazard,
        DocumentKind.DEADLINE_ORDER,
        checked_at=at(2026, 12, 30),
        rectify_due_at=at(2027, 1, 30, 18),
        now=at(2026, 12, 30, 11),
    )
    served = clocks_for(doc, now=at(2026, 12, 31))[0]
    # 31 December, then 1 and 2 January: every day of 2027 counts (never later than the law).
    assert (served.due, served.estimated_years) == (D(2027, 1, 2), (2027,))
    assert "2027" in served.note
    page = web_client(cast.inspector).get(f"/documents/{doc.pk}/").content.decode()
    assert 'data-testid="clock-note"' in page and "2027年的节假日安排尚未载入" in page
    api = api_client(cast.inspector).get(f"/api/v1/documents/{doc.pk}").json()
    assert api["clocks"][0]["estimated_years"] == [2027] and api["clocks"][0]["note"]
    # Inside a loaded year nothing is estimated.
    inside = make_hazard(cast, found=at(2026, 12, 1), due=at(2026, 12, 20, 18))
    doc = _issue(
        cast,
        inside,
        DocumentKind.DEADLINE_ORDER,
        checked_at=at(2026, 12, 1),
        rectify_due_at=at(2026, 12, 20, 18),
        now=at(2026, 12, 1, 11),
    )
    served = clocks_for(doc, now=at(2026, 12, 2))[0]
    assert (served.due, served.estimated_years, served.note) == (D(2026, 12, 4), (), "")


# --- §12.4: a major hazard listed on determination, where the province says so ------------------

ON_DETERMINATION = {"220102": {"listing_major_on_determination": True}}


@override_settings(SUPERVISION_LADDER=ON_DETERMINATION)
def test_a_major_hazard_is_listed_on_determination_where_configured(cast):
    departments()
    found = at(2026, 3, 2)
    major = make_hazard(cast, grade=Grade.MAJOR, found=found, ordered=False)
    general = make_hazard(cast, grade=Grade.GENERAL, found=found, ordered=False)
    neighbour = make_hazard(cast, unit=cast.neighbour_unit, grade=Grade.MAJOR, found=found)
    result = sweep(found + dt.timedelta(hours=1))
    assert result.listed == 1
    major.refresh_from_db()
    assert (major.supervision_level, major.listed_level) == (
        SupervisionLevel.LISTED,
        ListedLevel.CITY,
    )
    notice = EnforcementDocument.objects.get(hazard=major)
    assert notice.kind == DocumentKind.LISTING_NOTICE
    assert "经判定为重大" in notice.content["body"][0] and "逾期" not in notice.content["body"][0]
    assert "并报本级人民政府" in notice.content["body"][1]
    event = HazardEvent.objects.get(hazard=major, kind="supervision")
    assert event.data["on_determination"] is True
    # A general hazard, and a major one in a county without the setting, wait for the ladder.
    general.refresh_from_db()
    neighbour.refresh_from_db()
    assert general.supervision_level == SupervisionLevel.NONE
    assert neighbour.supervision_level == SupervisionLevel.NONE
    # A second sweep changes nothing.
    assert sweep(found + dt.timedelta(hours=2)).total == 0
    assert EnforcementDocument.objects.filter(hazard=major).count() == 1


def test_without_the_setting_a_major_hazard_is_listed_only_once_overdue(cast):
    departments()
    due = at(2026, 3, 12, 23, 59)
    major = make_hazard(cast, grade=Grade.MAJOR, found=at(2026, 3, 2), due=due)
    assert sweep(at(2026, 3, 2, 12)).listed == 0
    assert sweep(due + dt.timedelta(days=14, hours=23)).listed == 0  # 14 days late
    assert sweep(due + dt.timedelta(days=15, hours=1)).listed == 1  # 15 days late
    notice = EnforcementDocument.objects.get(hazard=major, kind=DocumentKind.LISTING_NOTICE)
    assert "已逾期15日" in notice.content["body"][0]


def test_the_setting_must_be_true_or_false():
    bad = {"22": {"listing_major_on_determination": "yes"}}
    with override_settings(SUPERVISION_LADDER=bad), pytest.raises(ImproperlyConfigured):
        ladder_for("220102")
    with override_settings(SUPERVISION_LADDER=ON_DETERMINATION):
        assert ladder_for("220102").listing_major_on_determination is True
        assert ladder_for("220103").listing_major_on_determination is False


@override_settings(SUPERVISION_LADDER=ON_DETERMINATION)
def test_the_public_list_does_not_call_a_hazard_listed_on_determination_overdue(cast, client):
    departments()
    found = at(2026, 3, 2)
    major = make_hazard(cast, grade=Grade.MAJOR, found=found, due=at(2099, 6, 30, 18))
    assert sweep(found + dt.timedelta(hours=1)).listed == 1
    page = client.get("/listed/").content.decode()
    assert f"{major.title}" in page and "2099-06-30" in page
    assert "逾期" not in page.split("2099-06-30", 1)[1][:200]
