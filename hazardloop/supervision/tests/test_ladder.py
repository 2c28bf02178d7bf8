"""The supervision ladder with frozen time: each rung once, a second sweep changes nothing."""

import datetime as dt

import pytest
from django.test import override_settings

from hazardloop.hazards.choices import Grade, ListedLevel, SupervisionLevel
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.notifications.models import Notification
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.jobs import sweep_deadlines_once
from hazardloop.supervision.models import AccountabilityProposal, EnforcementDocument
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard

pytestmark = pytest.mark.django_db

DUE = at(2026, 3, 12, 23, 59)


def _supervision_events(hazard):
    return list(
        HazardEvent.objects.filter(hazard=hazard, kind="supervision")
        .order_by("id")
        .values_list("data__rung", flat=True)
    )


def test_each_rung_once_and_a_second_sweep_changes_nothing(cast):
    depts = departments()
    hazard = make_hazard(cast, due=DUE)
    # Before the deadline: nothing.
    assert sweep(DUE - dt.timedelta(hours=1)).total == 0
    # The deadline passed: the reminder, and only it.
    result = sweep(DUE + dt.timedelta(hours=1))
    assert (result.reminded, result.letters, result.listed) == (1, 0, 0)
    assert sweep(DUE + dt.timedelta(hours=2)).total == 0
    hazard.refresh_from_db()
    assert hazard.supervision_level == SupervisionLevel.REMINDED
    # Seven days late: the supervision letter, numbered by the county office, to the unit and
    # the department supervising catering.
    seven = DUE + dt.timedelta(days=7, hours=1)
    assert sweep(seven).letters == 1
    assert sweep(seven).total == 0
    letter = EnforcementDocument.objects.get(hazard=hazard)
    assert letter.kind == DocumentKind.SUPERVISION_LETTER
    assert letter.department == depts["office"]
    assert letter.number.endswith("督字〔2026〕第0001号")
    assert letter.content["copy_to"] == [depts["commerce"].name_zh]
    assert Notification.objects.filter(
        recipient=cast.unit_manager, key=f"hazard:{hazard.pk}:document:{letter.pk}"
    ).exists()
    # A general hazard is listed after 60 days, at county level.
    sixty = DUE + dt.timedelta(days=60, hours=1)
    assert sweep(sixty).listed == 1
    hazard.refresh_from_db()
    assert (hazard.supervision_level, hazard.listed_level) == ("listed", ListedLevel.COUNTY)
    # Ninety days: the accountability proposal.
    ninety = DUE + dt.timedelta(days=90, hours=1)
    assert sweep(ninety).proposals == 1
    assert sweep(ninety).total == 0
    proposal = AccountabilityProposal.objects.get(hazard=hazard)
    assert proposal.days_overdue == 90
    assert len(proposal.facts["documents"]) == 2
    assert _supervision_events(hazard) == ["reminded", "letter", "listed", "accountability"]
    assert EnforcementDocument.objects.filter(hazard=hazard).count() == 2


def test_a_very_late_hazard_climbs_every_rung_in_one_sweep_each_once(cast):
    departments()
    hazard = make_hazard(cast, due=DUE, grade=Grade.MAJOR)
    result = sweep(DUE + dt.timedelta(days=120))
    assert (result.reminded, result.letters, result.listed, result.proposals) == (1, 1, 1, 1)
    assert _supervision_events(hazard) == ["reminded", "letter", "listed", "accountability"]
    hazard.refresh_from_db()
    assert hazard.listed_level == ListedLevel.CITY  # major hazards: city level by default
    kinds = set(EnforcementDocument.objects.filter(hazard=hazard).values_list("kind", flat=True))
    assert kinds == {DocumentKind.SUPERVISION_LETTER, DocumentKind.LISTING_NOTICE}
    assert sweep_deadlines_once(DUE + dt.timedelta(days=121)) == 0


def test_major_hazards_are_listed_sooner_and_closed_ones_never_move(cast):
    departments()
    major = make_hazard(cast, due=DUE, grade=Grade.MAJOR)
    general = make_hazard(cast, due=DUE)
    done = make_hazard(cast, due=DUE, ordered=False)
    sweep(DUE + dt.timedelta(days=16))
    levels = dict(Hazard.objects.values_list("pk", "supervision_level"))
    assert levels[major.pk] == SupervisionLevel.LISTED
    assert levels[general.pk] == SupervisionLevel.LETTER
    assert levels[done.pk] == SupervisionLevel.NONE  # never ordered: no deadline


@override_settings(SUPERVISION_LADDER={"220102": {"letter_after_days": 2}})
def test_thresholds_are_configured_per_region(cast):
    departments()
    home = make_hazard(cast, due=DUE)
    neighbour = make_hazard(cast, unit=cast.neighbour_unit, due=DUE)
    sweep(DUE + dt.timedelta(days=3))
    levels = dict(Hazard.objects.values_list("pk", "supervision_level"))
    assert levels[home.pk] == SupervisionLevel.LETTER
    assert levels[neighbour.pk] == SupervisionLevel.REMINDED
