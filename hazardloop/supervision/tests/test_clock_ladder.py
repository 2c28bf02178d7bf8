"""The regulator's own time limits with frozen time: a found hazard not ordered and a submitted
one not re-checked lapse, climb to the responsible office and the office above, and count in the
figures and the ledger; deadlines passing feed the unit's risk."""

import datetime as dt

import pytest
import time_machine

from hazardloop.accounts.access import Scope
from hazardloop.hazards import services
from hazardloop.hazards.choices import Category, ClockKind, ClockRung, Status
from hazardloop.hazards.deadlines import end_of_local_day
from hazardloop.hazards.filters import HazardFilterForm, apply_filters
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.hazards.tests.helpers import photo
from hazardloop.notifications.models import Notification
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates
from hazardloop.reports.stats import region_stats
from hazardloop.supervision.jobs import sweep_deadlines_once
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, make_hazard

pytestmark = pytest.mark.django_db

FRIDAY = at(2026, 11, 6)  # + 3 working days: the end of Wednesday 11 November
LIMIT = end_of_local_day(dt.date(2026, 11, 11))


def _told(user, hazard, rung, clock=ClockKind.ORDER) -> bool:
    stamp = int(hazard.clock_due_at.timestamp())
    return Notification.objects.filter(
        recipient=user, key=f"hazard:{hazard.pk}:clock:{clock}:{rung}:{stamp}"
    ).exists()


def test_a_found_hazard_not_ordered_lapses_and_climbs_the_ladder(cast):
    hazard = make_hazard(cast, found=FRIDAY, category=Category.OTHER, ordered=False)
    assert (hazard.clock, hazard.clock_due_at) == (ClockKind.ORDER, LIMIT)
    # Up to the last minute of the third working day: nothing.
    assert sweep(LIMIT - dt.timedelta(minutes=1)).clock_reminded == 0
    # The next morning: the county office (its regulators and inspectors) is reminded, once.
    thursday = at(2026, 11, 12, 9)
    result = sweep(thursday)
    assert (result.clock_reminded, result.clock_escalated) == (1, 0)
    assert sweep_deadlines_once(thursday) == 0
    hazard.refresh_from_db()
    assert hazard.clock_rung == ClockRung.REMINDED
    assert hazard.clock_lapsed(thursday) and not hazard.is_overdue(thursday)
    event = HazardEvent.objects.get(hazard=hazard, kind="clock_lapse")
    assert (event.data["rung"], event.data["clock"]) == ("reminded", "order")
    assert _told(cast.regulator, hazard, "reminded") and _told(cast.inspector, hazard, "reminded")
    assert not _told(cast.city_regulator, hazard, "reminded")
    assert not _told(cast.neighbour_regulator, hazard, "reminded")
    # Five days after the limit: the office above (the city) is told.
    later = LIMIT + dt.timedelta(days=5, hours=1)
    assert sweep(later - dt.timedelta(hours=2)).clock_escalated == 0
    assert sweep(later).clock_escalated == 1
    assert sweep(later).total == 0
    hazard.refresh_from_db()
    assert hazard.clock_rung == ClockRung.ESCALATED
    assert _told(cast.city_regulator, hazard, "escalated")
    # Ordering starts the unit's clock: the lapse is over, the rung is cleared.
    services.order_hazard(hazard, actor=cast.inspector, due_at=at(2026, 12, 20), now=later)
    hazard.refresh_from_db()
    assert (hazard.clock, hazard.clock_rung) == (ClockKind.RECTIFY, "")
    assert not hazard.clock_lapsed(later)
    assert sweep(later + dt.timedelta(hours=1)).clock_reminded == 0


def test_an_on_the_spot_order_lapses_the_same_night(cast):
    hazard = make_hazard(cast, found=FRIDAY, category=Category.EVACUATION, ordered=False)
    assert sweep(at(2026, 11, 6, 23, 0)).clock_reminded == 0
    assert sweep(at(2026, 11, 7, 8, 0)).clock_reminded == 1
    hazard.refresh_from_db()
    assert hazard.clock_rung == ClockRung.REMINDED


def test_a_submitted_hazard_not_rechecked_within_three_working_days_lapses(cast):
    hazard = make_hazard(cast, found=at(2026, 11, 2), due=at(2026, 11, 30), category="other")
    services.start_rectification(hazard, actor=cast.unit_manager, now=at(2026, 11, 3))
    with time_machine.travel(FRIDAY, tick=False):
        after = photo(cast.unit_manager, cast.unit)
        services.submit_rectification(
            hazard, actor=cast.unit_manager, note="已清理", photo_ids=[after.pk], now=FRIDAY
        )
    hazard.refresh_from_db()
    assert (hazard.clock, hazard.clock_due_at) == (ClockKind.VERIFY, LIMIT)
    assert sweep(LIMIT - dt.timedelta(minutes=1)).clock_reminded == 0
    assert sweep(at(2026, 11, 12, 9)).clock_reminded == 1
    hazard.refresh_from_db()
    assert hazard.clock_rung == ClockRung.REMINDED
    assert _told(cast.regulator, hazard, "reminded", ClockKind.VERIFY)
    # The re-check ends the regulator's clock.
    services.verify_hazard(hazard, actor=cast.inspector, passed=True)
    hazard.refresh_from_db()
    assert (hazard.status, hazard.clock) == (Status.VERIFIED, "")
    assert sweep(LIMIT + dt.timedelta(days=30)).clock_escalated == 0


def test_the_figures_and_the_ledger_count_the_lapses(cast):
    not_ordered = make_hazard(cast, found=FRIDAY, category=Category.OTHER, ordered=False)
    not_rechecked = make_hazard(cast, found=at(2026, 11, 2), due=at(2026, 11, 30), category="other")
    services.start_rectification(not_rechecked, actor=cast.unit_manager, now=at(2026, 11, 3))
    with time_machine.travel(FRIDAY, tick=False):
        services.submit_rectification(
            not_rechecked,
            actor=cast.unit_manager,
            note="已清理",
            photo_ids=[photo(cast.unit_manager, cast.unit).pk],
            now=FRIDAY,
        )
    in_time = make_hazard(cast, found=at(2026, 11, 10), category=Category.OTHER, ordered=False)
    elsewhere = make_hazard(
        cast, unit=cast.neighbour_unit, found=FRIDAY, category=Category.OTHER, ordered=False
    )
    now = at(2026, 11, 12, 9)
    city = Region.objects.get(code="220100")
    aggregates.refresh_once(now)
    for live in (True, False):
        stats = region_stats(
            Scope(everything=True),
            city,
            start=dt.date(2026, 11, 1),
            end=dt.date(2026, 11, 12),
            now=now,
            live=live,
        )
        rows = {r.code: r.counts for r in stats.rows}
        assert (rows["220102"]["order_lapsed"], rows["220102"]["verify_lapsed"]) == (1, 1), live
        assert (rows["220103"]["order_lapsed"], rows["220103"]["verify_lapsed"]) == (1, 0), live
        assert rows["220102"]["overdue"] == 0, live  # the unit's deadline has not passed
        assert stats.total.counts["order_lapsed"] == 2, live
    # The ledger filter finds the same hazards.
    for value, expected in (
        ("any", {not_ordered.pk, not_rechecked.pk, elsewhere.pk}),
        ("order", {not_ordered.pk, elsewhere.pk}),
        ("verify", {not_rechecked.pk}),
    ):
        form = HazardFilterForm({"lapsed": value})
        assert form.is_valid(), form.errors
        found = set(
            apply_filters(Hazard.objects.all(), form.cleaned_data, now=now).values_list(
                "pk", flat=True
            )
        )
        assert found == expected, value
    assert in_time.pk not in found


def test_a_deadline_passing_raises_the_units_risk_at_the_next_sweep(cast):
    hazard = make_hazard(cast, found=at(2026, 11, 2), due=at(2026, 11, 20, 18))
    unit = cast.unit
    unit.refresh_from_db()
    assert (unit.open_hazards, unit.overdue_hazards) == (1, 0)
    score = unit.risk_score
    assert sweep(at(2026, 11, 20, 17)).risk_units == 0
    result = sweep(at(2026, 11, 20, 19))
    assert result.risk_units == 1
    unit.refresh_from_db()
    assert unit.overdue_hazards == 1 and unit.risk_score == score + 5
    assert sweep(at(2026, 11, 20, 20)).risk_units == 0  # idempotent
    # An extension that moves the deadline into the future takes the point away again.
    now = at(2026, 11, 21)
    hazard.refresh_from_db()  # the sweep reminded the unit meanwhile
    with time_machine.travel(now, tick=False):
        services.request_extension(
            hazard, actor=cast.unit_manager, reason="等待配件", proposed_due_at=at(2026, 12, 20)
        )
        services.decide_extension(hazard, actor=cast.regulator, approve=True)
    unit.refresh_from_db()
    assert unit.overdue_hazards == 0 and unit.risk_score == score
