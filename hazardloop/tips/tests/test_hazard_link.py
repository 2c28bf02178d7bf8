"""A hazard made from a public tip links back to the tip on the hazard page, for those who
may see the tip (settings.HAZARD_SOURCE_LINKS); never for the accused unit's own people."""

import pytest

from hazardloop.testing import web_client
from hazardloop.tips import services

pytestmark = pytest.mark.django_db


def test_the_hazard_page_links_the_tip_for_regulators_only(cast):
    tip = services.receive_tip(
        unit=cast.unit, category="locked_door", description="安全出口上了锁",
        client_address="192.0.2.7",
    )  # fmt: skip
    services.triage_tip(tip, actor=cast.regulator, outcome="hazard", version=tip.version)
    tip.refresh_from_db()
    url = f"/hazards/{tip.hazard_id}/"
    page = web_client(cast.regulator).get(url).content.decode()
    assert 'data-testid="source-link"' in page and f'href="/tips/{tip.pk}/"' in page
    assert tip.tracking_code in page
    own = web_client(cast.unit_manager).get(url)
    assert own.status_code == 200
    body = own.content.decode()
    assert 'data-testid="source-link"' not in body and f"/tips/{tip.pk}/" not in body
    assert tip.tracking_code not in body
    # A regulator of the neighbouring county does not see the hazard at all.
    assert web_client(cast.neighbour_regulator).get(url).status_code == 404
