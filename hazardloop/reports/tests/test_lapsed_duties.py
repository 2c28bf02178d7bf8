"""Units with lapsed duties in the statistics (obligations.UnitDutyCount, reports/duty_counts.py):
per region row and in total, by sector, for a campaign the units in its scope; the aggregates
give the live figures and follow a recount; the API, the dashboard and the ranking show them."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.accounts.access import Scope, scope_for
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.obligations.models import UnitDutyCount
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates, duty_counts
from hazardloop.reports.stats import region_stats
from hazardloop.testing import CITY, HOME, NEIGHBOUR, api_client, make_unit, web_client

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _no_refresh_on_read(settings):
    settings.STATS_MAX_AGE_SECONDS = 10**9


def lapsed(unit, n, at=None):
    UnitDutyCount.objects.update_or_create(
        unit=unit,
        defaults={
            "region_code": unit.region_id,
            "sector_id": unit.sector_id,
            "lapsed": n,
            "lapsed_patrols": n,
            "lapsed_other": 0,
            "computed_at": at or timezone.now(),
        },
    )


@pytest.fixture
def world(cast):
    lpg = make_unit(HOME, sector="lodging", gas_use="bottled_lpg")
    lapsed(cast.unit, 3)
    lapsed(cast.other_unit, 0)  # counted, nothing lapsed
    lapsed(cast.neighbour_unit, 2)
    lapsed(lpg, 1)
    make_unit(HOME)  # never counted yet
    return lpg


def figures(scope, code, *, live, campaign=None):
    stats = region_stats(
        scope, Region.objects.get(code=code), start=DAY, end=DAY, campaign=campaign, live=live
    )
    rows = {
        r.code: (r.counts["units_with_lapsed_duties"], r.counts["lapsed_duties"])
        for r in stats.rows
    }
    return rows, stats.total.as_dict(), duty_counts.sectors(scope, stats)


def test_each_region_row_counts_them_and_the_aggregates_agree(cast, world):
    aggregates.refresh()
    scope = scope_for(cast.city_regulator, "stats.view")
    rows, total, sectors = figures(scope, CITY, live=True)
    assert rows[HOME] == (2, 4) and rows[NEIGHBOUR] == (1, 2)
    assert (total["units_with_lapsed_duties"], total["lapsed_duties"]) == (3, 6)
    assert total["lapsed_duty_rate"] == round(3 * 100 / total["units_in_scope"], 1)
    assert {s["code"]: s["units"] for s in sectors} == {"catering": 2, "lodging": 1}
    assert figures(scope, CITY, live=False) == (rows, total, sectors)
    for who, code in [
        (Scope(everything=True), "220000"),
        (scope_for(cast.regulator, "stats.view"), HOME),
    ]:
        assert figures(who, code, live=False) == figures(who, code, live=True)
    # the county regulator sees only their county's units
    county = figures(scope_for(cast.regulator, "stats.view"), HOME, live=True)[1]
    assert county["units_with_lapsed_duties"] == 2


def test_a_campaign_counts_the_units_in_its_scope(cast, world):
    campaign = make_campaign(cast.province_regulator, "220000", unit_filters=["bottled_lpg"])
    aggregates.refresh()
    scope = scope_for(cast.city_regulator, "stats.view")
    rows, total, sectors = figures(scope, CITY, live=True, campaign=campaign)
    assert rows[HOME] == (1, 1) and total["units_with_lapsed_duties"] == 1
    assert sectors == [{"code": "lodging", "name": sectors[0]["name"], "units": 1}]
    assert figures(scope, CITY, live=False, campaign=campaign) == (rows, total, sectors)


def test_a_recount_of_duties_reaches_the_aggregates(cast, world):
    aggregates.refresh()
    scope = Scope(everything=True)
    before = figures(scope, CITY, live=False)[1]["units_with_lapsed_duties"]
    later = timezone.now() + dt.timedelta(hours=1)
    for row in UnitDutyCount.objects.all():
        lapsed(row.unit, 0, at=later)
    lapsed(cast.other_unit, 5, at=later)
    done = aggregates.refresh()
    assert not done["full"]
    after = figures(scope, CITY, live=False)
    assert before == 3 and after[1]["units_with_lapsed_duties"] == 1
    assert after == figures(scope, CITY, live=True)
    assert aggregates.refresh()["buckets"] == 0  # nothing new: nothing rebuilt


def test_the_api_the_dashboard_and_the_ranking_show_them(cast, world):
    period = f"from={DAY.isoformat()}&to={DAY.isoformat()}"
    body = api_client(cast.city_regulator).get(
        f"/api/v1/stats/regions?parent={CITY}&{period}&indicator=lapsed_duty_rate"
    )
    assert body.status_code == 200
    data = body.json()
    assert data["total"]["units_with_lapsed_duties"] == 3
    assert {s["code"]: s["units"] for s in data["lapsed_by_sector"]} == {
        "catering": 2,
        "lodging": 1,
    }
    ranks = {r["code"]: r["rank"] for r in data["rows"] if r["rank"] is not None}
    # fewer is better: the neighbour (1 of 1 unit) ranks below Nanguan (2 of 4)
    assert ranks[HOME] < ranks[NEIGHBOUR]
    page = web_client(cast.city_regulator).get(f"/stats/?region={CITY}&{period}")
    html = page.content.decode()
    assert 'data-testid="lapsed-units">3<' in html
    assert "未履行职责的单位" in html and 'data-testid="lapsed-by-sector"' in html
    assert "/duties/lapsed/?region=2201" in html
    ranked = web_client(cast.city_regulator).get(
        f"/stats/?region={CITY}&{period}&indicator=lapsed_duty_rate"
    )
    assert ranked.status_code == 200 and "未履行职责的单位比例" in ranked.content.decode()
