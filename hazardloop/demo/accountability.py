"""Demo: accountability cases (问责) raised the way production raises them.

Two more Nanguan hazards are ordered long ago with deadlines past the ladder's top rung and
moved there by the real sweep; the accountability source then proposes a case for every
top-rung hazard of the province (the demo hazards' own one included). Of Nanguan's proposals
the first is left for a regulator to decide, one is confirmed with a summons for a talk (约谈)
decided, and one is dismissed with its reason. Idempotent: once any case exists, nothing is done.
"""

import datetime as dt

from django.utils import timezone

from hazardloop.accountability import services
from hazardloop.accountability.choices import CaseStatus, Measure, SourceKind
from hazardloop.accountability.models import Case
from hazardloop.accountability.sources import (
    accident_steps_late,
    accidents_with_open_hazards,
    hazards_at_top_rung,
)
from hazardloop.accounts.models import User
from hazardloop.hazards import services as hazard_services
from hazardloop.hazards.choices import Category, Source
from hazardloop.regions.codes import code_subtree_filter
from hazardloop.supervision.ladder import ladder_for
from hazardloop.supervision.sweep import sweep
from hazardloop.units.models import Unit

REGION = "220102"
FINDINGS = [
    (
        "安全出口上锁",
        "营业期间二层安全出口用铁链上锁，无法从内部开启。",
        Category.EVACUATION,
    ),
    (
        "瓶装液化石油气钢瓶存放于地下室",
        "后厨地下室存放液化石油气钢瓶4只，无可燃气体报警装置。",
        Category.GAS,
    ),
]


def _top_rung_hazards(now) -> None:
    inspector = User.objects.filter(username=f"inspector@{REGION}").first()
    units = list(Unit.objects.filter(region_id=REGION).order_by("pk")[1:3])
    if inspector is None or len(units) < 2:
        return
    late = ladder_for(REGION).accountability_after_days + 5
    for i, (unit, (title, description, category)) in enumerate(zip(units, FINDINGS, strict=True)):
        due = now - dt.timedelta(days=late + i * 7, hours=2)
        ordered_at = due - dt.timedelta(days=15)
        hazard = hazard_services.create_hazard(
            unit,
            actor=inspector,
            source=Source.INSPECTION,
            description=description,
            title=title,
            category=category,
            legal_basis="《中华人民共和国消防法》第二十八条",
            source_ref=f"demo:accountability:{i}",
            found_at=ordered_at - dt.timedelta(days=1),
        )
        hazard_services.order_hazard(
            hazard, actor=inspector, due_at=due, measures="限期整改", now=ordered_at
        )
    sweep(now)


def load_accountability(now=None) -> int:
    """Accountability cases for the demo province; returns how many were created."""
    if Case.objects.exists():
        return 0
    now = now or timezone.now()
    _top_rung_hazards(now)
    created = hazards_at_top_rung(now)
    # The demo accidents (loaded before): the one the city reported up late is proposed too.
    created += accident_steps_late(now) + accidents_with_open_hazards(now)
    regulator = User.objects.filter(username=f"regulator@{REGION}").first()
    leader = User.objects.filter(username="leader@220100").first()
    proposals = list(
        Case.objects.filter(
            code_subtree_filter("region", REGION),
            source_kind=SourceKind.HAZARD_TOP_RUNG,
            status=CaseStatus.PROPOSED,
        ).order_by("pk")
    )
    if regulator is None or len(proposals) < 3:
        return created
    later = now + dt.timedelta(minutes=5)
    confirmed = proposals[1]
    services.transition(
        confirmed,
        "confirm",
        actor=regulator,
        note="经核查，单位逾期未整改属实，建议约谈单位主要负责人。",
        now=later,
    )
    services.transition(
        confirmed,
        "decide",
        actor=leader or regulator,
        measure=Measure.INTERVIEW,
        note="由区安委办约谈单位主要负责人，限期完成整改。",
        now=later + dt.timedelta(minutes=5),
    )
    services.transition(
        proposals[2],
        "dismiss",
        actor=regulator,
        note="单位已于督办期间停业并申请注销，隐患场所已停止使用，不予问责。",
        now=later,
    )
    return created
