"""The 61号令 rules on the calendar: across a month end, opening hours, midnight; late; lapsed."""

from datetime import time, timedelta

import pytest

from hazardloop.accounts.choices import Role
from hazardloop.lib import uscc
from hazardloop.obligations import hours
from hazardloop.obligations.choices import DutyKind, DutyState
from hazardloop.obligations.defaults import DEFAULT_RULES
from hazardloop.obligations.jobs import refresh_lapsed_once
from hazardloop.obligations.models import DutyRule, OpeningHours, UnitDutyCount
from hazardloop.obligations.schedule import unit_calendar
from hazardloop.obligations.tests.helpers import at, record
from hazardloop.testing import ensure_reference_data, make_unit, make_user
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ref():
    ensure_reference_data()


def _kind(wins, kind):
    return [w for w in wins if w.kind == kind]


def restaurant(**kw):
    kw.setdefault("business_hours", "10:00-22:00")
    u = make_unit(is_public_gathering=True, **kw)
    # On the register since before the dates these tests count (the lapsed count starts there).
    Unit.objects.filter(pk=u.pk).update(created_at=at(2026, 1, 1, 0))
    u.refresh_from_db()
    return u


def test_shipped_rules_are_the_61_order_defaults_with_articles():
    rows = {(r.kind, r.applies_to): r for r in DutyRule.objects.filter(region_prefix="")}
    assert len(rows) == len(DEFAULT_RULES)
    for kind, applies, every, unit, while_open, article in DEFAULT_RULES:
        r = rows[(kind, applies)]
        assert (r.every, r.every_unit, r.while_open, r.article) == (
            every,
            unit,
            while_open,
            article,
        )
        assert r.verified


def test_restaurant_patrols_every_two_hours_while_open_none_while_closed():
    u = restaurant()
    wins = _kind(unit_calendar(u, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 4)), "patrol")
    assert [(w.start.hour, w.end.hour) for w in wins] == [
        (10, 12), (12, 14), (14, 16), (16, 18), (18, 20), (20, 22)
    ]  # fmt: skip
    assert all(w.state == DutyState.LAPSED for w in wins)
    assert all(w.rule.article == "61号令第二十五条" for w in wins)


def test_patrol_windows_across_midnight_belong_to_the_evening_they_began():
    u = restaurant(business_hours="18:00-次日02:00")
    wins = _kind(unit_calendar(u, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 1)), "patrol")
    spans = [(w.start.day, w.start.hour, w.end.day, w.end.hour) for w in wins]
    # 1 March's evening runs into 2 March (00–02); 2 March's 00–02 slot lies on 3 March.
    assert spans == [(2, 0, 2, 2), (2, 18, 2, 20), (2, 20, 2, 22), (2, 22, 3, 0)]
    assert all(w.state == DutyState.UPCOMING for w in wins)


def test_closed_day_has_no_patrol_and_structured_hours_win_over_text():
    u = restaurant(business_hours="10:00-22:00")
    OpeningHours.objects.create(unit=u, opens=time(11), closes=time(14), closed_days="1")
    monday, tuesday = at(2026, 3, 2), at(2026, 3, 3)  # 2 March 2026 is a Monday
    assert not _kind(unit_calendar(u, monday, tuesday, now=monday), "patrol")
    wins = _kind(unit_calendar(u, tuesday, at(2026, 3, 4), now=monday), "patrol")
    assert [(w.start.hour, w.end.hour) for w in wins] == [(11, 13), (13, 14)]


def test_patrol_done_in_window_late_in_next_and_lapsed():
    u = restaurant()
    record(u, "patrol", at(2026, 3, 2, 10, 30))  # 10–12 done
    record(u, "patrol", at(2026, 3, 2, 14, 30))  # 12–14 late (done in the next two hours)
    wins = _kind(unit_calendar(u, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 2, 17)), "patrol")
    states = [w.state for w in wins]
    assert states == [
        DutyState.DONE, DutyState.LATE, DutyState.DONE, DutyState.DUE,
        DutyState.UPCOMING, DutyState.UPCOMING,
    ]  # fmt: skip
    assert wins[1].done_at == at(2026, 3, 2, 14, 30)


def test_a_regulators_inspection_or_patrol_is_not_the_units_own_patrol():
    u = restaurant()
    record(u, "routine", at(2026, 3, 2, 10, 30))
    record(u, "patrol", at(2026, 3, 2, 10, 40), user=make_user(role=Role.INSPECTOR))
    wins = _kind(unit_calendar(u, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 3)), "patrol")
    assert wins[0].state == DutyState.LAPSED


def test_key_unit_patrols_daily_across_a_month_end():
    u = make_unit(is_fire_key_unit=True, sector="industry_trade")
    record(u, "patrol", at(2026, 1, 31, 23, 50))
    wins = _kind(unit_calendar(u, at(2026, 1, 31), at(2026, 2, 2), now=at(2026, 2, 3)), "patrol")
    assert [(w.start.month, w.start.day, w.state) for w in wins] == [
        (1, 31, DutyState.DONE), (2, 1, DutyState.LAPSED)
    ]  # fmt: skip


def test_monthly_inspection_for_an_enterprise_late_across_month_end():
    u = restaurant()
    record(u, "self_inspection", at(2026, 2, 3, 9))  # January's, done in February: late
    wins = _kind(
        unit_calendar(u, at(2026, 1, 15), at(2026, 2, 15), now=at(2026, 2, 20)), "inspection"
    )
    assert [(w.start.month, w.end.month, w.state) for w in wins] == [
        (1, 2, DutyState.LATE), (2, 3, DutyState.DONE)
    ]  # fmt: skip
    assert wins[0].rule.article == "61号令第二十六条"


def test_public_body_inspects_quarterly():
    code = uscc.generate("220102", authority="1", kind="2")  # 事业单位
    u = make_unit(uscc=code, sector="education")
    wins = _kind(unit_calendar(u, at(2026, 1, 1), at(2026, 7, 1), now=at(2026, 7, 2)), "inspection")
    assert [(w.start.month, w.end.month) for w in wins] == [(1, 4), (4, 7)]


def test_training_and_drill_by_kind_of_unit():
    pg = restaurant()
    key = make_unit(is_fire_key_unit=True, sector="industry_trade")
    plain = make_unit(sector="industry_trade")
    span = (at(2026, 1, 1), at(2027, 1, 1))
    now = at(2026, 1, 2)

    def spans(u, kind):
        return [
            (w.start.month, w.end.year, w.end.month)
            for w in _kind(unit_calendar(u, *span, now=now), kind)
        ]

    assert spans(pg, DutyKind.TRAINING) == [(1, 2026, 7), (7, 2027, 1)]  # every 6 months
    assert spans(key, DutyKind.TRAINING) == [(1, 2027, 1)]  # yearly
    assert spans(plain, DutyKind.TRAINING) == []
    assert spans(key, DutyKind.DRILL) == [(1, 2026, 7), (7, 2027, 1)]
    assert spans(plain, DutyKind.DRILL) == [(1, 2027, 1)]
    # No training/drill provider is configured yet: due with no record.
    assert {w.state for w in _kind(unit_calendar(key, *span, now=now), DutyKind.DRILL)} == {
        DutyState.DUE,
        DutyState.UPCOMING,
    }


def test_region_override_beats_default_and_can_switch_off():
    u = restaurant()
    DutyRule.objects.create(
        kind="patrol", applies_to="public_gathering", region_prefix="2201", every=3,
        every_unit="hour", while_open=True, verified=False, note="市级规定",
    )  # fmt: skip
    wins = _kind(unit_calendar(u, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 2)), "patrol")
    assert [(w.start.hour, w.end.hour) for w in wins] == [(10, 13), (13, 16), (16, 19), (19, 22)]
    assert not wins[0].rule.verified
    DutyRule.objects.create(
        kind="patrol", applies_to="public_gathering", region_prefix="220102", every=1,
        every_unit="hour", active=False,
    )  # fmt: skip
    assert not _kind(unit_calendar(u, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 2)), "patrol")
    other = make_unit(region_id="220103", is_public_gathering=True, business_hours="10:00-22:00")
    assert (
        len(
            _kind(
                unit_calendar(other, at(2026, 3, 2), at(2026, 3, 3), now=at(2026, 3, 2)), "patrol"
            )
        )
        == 4
    )


@pytest.mark.parametrize(
    ("text", "opens", "closes", "closed"),
    [
        ("10:00-22:00", time(10), time(22), set()),
        ("9点至21点，周一休息", time(9), time(21), {1}),
        ("11:30～次日2:00", time(11, 30), time(2), set()),
        ("24小时营业", time(0), time(0), set()),
        ("早8：00—晚20：00 周六至周日休息", time(8), time(20), {6, 7}),
    ],
)
def test_business_hours_text_is_read_tolerantly(text, opens, closes, closed):
    h = hours.parse(text)
    assert (h.opens, h.closes, set(h.closed_days)) == (opens, closes, closed)


@pytest.mark.parametrize("text", ["", "看情况", "25:00-26:00"])
def test_unreadable_hours_fall_back_to_the_documented_default(text, settings):
    settings.DUTY_DEFAULT_HOURS = "08:00-12:00"
    u = restaurant(business_hours=text)
    h = hours.hours_of(u)
    assert (h.opens, h.closes, h.source) == (time(8), time(12), "default")


def test_lapsed_counts_are_stored_and_idempotent(settings):
    settings.DUTY_LAPSED_DAYS = 2
    u = restaurant()
    record(u, "patrol", at(2026, 3, 2, 10, 30))
    now = at(2026, 3, 3, 12)  # windows ended since 1 March 12:00
    assert refresh_lapsed_once(now) >= 1
    row = UnitDutyCount.objects.get(unit=u)
    # 1 Mar: 12–22 (5 lapsed); 2 Mar: 12–22 (5; 10–12 done); 3 Mar: 10–12 (1); February's
    # inspection window ended 1 March 00:00, before the period.
    assert (row.lapsed_patrols, row.lapsed_other) == (11, 0)
    refresh_lapsed_once(now)
    assert UnitDutyCount.objects.filter(unit=u).count() == 1
    assert UnitDutyCount.objects.get(unit=u).lapsed == 11


def test_lapsed_counts_are_recounted_at_most_once_per_refresh_period(settings):
    settings.DUTY_LAPSED_DAYS = 2
    settings.DUTY_LAPSED_REFRESH_MINUTES = 60
    u = restaurant()
    now = at(2026, 3, 3, 12)
    assert refresh_lapsed_once(now) >= 1
    assert refresh_lapsed_once(now + timedelta(minutes=59)) == 0  # the sweep's next loops
    assert UnitDutyCount.objects.get(unit=u).computed_at == now
    assert refresh_lapsed_once(now + timedelta(minutes=60)) >= 1
    assert UnitDutyCount.objects.get(unit=u).computed_at == now + timedelta(minutes=60)


def test_unit_register_filters_units_with_lapsed_duties(settings):
    from hazardloop.accounts.choices import Role as R
    from hazardloop.units.filters import UnitFilter

    settings.DUTY_LAPSED_DAYS = 2
    lapsing = restaurant()
    quiet = make_unit(sector="industry_trade")  # no patrol duty; its month has not ended
    refresh_lapsed_once(at(2026, 3, 3, 12))
    user = make_user(role=R.REGULATOR, region="220102")
    f = UnitFilter({"lapsed": "1"}, user)
    ids = set(f.queryset().values_list("pk", flat=True))
    assert lapsing.pk in ids and quiet.pk not in ids
    assert quiet.pk in set(
        UnitFilter({"lapsed": "0"}, user).queryset().values_list("pk", flat=True)
    )


def test_lapsed_duties_feed_the_units_risk_level(settings):
    from hazardloop.audit.models import AuditEvent
    from hazardloop.units import risk

    settings.DUTY_LAPSED_DAYS = 2
    u = restaurant()
    before = u.risk_score
    refresh_lapsed_once(at(2026, 3, 3, 12))
    u.refresh_from_db()
    assert u.lapsed_duties == 12  # 11 patrols and 2 March's 10–12 window too: none done
    assert u.risk_score == before + risk.rules()["lapsed_duty_cap"]  # 12 × 2 points, capped
    events = AuditEvent.objects.filter(action="unit.risk_recomputed", object_id=str(u.pk))
    audited = events.count()
    # Unchanged counts write nothing; done duties lower the score again.
    refresh_lapsed_once(at(2026, 3, 3, 12))
    assert events.count() == audited
    UnitDutyCount.objects.all().delete()
    settings.DUTY_LAPSED_DAYS = 0
    refresh_lapsed_once(at(2026, 3, 3, 12))
    u.refresh_from_db()
    assert (u.lapsed_duties, u.risk_score) == (0, before)


def test_duties_before_the_unit_was_on_the_register_are_not_lapsed(settings):
    settings.DUTY_LAPSED_DAYS = 2
    u = restaurant()
    Unit.objects.filter(pk=u.pk).update(created_at=at(2026, 3, 3, 9))  # registered this morning
    refresh_lapsed_once(at(2026, 3, 3, 12))
    # Only the 10–12 window of 3 March ended after it: 1, not the 12 of the whole period.
    assert UnitDutyCount.objects.get(unit=u).lapsed == 1
    u.refresh_from_db()
    assert u.lapsed_duties == 1
