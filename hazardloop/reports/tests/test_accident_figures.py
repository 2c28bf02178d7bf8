"""The scheduling meeting's accident figures in the statistics: per region row and in total,
the same period a year before (同比) and 双下降, on the API, the dashboard and the daily report."""

import datetime as dt

import pytest

from hazardloop.accidents.tests.factories import T0, make_accident
from hazardloop.accounts.access import scope_for
from hazardloop.regions.models import Region
from hazardloop.reports.scheduling import summary_lines
from hazardloop.reports.stats import region_stats
from hazardloop.testing import CITY, api_client, web_client

pytestmark = pytest.mark.django_db
DAY = T0.date()
YEAR_AGO = T0 - dt.timedelta(days=365)


def _accidents(cast):
    make_accident(cast.unit_manager, unit=cast.unit, deaths=1)
    for _i in range(2):  # a year before: two in Nanguan with three deaths in all
        make_accident(
            cast.regulator,
            region_code="220102",
            occurred_at=YEAR_AGO,
            now=YEAR_AGO + dt.timedelta(minutes=5),
            deaths=1,
        )
    make_accident(
        cast.regulator, region_code="220102", occurred_at=YEAR_AGO, now=YEAR_AGO, deaths=1
    )
    # a year before in the neighbouring county, seen by the city only
    make_accident(
        cast.neighbour_regulator,
        region_code=cast.neighbour_unit.region_id,
        occurred_at=YEAR_AGO,
        now=YEAR_AGO,
    )


def test_each_region_row_counts_its_accidents_and_last_year(cast):
    _accidents(cast)
    city = Region.objects.get(code=CITY)
    stats = region_stats(
        scope_for(cast.city_regulator, "stats.view"), city, start=DAY, end=DAY, live=True
    )
    rows = {r.code: r for r in stats.rows}
    nanguan = rows["220102"].counts
    assert (nanguan["accidents"], nanguan["accident_deaths"]) == (1, 1)
    assert (nanguan["accidents_last_year"], nanguan["accident_deaths_last_year"]) == (3, 3)
    assert rows["220102"].rates["accidents_both_down"] is True
    neighbour = rows[cast.neighbour_unit.region_id].counts
    assert (neighbour["accidents"], neighbour["accidents_last_year"]) == (0, 1)
    assert stats.total.counts["accidents_last_year"] == 4
    # the county regulator counts only its own county
    county = region_stats(
        scope_for(cast.regulator, "stats.view"),
        Region.objects.get(code="220102"),
        start=DAY,
        end=DAY,
        live=True,
    )
    assert county.total.counts["accidents_last_year"] == 3


def test_the_api_the_dashboard_and_the_daily_report_show_them(cast):
    _accidents(cast)
    period = f"from={DAY.isoformat()}&to={DAY.isoformat()}"
    body = api_client(cast.city_regulator).get(f"/api/v1/stats/regions?parent={CITY}&{period}")
    total = body.json()["total"]
    assert (total["accidents"], total["accidents_last_year"]) == (1, 4)
    assert total["accidents_both_down"] is True
    page = web_client(cast.regulator).get(f"/stats/?region=220102&{period}").content.decode()
    assert 'data-testid="accident-kpis"' in page and 'data-testid="both-down"' in page
    assert "去年同期 3" in page and "实现双下降" not in page
    stats = region_stats(
        scope_for(cast.regulator, "stats.view"),
        Region.objects.get(code="220102"),
        start=DAY,
        end=DAY,
        live=True,
    )
    from django.utils import translation

    with translation.override("zh-hans"):
        lines = summary_lines(stats.rows)
    assert any("事故 1 起（去年同期 3 起）" in line and "实现双下降" in line for line in lines)


def test_the_dashboards_usual_question_counts_them_as_the_live_figures_do(cast, monkeypatch):
    """With the roll-ups built, the accidents (with the hazards due today before now) are
    counted in one statement with the moment's other figures (reports/together.py): the same
    numbers, region by region, as the live computation."""
    from hazardloop.reports import aggregates, together

    _accidents(cast)
    make_accident(
        cast.regulator, region_code="220102", occurred_at=T0, deaths=2, serious_injuries=3
    )
    aggregates.refresh()
    asked = []
    now_rows = together.now_rows
    monkeypatch.setattr(together, "now_rows", lambda *a: asked.append(a) or now_rows(*a))
    province = Region.objects.get(code="220000")
    for scope, parent in (
        (scope_for(cast.city_regulator, "stats.view"), Region.objects.get(code=CITY)),
        (scope_for(cast.regulator, "stats.view"), Region.objects.get(code="220102")),
        (scope_for(cast.province_regulator, "stats.view"), province),
    ):
        now = T0 + dt.timedelta(hours=2)
        rolled = region_stats(scope, parent, start=DAY, end=DAY, now=now)
        live = region_stats(scope, parent, start=DAY, end=DAY, now=now, live=True)
        assert rolled.row_dicts() == live.row_dicts()
        assert rolled.total.as_dict() == live.total.as_dict()
    assert len(asked) == 3  # each read the moment's figures in the one statement
    city = region_stats(
        scope_for(cast.city_regulator, "stats.view"),
        Region.objects.get(code=CITY),
        start=DAY,
        end=DAY,
    )
    counts = {r.code: r.counts for r in city.rows}["220102"]
    assert (counts["accidents"], counts["accident_deaths"]) == (2, 3)
    assert counts["accident_serious_injuries"] == 3
    assert (counts["accidents_last_year"], counts["accident_deaths_last_year"]) == (3, 3)
