"""The automatic sources with frozen time: each raises its proposal once, never below the
threshold, and the sweep step runs them all."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.utils import translation

from hazardloop.accountability.choices import CaseStatus, SourceKind, SubjectKind
from hazardloop.accountability.facts import fact_lines
from hazardloop.accountability.jobs import propose_cases_once
from hazardloop.accountability.models import Case, CaseEvent
from hazardloop.accountability.sources import campaigns_missing_target, hazards_at_top_rung
from hazardloop.accountability.tests.factories import DUE, TOP_RUNG, top_rung_hazard
from hazardloop.audit.models import AuditEvent
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.checklists.tests.factories import make_template
from hazardloop.core.tests import visible_text
from hazardloop.hazards.choices import SupervisionLevel
from hazardloop.inspections.models import Inspection
from hazardloop.notifications.models import Notification
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import make_unit, web_client

pytestmark = pytest.mark.django_db


def test_the_sweep_step_is_listed():
    assert "hazardloop.accountability.jobs.propose_cases_once" in settings.SWEEP_STEPS
    steps = settings.SWEEP_STEPS
    # After the ladder, so a hazard that reached the top rung today is proposed today.
    assert steps.index("hazardloop.accountability.jobs.propose_cases_once") > steps.index(
        "hazardloop.supervision.jobs.sweep_deadlines_once"
    )


def test_a_top_rung_hazard_is_proposed_once(cast):
    hazard = top_rung_hazard(cast)
    assert hazards_at_top_rung(TOP_RUNG) == 1
    case = Case.objects.get()
    assert (case.source_kind, case.source_id) == (SourceKind.HAZARD_TOP_RUNG, hazard.pk)
    assert case.status == CaseStatus.PROPOSED
    assert case.region_id == cast.unit.region_id
    assert (case.subject_kind, case.subject_unit, case.subject_name) == (
        SubjectKind.UNIT,
        cast.unit,
        cast.unit.name,
    )
    fact = case.facts[0]
    assert fact["key"] == "hazard_top_rung" and fact["days_overdue"] == 90
    assert len(fact["documents"]) == 2  # the letter and the listing notice
    assert {"kind": "hazard", "id": hazard.pk, "label": hazard.title} in case.links
    assert case.proposed_at == TOP_RUNG
    # One event and one audit event.
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["propose"]
    assert AuditEvent.objects.filter(action="accountability.propose", object_id=str(case.pk))
    # Those who decide it over Nanguan are told, once; inspectors and units are not.
    told = set(
        Notification.objects.filter(key=f"accountability:{case.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"t-reg", "t-city", "t-prov", "t-leader"}
    # Idempotent: the next sweeps raise nothing more.
    assert hazards_at_top_rung(TOP_RUNG) == 0
    assert propose_cases_once(TOP_RUNG + dt.timedelta(days=1)) == 0
    assert Case.objects.count() == 1


def test_not_raised_below_the_top_rung(cast):
    departments()
    hazard = make_hazard(cast, due=DUE)
    # Listed (60 days for a general hazard) but not yet 90 days late.
    eighty = DUE + dt.timedelta(days=80)
    sweep(eighty)
    hazard.refresh_from_db()
    assert hazard.supervision_level == SupervisionLevel.LISTED
    assert propose_cases_once(eighty) == 0
    assert not Case.objects.exists()
    # Ninety days: the ladder moves it, and the same sweep run proposes it.
    sweep(TOP_RUNG)
    assert propose_cases_once(TOP_RUNG) == 1


def _inspect(cast, unit, when, mode="routine", version=None):
    return Inspection.objects.create(
        client_id=uuid.uuid4(),
        unit=unit,
        region_code=unit.region_id,
        template_version=version,
        mode=mode,
        inspector=cast.inspector,
        received_at=when,
    )


AFTER_END = at(END.year, END.month, END.day) + dt.timedelta(days=1)


def _campaign_with_units(cast):
    campaign = make_campaign(cast.regulator, title="南关燃气专项整治", target_coverage_pct=80)
    version = make_template(actor=cast.admin).versions.get(is_current=True)
    return campaign, version


def test_a_campaign_that_missed_its_coverage_target_is_proposed_once(cast):
    campaign, version = _campaign_with_units(cast)
    units = [cast.unit, cast.other_unit, make_unit("220102"), make_unit("220102")]
    # Two of four units inspected in the period (50 % < 80 %); a self-inspection, an inspection
    # after the end and one at a neighbour's unit do not count.
    _inspect(cast, units[0], at(2022, 10, 2), version=version)
    _inspect(cast, units[1], at(2022, 10, 3), version=version)
    _inspect(cast, units[2], at(2022, 10, 4), mode="self_inspection", version=version)
    _inspect(cast, units[3], at(2022, 11, 2), version=version)
    _inspect(cast, cast.neighbour_unit, at(2022, 10, 4), version=version)
    # Not before the deadline has passed.
    assert campaigns_missing_target(at(2022, 10, 31, 20)) == 0
    assert campaigns_missing_target(AFTER_END) == 1
    case = Case.objects.get(source_kind=SourceKind.CAMPAIGN_TARGET)
    assert case.source_id == campaign.pk
    assert case.region_id == "220102"
    assert case.subject_kind == SubjectKind.REGION and case.subject_region_id == "220102"
    fact = case.facts[0]
    assert (fact["units_in_scope"], fact["units_inspected"], fact["target_pct"]) == (4, 2, 80)
    assert fact["coverage_pct"] == 50.0
    # Idempotent.
    assert campaigns_missing_target(AFTER_END + dt.timedelta(days=1)) == 0
    assert Case.objects.count() == 1
    # The facts in words, in both languages.
    with translation.override("zh-hans"):
        assert fact_lines(case) == [
            "专项行动“南关燃气专项整治”于2022-10-31结束，4家单位中检查了2家（50.0%），"
            "未达到80%的覆盖率目标。"
        ]
    with translation.override("en"):
        assert "2 of 4 units inspected (50.0%)" in fact_lines(case)[0]
    # The case page in both languages: words, never codes.
    client = web_client(cast.regulator)
    data = visible_text.stored_strings()
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        response = client.get(f"/accountability/{case.pk}/")
        assert response.status_code == 200
        assert visible_text.problems(response.content.decode(), language, data, ()) == []


def test_a_campaign_that_met_its_target_raises_nothing(cast):
    _campaign, version = _campaign_with_units(cast)
    for unit in (cast.unit, cast.other_unit):
        _inspect(cast, unit, at(2022, 10, 2), version=version)
    assert campaigns_missing_target(AFTER_END) == 0
    assert not Case.objects.exists()


def test_a_draft_campaign_or_one_ended_long_ago_is_not_checked(cast):
    campaign, _version = _campaign_with_units(cast)
    lookback = settings.ACCOUNTABILITY_CAMPAIGN_LOOKBACK_DAYS
    assert campaigns_missing_target(AFTER_END + dt.timedelta(days=lookback + 1)) == 0
    campaign.status = "draft"
    campaign.save(update_fields=["status"])
    assert campaigns_missing_target(AFTER_END) == 0
    assert not Case.objects.exists()


def test_propose_case_refuses_a_manual_source(cast):
    from hazardloop.accountability.services import propose_case

    with pytest.raises(ValueError):
        propose_case(
            source_kind=SourceKind.MANUAL,
            source_id=1,
            region_code="220102",
            title="x",
            subject_kind=SubjectKind.UNIT,
            subject_name="x",
            facts=[],
            links=[],
            now=DUE,
        )
