"""Demo accident reports: a handful of historical accidents with complete chains — received and
reported up level by level, follow-ups and a final report — one of them reported late by the
city, one regraded by a supplementary report (a third death) and sent on to the
province, and three a year earlier so the figures have a same period last year (同比).
Idempotent: nothing is added once the demo's accidents exist."""

import datetime as dt

from django.utils import timezone

from hazardloop.accidents import services
from hazardloop.accidents.models import Accident
from hazardloop.accounts.models import Membership, User
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.units.models import Unit

M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def _user(username):
    return User.objects.filter(username=username).first()


def _manager(unit):
    m = Membership.objects.filter(unit=unit, is_active=True).select_related("user").first()
    return m.user if m else None


def _unit(name):
    return Unit.objects.filter(name=name).first()


def _walk(accident, start, minutes, people):
    """Receive and report up each level in turn: `minutes` after the previous event each."""
    at = start
    steps = list(accident.steps.order_by("seq"))
    for step, (receive_after, forward_after) in zip(steps, minutes, strict=False):
        who = people[step.level]
        if step.received_at is None:
            at = at + receive_after * M
            services.receive_step(accident, step.seq, actor=who, now=at)
        if forward_after is not None and step.seq < len(steps):
            at = at + forward_after * M
            services.forward_step(accident, step.seq, actor=who, now=at)
    return at


def load_accidents(now: dt.datetime | None = None) -> int:
    """Create the demo accidents if missing; returns how many were created."""
    if Accident.objects.filter(summary__startswith="【演示】").exists():
        return 0
    now = timezone.localtime(now or timezone.now(), LOCAL)
    county = _user("regulator@220102")
    people = {
        "county": county,
        "prefecture": _user("regulator@220100"),
        "province": _user("duty@220000") or _user("regulator@220000"),
        "state_council": _user("regulator@220000"),
    }
    if None in people.values():
        return 0
    created = 0

    # 1. A kitchen fire last month: general, on time, closed.
    unit = _unit("南关区老长春饺子馆")
    reporter = _manager(unit) if unit else None
    if unit and reporter:
        t = (now - 33 * D).replace(hour=11, minute=40, second=0, microsecond=0)
        a = services.report_accident(
            actor=reporter,
            unit=unit,
            occurred_at=t,
            region_code=unit.region_id,
            accident_type="fire",
            summary="【演示】老长春饺子馆后厨液化气软管脱落起火",
            unit_overview="餐饮单位，营业面积约300平方米，使用瓶装液化石油气4瓶。",
            place_and_scene="南关区后厨操作间，明火已被员工用灭火器扑灭，厨房顶棚部分烧毁。",
            course="午市备餐时灶具液化气软管老化脱落，泄漏气体遇明火起火。",
            serious_injuries=2,
            direct_loss_cny=350_000,
            measures_taken="疏散顾客和员工，关闭气瓶角阀，报警，伤者送医。",
            other="无",
            now=t + 35 * M,
        )
        _walk(a, t + 35 * M, [(8, 30), (12, None)], people)
        services.add_update(
            a, actor=reporter, note="两名伤者病情稳定，现场已清理。", now=t + 20 * H
        )
        services.add_update(
            a,
            actor=reporter,
            note="终报：无人员死亡，损失核定为35万元。",
            final=True,
            now=t + 3 * D,
        )
        created += 1

    # 2. A gas explosion at a hotel: 2 deaths at first (general), a third death the next day
    # makes it larger and sends it on to the province; the city reports up late.
    unit = _unit("南关区春城宾馆")
    if unit:
        t = (now - 61 * D).replace(hour=19, minute=5, second=0, microsecond=0)
        a = services.report_accident(
            actor=county,
            unit=unit,
            occurred_at=t,
            region_code=unit.region_id,
            accident_type="gas_explosion",
            summary="【演示】春城宾馆餐厅燃气爆炸",
            unit_overview="住宿单位，地上6层，一层为餐厅，使用管道天然气。",
            place_and_scene="一层餐厅后厨，部分隔墙倒塌，玻璃幕墙破损。",
            course="晚餐时段后厨燃气泄漏，遇电火花发生爆炸。",
            deaths=2,
            serious_injuries=4,
            direct_loss_cny=2_600_000,
            measures_taken="关闭燃气总阀，疏散住客，消防、医疗到场救援。",
            now=t + 40 * M,
        )
        _walk(a, t + 40 * M, [(0, 50), (10, None)], people)
        services.add_update(
            a,
            actor=county,
            note="一名重伤人员经抢救无效死亡。",
            deaths=3,
            serious_injuries=3,
            now=t + 1 * D,
        )
        # The city reports up to the province 2 h 40 min after the regrade: late.
        services.forward_step(a, 2, actor=people["prefecture"], now=t + D + 160 * M)
        services.receive_step(a, 3, actor=people["province"], now=t + D + 165 * M)
        services.add_update(a, actor=county, note="伤者病情稳定，事故调查组已成立。", now=t + 2 * D)
        services.add_update(
            a, actor=county, note="终报：3人死亡、3人重伤。", final=True, now=t + 8 * D
        )
        created += 1

    # 3-5. The same season a year ago, more accidents and deaths than this year so far (双下降).
    last_year = [
        ("220102", "road_traffic", "【演示】南关区货车与电动车相撞", 1, 0, 80_000),
        ("220102", "construction", "【演示】南关区在建工地脚手架坍塌", 2, 3, 1_500_000),
        ("220102", "fire", "【演示】南关区沿街商铺火灾", 1, 1, 200_000),
    ]
    for i, (region, kind, summary, deaths, injured, loss) in enumerate(last_year):
        t = (now - (365 + 20 + 9 * i) * D).replace(hour=9 + i, minute=15, second=0, microsecond=0)
        a = services.report_accident(
            actor=county,
            occurred_at=t,
            region_code=region,
            accident_type=kind,
            summary=summary,
            course="详见续报。",
            deaths=deaths,
            serious_injuries=injured,
            direct_loss_cny=loss,
            now=t + 45 * M,
        )
        _walk(a, t + 45 * M, [(0, 40), (10, None)], people)
        services.add_update(a, actor=county, note="终报。", final=True, now=t + 2 * D)
        created += 1
    return created
