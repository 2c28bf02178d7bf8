"""Demo drills and publicity, through the services (so every write is audited as in use).

- `load_drills`: each demo unit (people.DEMO_UNITS) gets a staff list when it has none, its
  灭火和应急疏散预案 (a small PDF) and one drill about two months ago with two problems found,
  the first recorded as a hazard of the unit (source self_inspection, found in the drill).
- `load_publicity`: activities on the demo campaign at province, city, county and unit level.
Both idempotent: a unit with a drill, or a campaign with publicity, is skipped."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.campaigns.models import Campaign
from hazardloop.demo.campaigns import KEY
from hazardloop.demo.obligations import _staff
from hazardloop.demo.people import DEMO_UNITS
from hazardloop.drills.models import Drill
from hazardloop.drills.services import record_drill, store_plan
from hazardloop.publicity.models import Activity
from hazardloop.publicity.services import record_activity
from hazardloop.training.models import StaffMember
from hazardloop.units.models import Unit

PLAN_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
STAFF_NAMES = ["王丽", "李强", "张敏", "刘洋", "陈静"]
# (scenario, evacuation seconds, rating, problems: (description, category, as a hazard)).
SCENARIOS = {
    "catering": (
        "午餐高峰后厨油锅起火，员工用灭火毯和灭火器扑救，引导顾客从前门和后门疏散",
        165,
        "partly",
        [
            ("后门安全出口外堆放纸箱，疏散时需搬开", "evacuation", True),
            ("两名新员工不会使用灭火毯", "management", False),
        ],
    ),
    "lodging": (
        "夜间三楼客房电气起火，消防控制室确认火警后广播疏散，员工逐层敲门引导住客",
        290,
        "partly",
        [
            ("三楼走廊一处应急照明灯不亮", "fire_facilities", True),
            ("应急广播在二楼东侧听不清", "fire_facilities", False),
        ],
    ),
}
DEFAULT_SCENARIO = (
    "营业时间营业区电气线路起火，员工报警并用灭火器扑救初起火灾，组织顾客疏散到集合点",
    210,
    "met",
    [
        ("一处疏散指示标志被货架遮挡", "evacuation", True),
        ("集合点清点人数用时偏长", "management", False),
    ],
)


def _staff_list(unit) -> list[int]:
    ids = list(
        StaffMember.objects.filter(unit=unit, left_on__isnull=True).values_list("pk", flat=True)
    )
    if not ids:
        ids = [StaffMember.objects.create(unit=unit, name=n).pk for n in STAFF_NAMES]
    return ids


def load_drills(now=None) -> int:
    """Record the demo units' drills (see the module); return how many."""
    now = now or timezone.now()
    names = [name for name, *_rest in DEMO_UNITS]
    units = [
        u
        for u in Unit.objects.filter(name__in=names).select_related("region").order_by("pk")
        if not Drill.objects.filter(unit=u).exists()
    ]
    if not units:
        return 0
    people = _staff(units)
    managers = dict(
        Membership.objects.filter(unit__in=units, role=Role.UNIT_MANAGER, is_active=True)
        .order_by("unit_id", "id")
        .values_list("unit_id", "user_id")
    )
    users = User.objects.in_bulk({*people.values(), *managers.values()})
    count = 0
    for i, unit in enumerate(units):
        actor = users[managers.get(unit.pk) or people[unit.pk]]
        staff = _staff_list(unit)
        plan = store_plan(
            unit,
            SimpleUploadedFile("预案.pdf", PLAN_PDF + f"% {unit.pk}\n".encode()),
            actor=actor,
            title=f"{unit.name}灭火和应急疏散预案",
        )
        scenario, seconds, rating, problems = SCENARIOS.get(unit.sector_id, DEFAULT_SCENARIO)
        record_drill(
            unit,
            actor=actor,
            held_at=now - dt.timedelta(days=55 + 3 * i, hours=i % 5),
            scenario=scenario,
            participant_ids=staff[:4],
            others_count=6 + i,
            evacuation_seconds=seconds + 7 * i,
            rating=rating,
            evaluation="预案可行，疏散路线清楚；发现的问题已安排整改，下次演练复查。",
            plan_id=plan.pk,
            problems=[{"description": d, "category": c, "hazard": h} for d, c, h in problems],
            now=now,
        )
        count += 1
    return count


def _level_campaign(root: Campaign, code: str) -> Campaign:
    """The campaign as adopted at `code`, else at its city, else the root itself."""
    for at in (code, code[:4] + "00"):
        found = Campaign.objects.filter(root_id_value=root.pk, region_code=at).first()
        if found is not None:
            return found
    return root


def adopted(root: Campaign) -> list[int]:
    return list(Campaign.objects.filter(root_id_value=root.pk).values_list("pk", flat=True))


def load_publicity(now=None) -> int:
    """Record the demo campaign's publicity at every level (see the module); return how many."""
    root = Campaign.objects.filter(idempotency_key=KEY).first()
    if root is None or Activity.objects.filter(campaign__in=[root.pk, *adopted(root)]).exists():
        return 0
    today = timezone.localdate(now or timezone.now())
    day = max(root.starts_on, today - dt.timedelta(days=10))
    people = User.objects.in_bulk(
        ["regulator@220000", "regulator@220100", "regulator@220102"], field_name="username"
    )
    rows = [
        (
            "regulator@220000",
            "220000",
            "media",
            250000,
            "省电视台《安全365》播出国庆消防安全专题节目",
        ),
        ("regulator@220000", "220000", "notice", 0, "关于开展国庆节前消防安全专项整治的通告"),
        ("regulator@220100", "220100", "wechat", 48000, "“长春应急”公众号：饭店用气安全十问十答"),
        ("regulator@220100", "220100", "open_day", 650, "市消防救援支队开放日：体验灭火器和逃生"),
        ("regulator@220102", "220102", "training_day", 180, "南关区餐饮从业人员“一懂三会”培训日"),
        ("regulator@220102", "220102", "poster", 3000, "南关区沿街饭店张贴燃气安全海报"),
    ]
    count = 0
    for i, (username, code, kind, reach, title) in enumerate(rows):
        actor = people.get(username)
        if actor is None:
            continue
        record_activity(
            actor=actor, campaign=_level_campaign(root, code), region_code=code, kind=kind,
            held_on=min(today, day + dt.timedelta(days=i)), reach=reach, title=title,
            description=title, now=now,
        )  # fmt: skip
        count += 1
    managed = (
        Membership.objects.filter(role=Role.UNIT_MANAGER, is_active=True, unit__isnull=False)
        .select_related("user", "unit")
        .order_by("unit_id")
    )
    for i, m in enumerate(managed[:2]):
        record_activity(
            actor=m.user, campaign=_level_campaign(root, m.unit.region_id), unit=m.unit,
            kind="poster" if i == 0 else "wechat",
            held_on=min(today, day + dt.timedelta(days=2 + i)), reach=120 + 80 * i,
            title=f"{m.unit.name}在店门口张贴消防安全告知书" if i == 0
            else f"{m.unit.name}在顾客群转发燃气安全提示",
            now=now,
        )  # fmt: skip
        count += 1
    return count
