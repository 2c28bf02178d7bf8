"""The campaign picker (the ledger's campaign filter) offers only campaigns the caller may see."""

import pytest

from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def test_picker_offers_visible_campaigns_only(cast):
    mine = make_campaign(cast.regulator, title="拣选南关燃气专项")
    theirs = make_campaign(cast.neighbour_regulator, "220103", title="拣选宽城燃气专项")
    client = web_client(cast.regulator)
    text = client.get("/campaigns/pick/", {"campaign-q": "拣选"}).content.decode()
    assert f'value="{mine.pk}"' in text and theirs.title not in text
    # By document number too; a picked campaign out of scope is not named.
    assert mine.title in client.get("/campaigns/pick/", {"q": "2022"}).content.decode()
    text = client.get("/campaigns/pick/", {"campaign": theirs.pk}).content.decode()
    assert theirs.title not in text
    text = client.get("/campaigns/pick/", {"campaign": mine.pk}).content.decode()
    assert 'data-testid="campaign-picked"' in text and mine.title in text
    # Nonsense is no error.
    assert client.get("/campaigns/pick/", {"campaign": "9" * 40}).status_code == 200
    other = web_client(cast.neighbour_regulator)
    text = other.get("/campaigns/pick/", {"campaign-q": "拣选"}).content.decode()
    assert theirs.title in text and mine.title not in text


def test_ledger_campaign_filter_uses_the_picker(cast):
    campaign = make_campaign(cast.regulator, title="拣选台账专项")
    hazard(cast)
    page = web_client(cast.regulator).get("/hazards/", {"campaign": campaign.pk}).content.decode()
    assert 'data-testid="campaign-search"' in page
    assert f"/campaigns/pick/?campaign={campaign.pk}" in page
