"""An accident's page shows what was found at its unit and what was still open then."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.accidents.history import unit_history
from hazardloop.accidents.tests.factories import make_accident
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.services import create_hazard
from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def test_history_marks_hazards_open_at_the_time(cast):
    now = timezone.now()
    still_open = create_hazard(
        cast.unit, actor=cast.inspector, source="manual", description="消防通道堵塞"
    )
    fixed = create_hazard(
        cast.unit, actor=cast.inspector, source="manual", description="灭火器过期"
    )
    Hazard.objects.filter(pk__in=[still_open.pk, fixed.pk]).update(
        found_at=now - dt.timedelta(days=20)
    )
    Hazard.objects.filter(pk=fixed.pk).update(status="closed", closed_at=now - dt.timedelta(days=5))
    elsewhere = create_hazard(
        cast.other_unit, actor=cast.inspector, source="manual", description="别家的隐患"
    )
    accident = make_accident(
        cast.unit_manager, unit=cast.unit, occurred_at=now - dt.timedelta(days=1), now=now
    )
    history = unit_history(cast.regulator, accident)
    assert history.found == 2 and history.open_then == 1
    assert {h.pk: was_open for h, was_open in history.hazards} == {
        still_open.pk: True,
        fixed.pk: False,
    }
    page = web_client(cast.regulator).get(f"/accidents/{accident.pk}/").content.decode()
    assert page.count('data-testid="open-then"') == 1
    assert "消防通道堵塞" in page and elsewhere.title not in page
    # A unit's own people see their own unit's history; nobody sees what they may not see.
    assert unit_history(cast.unit_manager, accident).found == 2
    assert unit_history(cast.neighbour_regulator, accident).found == 0
