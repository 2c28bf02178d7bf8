"""Every level's totals equal the ledger's counts for the same scope and period — with and
without townships loaded, with records at a parent's own code — and the rows add up to them.

The ledger: the units and hazards a user sees on the lists (`scope_for(user, "unit.view")`,
`Hazard.objects.visible_to(user)`), found in the period, overdue at now.
"""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.accounts.access import scope_for
from hazardloop.hazards.models import Hazard
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates
from hazardloop.reports.stats import COUNTS, region_stats
from hazardloop.testing import api_client, make_unit
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db

# cast member → the region its statistics open on (the top of its scope)
LEVELS = [
    ("province_regulator", "220000"),
    ("city_regulator", "220100"),
    ("regulator", "220102"),
    ("inspector", "220102"),
    ("neighbour_inspector", "220103"),
]
TOWNSHIP = "220102001"


def _hazard(unit, now, *, days_ago, due_in, status="ordered", grade="general", **extra):
    found = now - dt.timedelta(days=days_ago)
    due = now + dt.timedelta(days=due_in)
    return Hazard.objects.create(
        unit=unit,
        region_code=unit.region_id,
        sector_code=unit.sector_id,
        source="inspection",
        title="测试隐患",
        description="-",
        grade=grade,
        status=status,
        found_at=found,
        due_at=due,
        original_due_at=due,
        **extra,
    )


def build(cast, now, *, townships: bool) -> None:
    """Hazards at county, township, prefecture and province codes, inside and outside the
    period, open, overdue and closed."""
    units = [cast.unit, cast.other_unit, cast.neighbour_unit]
    if townships:
        Region.objects.create(
            code=TOWNSHIP, parent_id="220102", level="township", name_zh="永长街道"
        )
        Region.objects.create(
            code="220102002", parent_id="220102", level="township", name_zh="鸿城街道"
        )
        units.append(make_unit(TOWNSHIP, name="永长街道饭店"))
    units.append(make_unit("220100", name="市直属单位"))  # at the prefecture's own code
    units.append(make_unit("220000", name="省直属单位"))  # at the province's own code
    units.append(make_unit("220204", name="吉林市单位"))  # another prefecture
    for i, unit in enumerate(units):
        _hazard(unit, now, days_ago=3, due_in=-1)  # overdue
        _hazard(unit, now, days_ago=2, due_in=5, grade="major")  # open, not yet due
        _hazard(
            unit, now, days_ago=4, due_in=-2, status="closed", closed_at=now - dt.timedelta(days=3)
        )
        if i % 2:
            _hazard(unit, now, days_ago=60, due_in=-50)  # before the period, overdue


def ledger(user, start, end, now) -> dict:
    tz = timezone.get_default_timezone()
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    hazards = Hazard.objects.visible_to(user).filter(found_at__gte=lo, found_at__lt=hi)
    units = scope_for(user, "unit.view").filter(Unit.objects.all(), "region", "pk")
    return {
        "units_in_scope": units.count(),
        "hazards_found": hazards.count(),
        "major": hazards.filter(grade="major").count(),
        "general": hazards.filter(grade="general").count(),
        "rectified": hazards.done().count(),
        "overdue": hazards.overdue(now).count(),
    }


def _assert_adds_up(stats):
    for name in COUNTS:
        assert sum(r.counts[name] for r in stats.rows) == stats.total.counts[name], name


@pytest.mark.parametrize("townships", [False, True], ids=["no-townships", "townships"])
@pytest.mark.parametrize("member,top", LEVELS, ids=[m for m, _t in LEVELS])
def test_totals_equal_the_ledger_at_every_level(cast, member, top, townships):
    now = timezone.now()
    build(cast, now, townships=townships)
    user = getattr(cast, member)
    aggregates.refresh()
    response = api_client(user).get("/api/v1/stats/regions")
    assert response.status_code == 200
    body = response.json()
    assert body["parent"]["code"] == top
    start, end = dt.date.fromisoformat(body["start"]), dt.date.fromisoformat(body["end"])
    expected = ledger(user, start, end, timezone.now())
    assert expected["hazards_found"] and expected["overdue"]  # the test counts something
    for name, value in expected.items():
        assert body["total"][name] == value, name
        assert sum(r[name] for r in body["rows"]) == value, name
    parent = Region.objects.get(code=top)
    scope = scope_for(user, "stats.view")
    for live in (True, False):
        stats = region_stats(scope, parent, start=start, end=end, now=now, live=live)
        for name, value in expected.items():
            assert stats.total.counts[name] == value, (live, name)
        _assert_adds_up(stats)


@pytest.mark.parametrize("townships", [False, True], ids=["no-townships", "townships"])
def test_a_county_totals_its_own_records(cast, townships):
    """A county without townships has one row, its own; with townships, the county-level units
    appear in the "directly under" row beside the townships."""
    now = timezone.now()
    build(cast, now, townships=townships)
    county = Region.objects.get(code="220102")
    scope = scope_for(cast.regulator, "stats.view")
    for live in (True, False):
        stats = region_stats(scope, county, now=now, live=live)
        own = [r for r in stats.rows if r.own]
        assert len(own) == 1 and own[0].rank is None
        assert own[0].name == "南关区（本级）"
        assert own[0].counts["units_in_scope"] == 2  # the two county-level units of the cast
        if townships:
            codes = [r.code for r in stats.child_rows]
            assert codes == [TOWNSHIP, "220102002"]
            assert stats.child_rows[0].counts["units_in_scope"] == 1
            assert stats.child_rows[0].counts["overdue"] == 1
        else:
            assert stats.child_rows == []
        assert stats.total.counts["units_in_scope"] == 3 if townships else 2
        _assert_adds_up(stats)


def test_a_prefecture_shows_its_directly_under_units(cast):
    now = timezone.now()
    build(cast, now, townships=False)
    city = Region.objects.get(code="220100")
    stats = region_stats(scope_for(cast.city_regulator, "stats.view"), city, now=now, live=True)
    own = stats.rows[-1]
    assert own.own and own.code == "220100" and own.counts["hazards_found"] == 3
    assert all(not r.own for r in stats.rows[:-1])
    # a parent with nothing at its own code has no "directly under" row
    Hazard.objects.filter(region_code="220100").delete()
    Unit.objects.filter(region_id="220100").delete()
    again = region_stats(scope_for(cast.city_regulator, "stats.view"), city, now=now, live=True)
    assert not any(r.own for r in again.rows)


def test_county_dashboard_without_townships_shows_figures_and_units(cast):
    from hazardloop.testing import web_client

    now = timezone.now()
    build(cast, now, townships=False)
    page = web_client(cast.regulator).get("/stats/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="unit-table"' in body and cast.unit.name in body
    stats = page.context["stats"]
    assert stats.total.counts["units_in_scope"] == 2
    assert stats.total.counts["overdue"] == 2
