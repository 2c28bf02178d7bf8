"""The accident sources: a step of the reporting chain sent late (a proposal about whoever had
to send it), and an accident at a unit with an open hazard of the same kind."""

import datetime as dt

import pytest
from django.utils import translation

from hazardloop.accidents import services as accidents
from hazardloop.accidents.tests.factories import T0, make_accident
from hazardloop.accountability.choices import SourceKind, SubjectKind
from hazardloop.accountability.facts import fact_lines, link_rows
from hazardloop.accountability.models import Case
from hazardloop.accountability.sources import accident_steps_late, accidents_with_open_hazards
from hazardloop.checklists.choices import ItemCategory
from hazardloop.supervision.tests.helpers import make_hazard
from hazardloop.testing import HOME

pytestmark = pytest.mark.django_db
H, M = dt.timedelta(hours=1), dt.timedelta(minutes=1)


def _zh_lines(case) -> list[str]:
    with translation.override("zh-hans"):
        return fact_lines(case)


def test_a_unit_reporting_late_is_proposed_once_about_the_unit(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 61 * M)
    assert accident_steps_late(T0 + 2 * H) == 1
    assert accident_steps_late(T0 + 3 * H) == 0  # once per step
    case = Case.objects.get(source_kind=SourceKind.ACCIDENT_LATE)
    assert case.source_id == accident.steps.get(seq=1).pk
    assert (case.subject_kind, case.subject_unit) == (SubjectKind.UNIT, cast.unit)
    lines = _zh_lines(case)
    assert len(lines) == 1 and accident.summary in lines[0] and "县" in lines[0]
    assert "accident" not in lines[0].lower() and "deadline" not in lines[0]
    assert any(row["url"] == f"/accidents/{accident.pk}/" for row in link_rows(case))


def test_a_county_reporting_up_late_is_proposed_about_the_county(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 10 * M)
    accidents.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    accidents.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 2 * H + 21 * M)
    assert accident_steps_late(T0 + 3 * H) == 1
    case = Case.objects.get(source_kind=SourceKind.ACCIDENT_LATE)
    assert case.subject_kind == SubjectKind.REGION
    assert case.subject_region_id == HOME and case.region_id == HOME


def test_a_chain_on_time_raises_nothing(cast):
    accident = make_accident(cast.unit_manager, unit=cast.unit, now=T0 + 10 * M)
    accidents.receive_step(accident, 1, actor=cast.duty_officer, now=T0 + 20 * M)
    accidents.forward_step(accident, 1, actor=cast.duty_officer, now=T0 + 30 * M)
    assert accident_steps_late(T0 + H) == 0
    assert not Case.objects.exists()


def test_an_accident_where_a_hazard_of_its_kind_was_open_is_proposed(cast):
    gas = make_hazard(cast, category=ItemCategory.GAS, title="液化气钢瓶放在后厨")
    make_hazard(cast, category=ItemCategory.OTHER, title="台账不全")
    accident = make_accident(cast.unit_manager, unit=cast.unit, accident_type="gas_explosion")
    assert accidents_with_open_hazards(T0 + H) == 1
    assert accidents_with_open_hazards(T0 + 2 * H) == 0
    case = Case.objects.get(source_kind=SourceKind.ACCIDENT_OPEN_HAZARD)
    assert case.source_id == accident.pk and case.subject_unit == cast.unit
    (line,) = _zh_lines(case)
    assert "液化气钢瓶放在后厨" in line and "台账不全" not in line
    assert {"kind": "hazard", "id": gas.pk, "label": gas.title} in case.links


def test_no_proposal_when_the_hazard_of_its_kind_was_closed_before_or_of_another_kind(cast):
    electrical = make_hazard(cast, category=ItemCategory.ELECTRICAL, title="私拉乱接电线")
    make_accident(cast.unit_manager, unit=cast.unit, accident_type="gas_explosion")
    assert accidents_with_open_hazards(T0 + H) == 0  # electrical is not gas
    # a fire counts electrical hazards, but this one was closed before the fire
    close_hazard_before(cast, electrical, T0 - 24 * H)
    make_accident(cast.unit_manager, unit=cast.unit, accident_type="fire")
    assert accidents_with_open_hazards(T0 + H) == 0
    assert not Case.objects.exists()


def close_hazard_before(cast, hazard, moment):
    """Mark the hazard verified and closed at `moment` (as the loop would have)."""
    type(hazard).objects.filter(pk=hazard.pk).update(
        status="closed", verified_at=moment, closed_at=moment
    )
