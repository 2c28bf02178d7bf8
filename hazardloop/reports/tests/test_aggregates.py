"""The maintained aggregates give exactly the live figures: after a full build, after each kind
of change and the incremental refresh that follows it, for every parent level, period, campaign
and scope; and a second refresh changes nothing."""

import datetime as dt
import itertools
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.accounts.access import Scope, scope_for
from hazardloop.campaigns import services as campaign_services
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.checklists.tests.factories import make_template
from hazardloop.core.sweeps import run_all_once
from hazardloop.hazards import services as hazard_services
from hazardloop.hazards.choices import Category
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.services.ladder import escalate
from hazardloop.inspections.choices import Mode
from hazardloop.inspections.models import Inspection
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates, rollups
from hazardloop.reports.charts import breakdowns, daily_trend
from hazardloop.reports.models import (
    HazardDay,
    HazardRoll,
    InspectionDay,
    InspectionRoll,
    UnitCount,
    UnitLast,
    UnitRoll,
)
from hazardloop.reports.stats import region_stats
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.testing import make_department, make_unit
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
NOW = timezone.make_aware(dt.datetime(2022, 10, 8, 12, 0), TZ)
PERIODS = [
    (dt.date(2022, 10, 1), dt.date(2022, 10, 7)),
    (dt.date(2022, 9, 20), dt.date(2022, 10, 8)),
    (dt.date(2022, 10, 8), dt.date(2022, 10, 8)),
]
PARENTS = ["220000", "220100", "220102", "220102001"]
TABLES = aggregates.TABLES + aggregates.ROLLUPS


def at(month, day, hour=10, minute=0):
    return timezone.make_aware(dt.datetime(2022, month, day, hour, minute), TZ)


@pytest.fixture(autouse=True)
def _no_refresh_on_read(settings):
    # Only the refreshes the tests call: a read never rebuilds behind their back.
    settings.STATS_MAX_AGE_SECONDS = 10**9


class World:
    def __init__(self, cast):
        self.cast = cast
        for n in (1, 2):
            Region.objects.create(
                code=f"22010200{n}",
                parent_id="220102",
                level="township",
                name_zh=f"测试街道{n}",
                name_en=f"Test street {n}",
            )
        self.version = make_template(actor=cast.admin).versions.get(is_current=True)
        self.units = [
            cast.unit,
            cast.other_unit,
            cast.neighbour_unit,
            make_unit("220102001", gas_use="bottled_lpg"),
            make_unit("220102002", sector="lodging", is_crowded_place=True),
            make_unit("220102001", sector="retail", gas_use="bottled_lpg"),
            make_unit("220105", gas_use="bottled_lpg"),
            make_unit("220202", sector="lodging"),
        ]
        make_unit("220104")  # units in scope, nothing else
        self.campaign = make_campaign(
            cast.province_regulator, "220000", unit_filters=["bottled_lpg"]
        )
        self.docs = itertools.count(1)
        self.build()

    def inspect(self, unit, mode, when, campaign=None, region_code=None):
        return Inspection.objects.create(
            client_id=uuid.uuid4(),
            unit=unit,
            region_code=region_code or unit.region_id,
            template_version=self.version,
            mode=mode,
            campaign_id=campaign.pk if campaign else None,
            inspector=self.cast.inspector,
            received_at=when,
        )

    def hazard(self, unit, *, found, status, grade="general", due=None, campaign=None, **extra):
        return Hazard.objects.create(
            unit=unit,
            region_code=unit.region_id,
            sector_code=unit.sector_id,
            source="inspection",
            title="聚合测试隐患",
            description="-",
            grade=grade,
            status=status,
            found_at=found,
            due_at=due,
            original_due_at=due,
            campaign_id=campaign.pk if campaign else None,
            submitted_by=self.cast.unit_manager if status == "submitted" else None,
            submitted_at=found if status == "submitted" else None,
            **extra,
        )

    def document(self, hazard, when):
        n = next(self.docs)
        return EnforcementDocument.objects.create(
            token=f"agg{n}",
            kind="rectify_order",
            department=make_department(hazard.region_code[:6]),
            year=2022,
            seq=n,
            number=f"测试〔2022〕第{n:04d}号",
            hazard=hazard,
            unit=hazard.unit,
            region_code=hazard.region_code,
            issued_at=when,
            content_hash="0" * 64,
        )

    def build(self):
        # Found times include the edges of local days (00:10 and 23:50).
        found_times = [
            at(9, 25, 23, 50),
            at(10, 1, 0, 10),
            at(10, 3),
            at(10, 7, 23, 50),
            at(10, 8, 9),
        ]
        # Deadlines: long past, this morning (overdue at NOW), this evening (not yet), later, none.
        dues = [at(9, 30), at(10, 8, 9), at(10, 8, 18), at(10, 20), None]
        categories = Category.values
        statuses = ["found", "ordered", "rectifying", "submitted", "verified", "closed"]
        self.hazards = []
        for i, (unit, found) in enumerate(itertools.product(self.units, found_times)):
            status = statuses[i % len(statuses)]
            due = dues[i % len(dues)]
            extra = {}
            if status in ("verified", "closed"):
                due = due or at(10, 10)
                done = found + dt.timedelta(days=(1, 30)[i % 2])  # on time or late
                extra["verified_at" if status == "verified" else "closed_at"] = done
            self.hazards.append(
                self.hazard(
                    unit,
                    found=found,
                    status=status,
                    grade="major" if i % 4 == 0 else "general",
                    due=due,
                    campaign=self.campaign if i % 3 == 0 else None,
                    category=categories[i % len(categories)],
                    supervision_level=("none", "listed", "accountability", "letter")[i // 3 % 4],
                    **extra,
                )
            )
        modes = Mode.values
        for j, (unit, when) in enumerate(
            itertools.product(self.units, [at(9, 28), at(10, 2, 0, 5), at(10, 5), at(10, 8, 8)])
        ):
            mode = modes[j % len(modes)]
            self.inspect(unit, mode, when, self.campaign if j % 2 == 0 else None)
            if j % 5 == 0:  # a second inspection of the same unit the same day
                self.inspect(unit, modes[(j + 1) % len(modes)], when + dt.timedelta(hours=1))
        for k, h in enumerate(self.hazards[::3]):
            self.document(h, h.found_at + dt.timedelta(days=k % 3))


def snapshot():
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row)
            for row in model.objects.values_list(
                *[f.attname for f in model._meta.fields if f.name != "id"]
            )
        )
        for model in TABLES
    }


def figures(scope, parent, *, live, **kw):
    region = Region.objects.get(code=parent)
    stats = region_stats(scope, region, live=live, **kw)
    period = {k: kw[k] for k in ("campaign", "start", "end")}
    return (
        stats.row_dicts(),
        stats.total.as_dict(),
        daily_trend(scope, region, live=live, **period),
        {
            k: dict(sorted(v.items()))
            for k, v in breakdowns(scope, region, live=live, **period).items()
        },
    )


def cases(world, every=False):
    """Parents × periods × campaign or none × scopes (all of them, or a smaller cross)."""
    scopes = [Scope(everything=True), scope_for(world.cast.city_regulator, "stats.view")]
    periods = PERIODS if every else PERIODS[1:2]
    if every:
        scopes.append(scope_for(world.cast.regulator, "stats.view"))
    for scope, parent, (start, end), campaign in itertools.product(
        scopes, PARENTS, periods, [None, world.campaign]
    ):
        yield scope, parent, {"campaign": campaign, "start": start, "end": end}


def differences(world, now=NOW, every=False):
    """The cases where the aggregates and the live computation disagree."""
    out = []
    for scope, parent, kw in cases(world, every):
        agg = figures(scope, parent, live=False, now=now, **kw)
        live = figures(scope, parent, live=True, now=now, **kw)
        if agg != live:
            out.append((scope, parent, kw))
    return out


def test_aggregates_equal_the_live_figures_through_changes(cast, monkeypatch):
    world = World(cast)
    # Only the rows that changed are looked at again (the overlap is tested separately).
    monkeypatch.setattr(aggregates, "OVERLAP", 0)
    aggregates.refresh()
    assert aggregates.state().full_at is not None
    assert differences(world, every=True) == []
    # The data exercises every figure (a comparison of zeros would prove nothing).
    total = region_stats(
        Scope(everything=True),
        Region.objects.get(code="220000"),
        start=PERIODS[1][0],
        end=PERIODS[1][1],
        now=NOW,
    ).total.as_dict()
    for name in (
        "units_inspected", "inspections", "leader_led", "unannounced", "self_inspected",
        "hazards_found", "major", "rectified", "on_time", "overdue", "majors_listed",
        "enforcement_actions",
    ):  # fmt: skip
        assert total[name] > 0, name
    assert len(total["inspections_by_mode"]) == len(Mode.values)

    # Overdue moves with `now`, without a refresh: before this morning's deadline, just after
    # it, this evening, and days later.
    for now in (at(10, 8, 8), at(10, 8, 9, 1), at(10, 8, 20), at(10, 21)):
        assert differences(world, now) == [], now

    def changed_then_refreshed():
        before = differences(world)
        aggregates.refresh()
        assert differences(world) == []
        return before

    # A submitted hazard verified and closed through the service (events, no new id).
    submitted = next(h for h in world.hazards if h.status == "submitted")
    hazard_services.verify_hazard(submitted, actor=cast.inspector, passed=True, close=True, now=NOW)
    assert changed_then_refreshed(), "the verification changed no figure"
    # An open hazard climbs the ladder to "listed".
    major = next(
        h
        for h in world.hazards
        if h.grade == "major"
        and h.status in ("found", "ordered")
        and h.supervision_level in ("none", "letter")
    )
    escalate(major, rung="listed", now=NOW, listed_level="county")
    assert changed_then_refreshed(), "the listing changed no figure"
    # A new inspection, a new document, a new hazard.
    world.inspect(world.units[3], "routine", at(10, 6))
    assert changed_then_refreshed()
    world.document(world.hazards[1], at(10, 4))
    assert changed_then_refreshed()
    world.hazard(world.units[4], found=at(10, 2), status="ordered", due=at(10, 5))
    assert changed_then_refreshed()
    # A new unit; a unit starts using bottled LPG (in the campaign's scope now).
    make_unit("220102002", gas_use="bottled_lpg")
    assert changed_then_refreshed()
    world.units[1].gas_use = "bottled_lpg"
    world.units[1].save()
    assert changed_then_refreshed()
    # A unit inspected under another region code (it moved): distinct units counted live.
    world.inspect(world.units[3], "routine", at(10, 7), region_code="220102002")
    assert changed_then_refreshed()
    assert UnitLast.objects.filter(unit_id=world.units[3].pk, split=True).count() == 2
    # A city adopts the campaign; its own hazards and inspections count for the campaign.
    adoption = campaign_services.adopt_campaign(
        world.campaign, actor=cast.city_regulator, region=Region.objects.get(code="220100")
    )
    world.hazard(world.units[5], found=at(10, 3), status="found", due=at(10, 6), campaign=adoption)
    world.inspect(world.units[5], "campaign", at(10, 3), adoption)
    assert changed_then_refreshed()
    for scope, parent, kw in cases(world):
        kw = {**kw, "campaign": adoption}
        assert figures(scope, parent, live=False, now=NOW, **kw) == figures(
            scope, parent, live=True, now=NOW, **kw
        )


def test_refresh_is_idempotent_and_equals_a_full_rebuild(cast):
    world = World(cast)
    aggregates.refresh()
    world.inspect(world.units[0], "patrol", at(10, 6))
    hazard_services.close_hazard(
        next(h for h in world.hazards if h.status == "verified"), actor=cast.inspector, now=NOW
    )
    first = aggregates.refresh()
    assert not first["full"] and first["buckets"] > 0
    incremental = snapshot()
    assert any(incremental.values())
    aggregates.refresh()
    assert snapshot() == incremental
    assert aggregates.refresh(full=True)["full"]
    assert snapshot() == incremental


def test_the_read_refreshes_when_never_built_and_a_unit_scope_is_counted_live(cast, settings):
    world = World(cast)
    parent = Region.objects.get(code="220100")
    assert aggregates.state() is None
    stats = region_stats(
        Scope(everything=True), parent, start=PERIODS[1][0], end=PERIODS[1][1], now=NOW
    )
    assert stats.as_of is not None and HazardDay.objects.exists()
    unit_scope = Scope(unit_ids=(world.units[0].pk,))
    mine = region_stats(unit_scope, parent, start=PERIODS[1][0], end=PERIODS[1][1], now=NOW)
    assert mine.as_of is None
    assert (
        mine.total.counts["hazards_found"]
        == Hazard.objects.filter(
            unit=world.units[0], found_at__gte=at(9, 20, 0), found_at__lt=at(10, 9, 0)
        ).count()
    )
    # Stale beyond the allowed age: the reader refreshes first.
    world.hazard(world.units[0], found=at(10, 2), status="found")
    settings.STATS_MAX_AGE_SECONDS = 0
    again = region_stats(
        Scope(everything=True), parent, start=PERIODS[1][0], end=PERIODS[1][1], now=NOW
    )
    assert again.total.counts["hazards_found"] == stats.total.counts["hazards_found"] + 1


def test_the_sweep_and_the_command_refresh(cast, settings):
    World(cast)
    assert "hazardloop.reports.aggregates.refresh_once" in settings.SWEEP_STEPS
    settings.SWEEP_STEPS = ["hazardloop.reports.aggregates.refresh_once"]
    results = run_all_once(NOW)
    assert results["hazardloop.reports.aggregates.refresh_once"] == 0  # the first run: full
    assert HazardDay.objects.exists()
    call_command("refresh_stats", "--full")
    assert aggregates.state().full_at is not None


def test_a_row_committed_late_with_an_older_id_is_caught_by_the_overlap(cast):
    world = World(cast)
    early = world.hazard(world.units[0], found=at(10, 2), status="found")
    world.hazard(world.units[0], found=at(10, 2), status="found")
    taken = early.pk
    early.delete()  # as if its transaction had not committed yet
    aggregates.refresh()
    assert aggregates.state().hazard_mark > taken
    late = world.hazard(world.units[1], found=at(10, 4), status="found", id=taken)
    assert late.pk == taken
    aggregates.refresh()
    assert differences(world) == []


def test_every_inspection_mode_has_a_column():
    columns = {f.name for f in InspectionRoll._meta.fields}
    assert set(Mode.values) <= {f.name for f in InspectionDay._meta.fields}
    assert set(Mode.values) <= columns


def test_nothing_changed_nothing_rewritten(cast):
    """The sweep's refresh with nothing new rebuilds no bucket and leaves every row as it was
    (the same ids: nothing deleted and inserted again), the overlap at its default."""
    World(cast)
    aggregates.refresh()
    ids = {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in TABLES}
    assert aggregates.refresh()["buckets"] == 0
    assert aggregates.refresh_once(NOW) == 0
    assert {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in TABLES} == ids


def test_the_roll_ups_answer_for_a_covering_scope_and_read_month_rows(cast):
    world = World(cast)
    aggregates.refresh()
    assert aggregates.state().depths == "2,4,6,9"
    province = Region.objects.get(code="220000")
    assert rollups.rolls_answer(Scope(everything=True), province, 4)
    city = scope_for(world.cast.city_regulator, "stats.view")
    assert not rollups.rolls_answer(city, province, 4)
    assert rollups.rolls_answer(city, Region.objects.get(code="220100"), 6)
    assert HazardRoll.objects.filter(month=True, depth=2, prefix="22").exists()


def _random_world(cast, rng):
    """Hazards, inspections and documents at random times over 2021-11 … 2023-01 (two month
    and one year boundary), with every status, deadlines around the frozen clocks."""
    world = World.__new__(World)
    world.cast = cast
    Region.objects.create(
        code="220102001", parent_id="220102", level="township", name_zh="随机街道", name_en="R"
    )
    world.version = make_template(actor=cast.admin).versions.get(is_current=True)
    world.units = [
        cast.unit,
        cast.other_unit,
        cast.neighbour_unit,
        make_unit("220102001", sector="retail", gas_use="bottled_lpg"),
        make_unit("220202", sector="lodging"),
    ]
    world.campaign = make_campaign(cast.province_regulator, "220000")
    world.docs = itertools.count(1)
    start = timezone.make_aware(dt.datetime(2021, 11, 1), TZ)
    span = 430 * 24 * 60  # minutes
    statuses = ["found", "ordered", "rectifying", "submitted", "verified", "closed"]
    world.hazards = []
    for _i in range(160):
        found = start + dt.timedelta(minutes=rng.randrange(span))
        status = rng.choice(statuses)
        due = rng.choice([None, found + dt.timedelta(days=rng.choice([1, 7, 30, 90]))])
        extra = {}
        if status in ("verified", "closed"):
            due = due or found + dt.timedelta(days=15)
            done = found + dt.timedelta(days=rng.randrange(60), minutes=rng.randrange(1440))
            extra["verified_at" if status == "verified" else "closed_at"] = done
        if status in ("found", "submitted", "rectifying") and rng.random() < 0.8:
            # The regulator's clocks, some running out on the frozen days themselves.
            extra["clock"] = {"found": "order", "submitted": "verify"}.get(status, "rectify")
            extra["clock_due_at"] = rng.choice(
                [found + dt.timedelta(days=rng.choice([3, 7, 200])), at(10, 8, 8), at(10, 8, 20),
                 timezone.make_aware(dt.datetime(2023, 1, 1, 0, 1), TZ), None]
            )  # fmt: skip
        world.hazards.append(
            world.hazard(
                rng.choice(world.units),
                found=found,
                status=status,
                grade=rng.choice(["major", "general", "general"]),
                due=due,
                campaign=world.campaign if rng.random() < 0.4 else None,
                category=rng.choice(Category.values),
                supervision_level=rng.choice(["none", "listed", "accountability", "letter"]),
                **extra,
            )
        )
    for _j in range(80):
        when = start + dt.timedelta(minutes=rng.randrange(span))
        campaign = world.campaign if rng.random() < 0.3 else None
        world.inspect(rng.choice(world.units), rng.choice(Mode.values), when, campaign)
    for h in rng.sample(world.hazards, 30):
        world.document(h, h.found_at + dt.timedelta(days=rng.randrange(20)))
    return world


@pytest.mark.parametrize("seed", [1, 2])
def test_roll_ups_equal_raw_counts_on_random_data_across_months_and_years(cast, seed):
    import random

    rng = random.Random(seed)
    world = _random_world(cast, rng)
    aggregates.refresh()
    d = dt.date
    periods = [
        (d(2021, 12, 1), d(2022, 11, 30)),  # whole months only
        (d(2021, 12, 15), d(2022, 1, 14)),  # across the year's end
        (d(2022, 1, 1), d(2022, 12, 31)),  # a calendar year
        (d(2022, 2, 1), d(2022, 2, 28)),  # one whole month
        (d(2022, 2, 28), d(2022, 3, 1)),  # across a month's end
        (d(2021, 11, 30), d(2023, 1, 2)),  # partial months at both ends
    ]
    nows = [at(10, 8, 9, 1), timezone.make_aware(dt.datetime(2023, 1, 1, 0, 5), TZ)]
    everything = Scope(everything=True)
    parents = ["220000", "220100", "220102"]

    def check():
        for parent, (start, end), campaign, now in itertools.product(
            parents, periods, [None, world.campaign], nows
        ):
            kw = {"campaign": campaign, "start": start, "end": end, "now": now}
            assert figures(everything, parent, live=False, **kw) == figures(
                everything, parent, live=True, **kw
            ), (parent, start, end, campaign, now)

    check()
    total = region_stats(
        everything, Region.objects.get(code="220000"), start=periods[5][0], end=periods[5][1],
        now=nows[0],
    ).total.as_dict()  # fmt: skip
    for name in ("overdue", "order_lapsed", "verify_lapsed", "on_time", "majors_listed"):
        assert total[name] > 0, name
    # Changes through the services and new rows at old dates; the incremental refresh keeps
    # the figures exact and equal to a full rebuild.
    mine = (cast.unit.pk, cast.other_unit.pk)  # the inspector's district
    for h in [
        h
        for h in world.hazards
        if h.status == "submitted" and h.unit_id in mine and h.grade == "general"
    ][:3]:
        hazard_services.verify_hazard(h, actor=cast.inspector, passed=True, close=True, now=NOW)
    world.hazard(world.units[3], found=at(2, 28, 23, 59), status="ordered", due=at(3, 1, 8))
    world.inspect(
        world.units[0], "routine", timezone.make_aware(dt.datetime(2022, 12, 31, 23, 59), TZ)
    )
    assert aggregates.refresh()["buckets"] > 0
    check()
    incremental = snapshot()
    aggregates.refresh(full=True)
    assert snapshot() == incremental


def test_an_incremental_refresh_finds_its_rows_by_what_it_knows_not_by_cutting_every_code(
    cast,
):
    """A refresh knows the (prefix, day) rows it rebuilds. It finds them with conditions an
    index serves: every roll-up has an index that begins with its depth, month and day (the
    dashboards' begins with the campaign, which a refresh does not fix), and the source rows
    of a prefix are those whose code begins with it (LIKE 'prefix%'), never those whose code,
    cut to the depth, equals it. At 5M hazards each of those statements read its whole table,
    once per roll-up, depth and kind of row (session 17: docs/performance.md)."""
    for model in rollups.ROLLUPS:
        if model is not UnitRoll:  # recounted whole when the units change
            assert any(i.fields[:3] == ["depth", "month", "day"] for i in model._meta.indexes)
    world = World(cast)
    aggregates.refresh()
    world.inspect(world.units[0], "patrol", at(10, 6))
    hazard_services.close_hazard(
        next(h for h in world.hazards if h.status == "verified"), actor=cast.inspector, now=NOW
    )
    with CaptureQueriesContext(connection) as ctx:
        assert aggregates.refresh()["buckets"] > 0
    tables = [m._meta.db_table for m in TABLES if m not in (UnitCount, UnitRoll)]
    asked = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(("DELETE", "INSERT")) and any(f'"{t}"' in q["sql"] for t in tables)
    ]
    assert len(asked) > 20
    where = [sql.upper().partition(" WHERE ")[2].partition(" GROUP BY ")[0] for sql in asked]
    cut = [sql[:160] for sql, clause in zip(asked, where, strict=True) if "SUBSTR" in clause]
    assert cut == []


def test_a_unit_edit_committed_late_is_caught_and_an_old_mark_is_not_fingerprinted(
    cast, monkeypatch
):
    """Within `UNIT_LAG` of the latest unit edit counted, an edit stamped before it but
    committed after the refresh is caught by the window's fingerprint; once the mark is
    older than that, no refresh reads the window again (it cannot change any more)."""
    world = World(cast)
    aggregates.refresh()
    mark = aggregates.state().units_mark
    assert aggregates.state().gaps["units"]  # the window is fresh: fingerprinted
    unit = world.units[3]
    Unit.objects.filter(pk=unit.pk).update(
        is_fire_key_unit=True, updated_at=mark - dt.timedelta(seconds=30)
    )
    aggregates.refresh()
    assert UnitCount.objects.filter(is_fire_key_unit=True, region=unit.region_id).exists()
    # The mark grows old: the window is neither fingerprinted nor compared again.
    Unit.objects.update(updated_at=F("updated_at") - aggregates.UNIT_LAG * 2)
    aggregates.refresh(full=True)
    assert aggregates.state().gaps["units"] == ""
    taken = []
    fingerprint = aggregates._units_recent
    monkeypatch.setattr(
        aggregates, "_units_recent", lambda mark: taken.append(mark) or fingerprint(mark)
    )
    assert aggregates.refresh()["buckets"] == 0
    assert taken == []
