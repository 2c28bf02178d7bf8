"""An unannounced inspection stays unannounced: a unit's own people never see the draw, the
tasks or the task force that will come to them — before or after a draw is published."""

import pytest

from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.models import InspectionTask
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def test_a_unit_never_sees_its_draw_or_task(cast):
    campaign = make_campaign(cast.regulator, region_code="220102")
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    task = InspectionTask.objects.get(unit=cast.unit)
    client = web_client(cast.unit_manager)
    assert client.get(f"/campaigns/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/campaigns/{campaign.pk}/task-list/").status_code == 404
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "task-list-link" not in page
    # the regulator still sees all of it
    staff = web_client(cast.regulator)
    assert staff.get(f"/campaigns/tasks/{task.pk}/").status_code == 200
    assert "task-list-link" in staff.get(f"/campaigns/{campaign.pk}/").content.decode()


def test_a_unit_never_sees_a_draw(cast):
    campaign = make_campaign(cast.regulator, region_code="220102")
    draw = drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=1,
        inspectors_per_unit=1,
        exclude_same_township=False,
    )
    for published in (False, True):
        if published:
            drawing.publish_draw(draw, actor=cast.regulator)
        client = web_client(cast.unit_manager)
        assert client.get(f"/campaigns/draws/{draw.pk}/").status_code == 404
        assert (
            f"/campaigns/draws/{draw.pk}/"
            not in client.get(f"/campaigns/{campaign.pk}/").content.decode()
        )
    assert web_client(cast.regulator).get(f"/campaigns/draws/{draw.pk}/").status_code == 200
