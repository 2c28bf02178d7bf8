"""The dashboards' usual question answered ahead by the sweep (reports/ahead.py): the first read
after a refresh takes the stored answer instead of the roll-up statement, with the same figures
as the statement and as the live count; another period still counts; a refresh that changes
something makes the older answers unused, and the next sweep deletes them; the sweep step is
idempotent."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.accounts.access import Scope, scope_for
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates, ahead
from hazardloop.reports.models import AnsweredAhead, HazardRoll, StatsRefresh
from hazardloop.reports.stats import region_stats
from hazardloop.reports.tests.test_aggregates import NOW, World, at
from hazardloop.testing import make_unit
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate(NOW)
MONTH = (TODAY - dt.timedelta(days=29), TODAY)


@pytest.fixture(autouse=True)
def _no_refresh_on_read(settings):
    settings.STATS_MAX_AGE_SECONDS = 10**9


def read(scope, parent, start, end, *, live=False):
    """(figures, whether the roll-up statement ran, whether an answer was looked up)."""
    region = Region.objects.get(code=parent)
    with CaptureQueriesContext(connection) as ctx:
        stats = region_stats(scope, region, start=start, end=end, now=NOW, live=live)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    return (
        (stats.row_dicts(), stats.total.as_dict()),
        HazardRoll._meta.db_table in sql,
        AnsweredAhead._meta.db_table in sql,
    )


def test_the_sweep_answers_every_region_with_children_for_each_period(cast):
    World(cast)
    aggregates.refresh()
    made = ahead.answer_ahead_once(NOW)
    # The province, the city, the county and the township with children (PARENTS), × 2.
    parents = set(Region.objects.filter(children__isnull=False).values_list("code", flat=True))
    assert made == len(parents) * len(settings.STATS_AHEAD_DAYS) > 0
    assert ahead.answer_ahead_once(NOW) == 0  # idempotent
    assert AnsweredAhead.objects.count() == made


@pytest.mark.parametrize("parent", ["220000", "220100", "220102"])
def test_the_first_read_after_the_refresh_takes_the_answer_with_the_same_figures(cast, parent):
    World(cast)
    aggregates.refresh()
    ahead.answer_ahead_once(NOW)
    everything = Scope(everything=True)
    answered, counted, looked = read(everything, parent, *MONTH)
    assert looked and not counted
    assert answered == read(everything, parent, *MONTH, live=True)[0]
    # The same question through the statement, as before the sweep answered it.
    AnsweredAhead.objects.all().delete()
    aggregates.refresh(full=True)  # a new token: nothing kept in this process either
    statement, counted, _ = read(everything, parent, *MONTH)
    assert counted and statement == answered


def test_a_region_scope_reads_the_answer_of_its_own_region_only(cast):
    world = World(cast)
    aggregates.refresh()
    ahead.answer_ahead_once(NOW)
    city = scope_for(world.cast.city_regulator, "stats.view")
    answered, counted, looked = read(city, "220100", *MONTH)
    assert looked and not counted
    assert answered == read(city, "220100", *MONTH, live=True)[0]
    # The province's children are not all the city's: the roll-ups do not answer, nor does
    # the province's stored answer.
    _figures, counted, looked = read(city, "220000", *MONTH)
    assert not looked


def test_another_period_is_counted(cast):
    World(cast)
    aggregates.refresh()
    ahead.answer_ahead_once(NOW)
    week = (TODAY - dt.timedelta(days=6), TODAY)
    figures, counted, looked = read(Scope(everything=True), "220000", *week)
    assert counted and not looked  # not a period the sweep answers: not looked up
    assert figures == read(Scope(everything=True), "220000", *week, live=True)[0]


def test_a_refresh_that_changes_something_leaves_the_older_answers_unused(cast):
    world = World(cast)
    aggregates.refresh()
    ahead.answer_ahead_once(NOW)
    everything = Scope(everything=True)
    before, _counted, _looked = read(everything, "220000", *MONTH)
    old = set(AnsweredAhead.objects.values_list("generation", flat=True))
    world.hazard(world.units[4], found=at(10, 2), status="ordered", due=at(10, 5))
    aggregates.refresh()
    after, counted, looked = read(everything, "220000", *MONTH)
    assert looked and counted  # the new token has no answer yet
    assert after != before
    assert after == read(everything, "220000", *MONTH, live=True)[0]
    assert ahead.answer_ahead_once(NOW) > 0
    assert not AnsweredAhead.objects.filter(generation__in=old).exists()
    aggregates.refresh(full=True)  # nothing kept in this process, the answers of the old token
    assert read(everything, "220000", *MONTH)[0] == after


def test_nothing_is_answered_before_the_aggregates_are_built(cast):
    World(cast)
    assert ahead.answer_ahead_once(NOW) == 0
    assert not AnsweredAhead.objects.exists()


def test_the_periods_are_a_setting(cast, settings):
    World(cast)
    aggregates.refresh()
    settings.STATS_AHEAD_DAYS = [7, 0, -3, 7]  # no period of zero or fewer days; one of 7
    week = (TODAY - dt.timedelta(days=6), TODAY)
    parents = Region.objects.filter(children__isnull=False).distinct().count()
    assert ahead.answer_ahead_once(NOW) == parents
    assert read(Scope(everything=True), "220000", *week)[1:] == (False, True)
    settings.STATS_AHEAD_DAYS = []  # turned off
    aggregates.refresh(full=True)
    assert ahead.answer_ahead_once(NOW) == 0


def _counted_parents(monkeypatch) -> list[str]:
    """The parents whose answers the sweep counts (not carried), as it counts them."""
    counted: list[str] = []
    count = ahead.together.rows

    def counting(parent, *args):
        counted.append(parent.code)
        return count(parent, *args)

    monkeypatch.setattr(ahead.together, "rows", counting)
    return counted


def test_a_refresh_that_touched_one_county_counts_only_its_ancestors_again(cast, monkeypatch):
    world = World(cast)
    aggregates.refresh()
    first = ahead.answer_ahead_once(NOW)
    counted = _counted_parents(monkeypatch)
    world.hazard(world.units[7], found=at(10, 2), status="ordered", due=at(10, 5))  # in 220202
    # A unit's risk moves at most steps: the units are counted again, and no region's units'
    # figures move.
    Unit.objects.filter(pk=world.units[7].pk).update(risk_level="high", updated_at=timezone.now())
    aggregates.refresh()
    assert StatsRefresh.objects.get().touched == ["220202"]
    assert ahead.answer_ahead_once(NOW) == first  # every question answered again
    periods = len(settings.STATS_AHEAD_DAYS)
    assert sorted(counted) == sorted(["220000", "220200"] * periods)  # the others carried
    assert ahead.answer_ahead_once(NOW) == 0
    # Carried or counted, every answer is the live figure, and is read instead of counting.
    everything = Scope(everything=True)
    for parent in Region.objects.filter(children__isnull=False).distinct():
        answered, rolled, looked = read(everything, parent.code, *MONTH)
        assert looked and not rolled
        assert answered == read(everything, parent.code, *MONTH, live=True)[0]


def test_a_unit_added_touches_its_region(cast, monkeypatch):
    World(cast)
    aggregates.refresh()
    first = ahead.answer_ahead_once(NOW)
    counted = _counted_parents(monkeypatch)
    make_unit("220202", sector="lodging")
    aggregates.refresh()
    # The units' roll-up rows that moved: the county's, its prefecture's, the province's.
    assert StatsRefresh.objects.get().touched == ["22", "2202", "220202"]
    assert ahead.answer_ahead_once(NOW) == first
    assert sorted(counted) == sorted(["220000", "220200"] * len(settings.STATS_AHEAD_DAYS))
    everything = Scope(everything=True)
    for parent in ("220000", "220200", "220100"):
        answered, rolled, looked = read(everything, parent, *MONTH)
        assert looked and not rolled
        assert answered == read(everything, parent, *MONTH, live=True)[0]


def test_nothing_is_carried_over_a_full_refresh_or_a_token_the_sweep_did_not_answer(
    cast, monkeypatch
):
    world = World(cast)
    aggregates.refresh()
    first = ahead.answer_ahead_once(NOW)
    counted = _counted_parents(monkeypatch)
    aggregates.refresh(full=True)
    assert StatsRefresh.objects.get().touched is None
    assert ahead.answer_ahead_once(NOW) == first == len(counted)
    # Two refreshes that changed something, the sweep answering after the second only: the
    # stored answers are not of the token before the current one.
    counted.clear()
    world.hazard(world.units[7], found=at(10, 2), status="ordered", due=at(10, 5))
    aggregates.refresh()
    world.hazard(world.units[7], found=at(10, 3), status="ordered", due=at(10, 6))
    aggregates.refresh()
    assert ahead.answer_ahead_once(NOW) == first == len(counted)
    # A new day: yesterday's answers are not today's.
    counted.clear()
    world.hazard(world.units[7], found=at(10, 4), status="ordered", due=at(10, 7))
    aggregates.refresh()
    assert ahead.answer_ahead_once(NOW + dt.timedelta(days=1)) == first == len(counted)
