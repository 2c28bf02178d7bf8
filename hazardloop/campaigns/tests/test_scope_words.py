"""A campaign's page names its scope in words and offers the dashboard only to those who may
open it."""

import pytest

from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.testing import web_client


def _page(user, campaign, language):
    client = web_client(user)
    client.cookies["django_language"] = language
    return client.get(f"/campaigns/{campaign.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["南关区", "餐饮", "使用瓶装液化石油气的单位", "餐饮场所燃气及消防安全检查表"]),
        ("en", ["Nanguan District", "Units using bottled LPG"]),
    ],
)
def test_scope_is_told_in_words(cast, language, words):
    load_builtin_templates()
    campaign = make_campaign(
        cast.regulator,
        sectors=["catering"],
        unit_filters=["bottled_lpg"],
        checklists=["restaurant-gas"],
    )
    page = _page(cast.regulator, campaign, language)
    for word in words:
        assert word in page, word
    for code in ("bottled_lpg", "restaurant-gas", ": catering", "220102;"):
        assert code not in page, code


@pytest.mark.django_db
def test_the_dashboard_is_offered_only_to_those_who_may_open_it(cast):
    campaign = make_campaign(cast.regulator)
    assert 'data-testid="campaign-dashboard"' in _page(cast.regulator, campaign, "zh-hans")
    page = _page(cast.unit_manager, campaign, "zh-hans")
    assert 'data-testid="campaign-dashboard"' not in page
