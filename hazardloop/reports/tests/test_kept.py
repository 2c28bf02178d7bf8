"""What the statistics keep between refreshes of the aggregates (reports/kept.py): a second read
gives the same figures with fewer queries; a refresh that changes anything makes the next read
count again, one that finds nothing new does not; the live counts stay live; and what was
counted for one scope is never given to another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazardloop.accounts.access import Scope, scope_for
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates, kept
from hazardloop.reports.tests.test_aggregates import NOW, PERIODS, World, at, figures
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db
START, END = PERIODS[1]


@pytest.fixture(autouse=True)
def _no_refresh_on_read(settings):
    settings.STATS_MAX_AGE_SECONDS = 10**9


def counted(scope, parent, **kw):
    with CaptureQueriesContext(connection) as ctx:
        out = figures(scope, parent, live=False, now=NOW, start=START, end=END, **kw)
    return out, len(ctx.captured_queries)


@pytest.mark.parametrize("parent", ["220000", "220100", "220102"])
def test_a_second_read_is_kept_with_the_same_figures(cast, parent):
    World(cast)
    aggregates.refresh()
    everything = Scope(everything=True)
    first, cold = counted(everything, parent, campaign=None)
    second, warm = counted(everything, parent, campaign=None)
    assert second == first
    assert second == figures(everything, parent, live=True, now=NOW, start=START, end=END,
                             campaign=None)  # fmt: skip
    assert warm < cold, (warm, cold)


def test_a_refresh_that_changes_something_counts_again(cast):
    world = World(cast)
    aggregates.refresh()
    everything = Scope(everything=True)
    before, _ = counted(everything, "220000", campaign=None)
    generation = aggregates.state().generation
    assert generation
    # A refresh that finds nothing new keeps the token, and what was kept.
    aggregates.refresh()
    assert aggregates.state().generation == generation
    assert counted(everything, "220000", campaign=None)[0] == before
    # A new hazard: the figures read before the refresh are the kept ones (the aggregates do
    # not know it yet), after it the new ones, equal to the live count.
    world.hazard(world.units[4], found=at(10, 2), status="ordered", due=at(10, 5))
    assert counted(everything, "220000", campaign=None)[0] == before
    aggregates.refresh()
    assert aggregates.state().generation != generation
    after, _ = counted(everything, "220000", campaign=None)
    assert after != before
    live = figures(everything, "220000", live=True, now=NOW, start=START, end=END, campaign=None)
    assert after == live
    assert after[1]["hazards_found"] == before[1]["hazards_found"] + 1


def test_the_counts_at_now_stay_live(cast):
    World(cast)
    aggregates.refresh()
    everything = Scope(everything=True)
    region = Region.objects.get(code="220000")
    kw = {"live": False, "start": START, "end": END, "campaign": None}
    # The same day (one kept entry), before and after this morning's deadlines.
    early = figures(everything, "220000", now=at(10, 8, 8), **kw)
    late = figures(everything, "220000", now=at(10, 8, 20), **kw)
    assert late[1]["overdue"] > early[1]["overdue"]
    for now, got in ((at(10, 8, 8), early), (at(10, 8, 20), late)):
        assert got == figures(everything, region.code, now=now, **{**kw, "live": True})


def test_what_is_counted_for_one_scope_is_never_given_to_another(cast):
    world = World(cast)
    aggregates.refresh()
    county = scope_for(cast.regulator, "stats.view")
    city = scope_for(cast.city_regulator, "stats.view")
    everything = Scope(everything=True)
    assert county != city
    # The city's figures counted inside a county's scope (a part of the city: read from the
    # base tables with the scope's filter) first, then inside wider scopes.
    other = Scope(prefixes=("220105",))  # another county of the same city
    seen = {}
    for name, scope in (
        ("county", county), ("other", other), ("city", city), ("everything", everything)
    ):  # fmt: skip
        for _ in range(2):  # the second read is the kept one
            got, _ = counted(scope, "220100", campaign=None)
            assert got == figures(scope, "220100", live=True, now=NOW, start=START, end=END,
                                  campaign=None), name  # fmt: skip
        seen[name] = got
    assert seen["county"][1]["hazards_found"] < seen["city"][1]["hazards_found"]
    assert seen["other"][1]["hazards_found"] != seen["county"][1]["hazards_found"]
    # A campaign's figures are kept apart from the period's.
    with_campaign, _ = counted(everything, "220000", campaign=world.campaign)
    assert with_campaign != counted(everything, "220000", campaign=None)[0]
    # The keys themselves differ by scope.
    fresh = aggregates.state()
    keys = {kept.key_for("region_rows", fresh, s, ("220100",)) for s in (county, city, everything)}
    assert len(keys) == 3


def test_nothing_is_kept_without_a_token(cast):
    World(cast)
    aggregates.refresh()
    fresh = aggregates.state()
    fresh.generation = ""
    calls = []
    for _ in range(2):
        kept.kept("x", fresh, Scope(everything=True), (), lambda: calls.append(1))
    assert len(calls) == 2


def test_the_api_reads_the_kept_figures_for_two_users_of_different_regions(cast):
    World(cast)
    aggregates.refresh()
    period = f"from={START}&to={END}"
    province = api_client(cast.province_regulator)
    county = api_client(cast.regulator)
    first = province.get(f"/api/v1/stats/regions?parent=220000&{period}").json()
    # The county regulator may not read the province: not found, also once the province's
    # figures are kept.
    assert county.get(f"/api/v1/stats/regions?parent=220000&{period}").status_code == 404
    mine = county.get(f"/api/v1/stats/regions?{period}").json()
    assert mine["parent"]["code"] == "220102"
    assert province.get(f"/api/v1/stats/regions?parent=220000&{period}").json() == first


def test_the_roll_ups_are_read_in_one_statement(cast):
    World(cast)
    aggregates.refresh()
    with CaptureQueriesContext(connection) as ctx:
        figures(Scope(everything=True), "220000", live=False, now=NOW, start=START, end=END,
                campaign=None)  # fmt: skip
    rolled = [q["sql"] for q in ctx.captured_queries if "reports_hazardroll" in q["sql"]]
    # One for the region's children (all nine parts), one for the trend's found per day.
    assert len(rolled) == 2, rolled
    assert sum("UNION ALL" in sql for sql in rolled) == 1
