"""Demo: the hazards found by the demo inspections move along the loop as they would have by now.

Without this every hazard raised by a failed checklist item would still be "found" and the
dashboards would show a province that never rectifies anything. Each hazard's fate is drawn
from a generator seeded by its id (so a second run decides the same and, finding it no longer
"found", does nothing), and every step goes through the hazard services with `now` set to the
moment it happened: ordered a day or two after the finding with the province's default deadline,
then — by share — left with the unit, started, submitted with an after-photo, or verified and
closed by a regulator (never the person who submitted). Some units rectify late, so the
supervision sweep that runs afterwards finds real overdue hazards.

The units concerned get a unit manager account (``unit@<USCC>``, the demo password) if they
have none: rectification is the unit's own act. Like the inspections' received times (see
demo/inspections.py), each hazard's "created" event is moved back to just after its finding —
the server could not record it in the past — the only write here that bypasses the services.
"""

import datetime as dt
import random

from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.demo.inspections import _jpeg
from hazardloop.evidence.services import store_photo
from hazardloop.hazards import services
from hazardloop.hazards.choices import EventKind, Grade, Source, Status
from hazardloop.hazards.deadlines import default_due_at
from hazardloop.hazards.models import Hazard, HazardEvent
from hazardloop.hazards.workflow import role_allows

# Share of the hazards (found long enough ago) that end in each state.
FATES = (("found", 0.06), ("ordered", 0.14), ("rectifying", 0.08), ("submitted", 0.07))
# The rest are verified and closed; of those this share were submitted after the deadline.
LATE = 0.12
PLAN = {
    "targets_and_tasks": "按检查意见在期限内完成整改。",
    "methods_and_measures": "停用相关设施，更换不合格部件，复核后恢复使用。",
    "funds_and_materials": "单位自筹整改资金，采购合格配件。",
    "organisation_and_people": "单位主要负责人牵头，安全管理人员具体实施。",
    "time_limit_and_requirements": "整改期间加强巡查，每日报告进度。",
    "safety_and_contingency": "现场配备灭火器材，制定应急处置预案。",
}
TEAM = [{"name": "县应急局检查组", "role": "组长"}, {"name": "消防专家", "role": "专家"}]
STAFF_ORDER = ("inspector@220102", "regulator@220102", "regulator@220100", "regulator@220000")


def _fate(rng: random.Random) -> str:
    draw = rng.random()
    for fate, share in FATES:
        if draw < share:
            return fate
        draw -= share
    return "closed"


def _unit_manager(unit, password_hash: str) -> User:
    membership = (
        Membership.objects.filter(unit=unit, is_active=True, role=Role.UNIT_MANAGER)
        .select_related("user")
        .first()
    )
    if membership is not None:
        return membership.user
    user = User.objects.filter(username=f"unit@{unit.uscc}").first() or User.objects.create(
        username=f"unit@{unit.uscc}",
        display_name=f"{unit.name} 负责人",
        password=password_hash,
    )
    Membership.objects.create(
        user=user, role=Role.UNIT_MANAGER, unit=unit, region_id=unit.region_id
    )
    return user


def _regulator(hazard: Hazard, action: str, staff: list[User], avoid=None) -> User | None:
    """Whoever found it if they may, else the nearest demo regulator who may (not `avoid`)."""
    found_by = hazard.found_by
    for user in [found_by, *staff]:
        if user is None or user == avoid:
            continue
        if role_allows(user, action, hazard):
            return user
    return None


def progress_hazards(now=None) -> int:
    """Move the demo inspections' "found" hazards along the loop; returns how many moved."""
    now = now or timezone.now()
    staff_by_name = {u.username: u for u in User.objects.filter(username__in=STAFF_ORDER)}
    staff = [staff_by_name[n] for n in STAFF_ORDER if n in staff_by_name]
    password_hash = User.objects.filter(username="admin").values_list("password", flat=True).first()
    hazards = (
        Hazard.objects.filter(status=Status.FOUND, source=Source.INSPECTION)
        .exclude(source_ref__startswith="demo:")
        .filter(found_at__lt=now - dt.timedelta(days=2))
        .select_related("unit", "found_by")
        .order_by("found_at", "pk")
    )
    moved = 0
    for hazard in hazards:
        rng = random.Random(hazard.pk * 7919 + 17)
        HazardEvent.objects.filter(hazard=hazard, kind=EventKind.CREATED).update(
            at=hazard.found_at + dt.timedelta(minutes=10)
        )
        fate = _fate(rng)
        if fate == "found":
            continue
        regulator = _regulator(hazard, "order", staff)
        if regulator is None or not password_hash:
            continue
        unit_user = _unit_manager(hazard.unit, password_hash)
        ordered_at = hazard.found_at + dt.timedelta(hours=rng.uniform(2, 40))
        due_at = default_due_at(hazard.region_code, hazard.grade, hazard.category, ordered_at)
        services.order_hazard(
            hazard, actor=regulator, due_at=due_at, measures="按检查意见限期整改", now=ordered_at
        )
        moved += 1
        if fate == "ordered":
            continue
        late = fate == "closed" and rng.random() < LATE
        # When the unit submits: before the deadline, or (late) some days after it — never
        # later than a day ago, so the regulator has had time to check.
        latest = now - dt.timedelta(days=1)
        if late:
            submit_at = due_at + dt.timedelta(days=rng.uniform(1, 6))
        else:
            span = (min(due_at, latest) - ordered_at).total_seconds()
            submit_at = ordered_at + dt.timedelta(seconds=span * rng.uniform(0.3, 0.95))
        submit_at = min(submit_at, latest)
        if submit_at <= ordered_at + dt.timedelta(hours=2):
            continue  # too recent to have got further
        start_at = ordered_at + (submit_at - ordered_at) * 0.3
        if hazard.grade == Grade.MAJOR:
            services.save_plan(hazard, actor=unit_user, parts=PLAN, now=start_at)
        services.start_rectification(hazard, actor=unit_user, now=start_at)
        if fate == "rectifying":
            continue
        after = store_photo(
            _jpeg(hazard.pk + 1000),
            actor=unit_user,
            region_code=hazard.region_code,
            unit_id=hazard.unit_id,
        )
        services.submit_rectification(
            hazard,
            actor=unit_user,
            note="已按整改要求完成整改，附整改后照片。",
            photo_ids=[after.pk],
            now=submit_at,
        )
        if fate == "submitted":
            continue
        verifier = _regulator(hazard, "verify", staff, avoid=unit_user)
        verify_at = min(submit_at + dt.timedelta(hours=rng.uniform(4, 72)), now)
        if verifier is None:
            continue
        services.verify_hazard(
            hazard,
            actor=verifier,
            passed=True,
            team=TEAM if hazard.grade == Grade.MAJOR else (),
            close=True,
            now=verify_at,
        )
    return moved
