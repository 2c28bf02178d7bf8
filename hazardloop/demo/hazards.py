"""Demo hazards: every state of the loop, majors with plans and acceptance, extensions, and
overdue hazards on every rung of the supervision ladder (moved there by the real sweep, see
demo/ladder.py). Idempotent (keyed by source_ref)."""

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.demo import ladder
from hazardloop.evidence.services import store_photo
from hazardloop.hazards import services
from hazardloop.hazards.models import Hazard
from hazardloop.units.models import Unit

# (title, description, category, rule refs, legal basis). Titles state the violation found, as a
# notice does; bases follow regulations.md §12.2 (a restaurant's gas alarm is the work-safety
# law's, LPG in a basement GB 55009 §2.2.7 and GB 35181 §6.8, never the gas supplier's rules).
FINDINGS = [
    (
        "安全出口被杂物堵塞",
        "后厨通往室外的安全出口被纸箱和食用油桶堵塞。",
        "evacuation",
        ["gb35181-2017:7.3.3"],
        "《消防法》第二十八条、第六十条第一款第三项",
    ),
    (
        "疏散通道设置铁栅栏",
        "二楼疏散走道端部加装铁栅栏并上锁。",
        "evacuation",
        ["gb35181-2017:7.3.9"],
        "《消防法》第二十八条",
    ),
    (
        "外窗被广告牌遮挡",
        "临街外窗被整面广告牌封堵。",
        "evacuation",
        ["gb35181-2017:7.3.10"],
        "《消防法》第二十八条、第六十条第一款第六项",
    ),
    (
        "灭火器压力不足",
        "大厅两具干粉灭火器压力指针在红区。",
        "fire_facilities",
        [],
        "《消防法》第六十条第一款第一项",
    ),
    (
        "应急照明损坏",
        "一楼走道应急照明灯不亮。",
        "fire_facilities",
        ["gb35181-2017:7.3.6"],
        "《中华人民共和国消防法》第六十条第一款第（一）项",
    ),
    (
        "液化石油气钢瓶存放于地下室",
        "地下一层储藏间存放4只液化石油气钢瓶并接管使用。",
        "gas",
        ["gb35181-2017:6.8"],
        "GB 55009-2021《燃气工程项目规范》第2.2.7条",
    ),
    (
        "未安装可燃气体报警装置",
        "后厨使用燃气但未安装可燃气体报警装置。",
        "gas",
        [],
        "《中华人民共和国安全生产法》第三十六条第四款、第九十九条第（八）项",
    ),
    (
        "燃气软管老化",
        "灶具连接软管龟裂，长度超过2米。",
        "gas",
        [],
        "地方餐饮场所燃气安全规定（来源未核实）",
    ),
    (
        "电线私拉乱接",
        "后厨插线板串接使用，电线穿越可燃吊顶。",
        "electrical",
        ["gb35181-2017:7.9.4"],
        "《中华人民共和国消防法》第二十七条（条款待核实）",
    ),
    (
        "可燃气体报警装置失效，未保障其正常使用",
        "报警器通电但探测无响应。",
        "gas",
        [],
        "《中华人民共和国安全生产法》第三十六条第四款",
    ),
]

PLAN = {
    "targets_and_tasks": "10日内将钢瓶移出地下空间，改用管道燃气。",
    "methods_and_measures": "停用地下储藏间燃气设施，拆除管线，申请管道燃气开户。",
    "funds_and_materials": "企业自筹3万元，燃气公司提供表具。",
    "organisation_and_people": "由单位负责人牵头，安全员和燃气公司技术员实施。",
    "time_limit_and_requirements": "整改期间停止使用地下空间燃气，每日报告进度。",
    "safety_and_contingency": "现场配备灭火器，制定燃气泄漏应急处置预案并演练。",
}


def _photo(user, unit, text: str, colour):
    image = Image.new("RGB", (480, 360), colour)
    ImageDraw.Draw(image).text((20, 20), text, fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    upload = SimpleUploadedFile(f"{text}.jpg", buf.getvalue(), content_type="image/jpeg")
    return store_photo(upload, actor=user, region_code=unit.region_id, unit_id=unit.pk)


def _people():
    def user(name):
        return User.objects.filter(username=name).first()

    return {
        "inspector": user("inspector@220102"),
        "regulator": user("regulator@220102"),
        "city": user("regulator@220100"),
        "province": user("regulator@220000"),
    }


def _unit_user(unit):
    membership = (
        Membership.objects.filter(unit=unit, role=Role.UNIT_MANAGER, is_active=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def load_hazards(rng: random.Random) -> int:
    """Create the demo hazards if they are missing; returns how many were created."""
    if Hazard.objects.filter(source_ref__startswith="demo:").exists():
        return 0
    people = _people()
    inspector, regulator = people["inspector"], people["regulator"]
    if inspector is None or regulator is None:
        return 0
    units = [u for u in Unit.objects.filter(region_id="220102").order_by("pk") if _unit_user(u)]
    if not units:
        return 0
    now = timezone.now()
    created = 0

    def new(unit, i, **extra):
        nonlocal created
        title, description, category, refs, basis = FINDINGS[i % len(FINDINGS)]
        found_at = extra.pop("found_at", now - dt.timedelta(days=rng.randint(20, 40)))
        before = _photo(inspector, unit, f"before {i}", (150, 40, 40))
        created += 1
        return services.create_hazard(
            unit,
            actor=inspector,
            source=extra.pop("source", "inspection"),
            description=description,
            title=title,
            category=category,
            rule_refs=refs,
            legal_basis=basis,
            source_ref=f"demo:{i}",
            photo_ids=[before.pk],
            found_at=found_at,
            **extra,
        )

    def order(h, days):
        services.order_hazard(
            h, actor=inspector, due_at=now + dt.timedelta(days=days), measures="限期整改"
        )

    def submit(h, unit):
        user = _unit_user(unit)
        if h.status == "ordered":
            services.start_rectification(h, actor=user)
        after = _photo(user, unit, f"after {h.pk}", (40, 120, 60))
        services.submit_rectification(
            h, actor=user, note="已按要求整改完毕。", photo_ids=[after.pk]
        )

    u = units
    pick = lambda i: u[i % len(u)]  # noqa: E731
    new(pick(0), 3)  # found
    order(new(pick(1), 7), 5)  # ordered
    h = new(pick(0), 4)
    order(h, 4)
    services.start_rectification(h, actor=_unit_user(pick(0)))  # rectifying
    h = new(pick(1), 0)
    order(h, 6)
    submit(h, pick(1))  # submitted
    h = new(pick(0), 1)
    order(h, 6)
    submit(h, pick(0))
    services.verify_hazard(h, actor=regulator, passed=True)  # verified
    h = new(pick(1), 8)
    order(h, 6)
    submit(h, pick(1))
    services.verify_hazard(h, actor=regulator, passed=False, reason="插线板仍串接使用。")
    submit(h, pick(1))
    services.verify_hazard(h, actor=inspector, passed=True, close=True)  # closed after a failure
    after = _photo(inspector, pick(0), "fixed", (40, 120, 60))
    new(pick(0), 3, fixed_on_spot=True, after_photo_ids=[after.pk])  # found and closed at once
    # A major hazard (city gas Art. 9) with its plan, accepted on site by a team.
    h = new(pick(2), 5)
    order(h, 20)
    services.save_plan(h, actor=_unit_user(pick(2)), parts=PLAN)
    submit(h, pick(2))
    services.verify_hazard(
        h,
        actor=regulator,
        passed=True,
        team=[{"name": "赵监管", "role": "组长"}, {"name": "吴工", "role": "专家"}],
        close=True,
    )
    # An extension approved and one waiting.
    h = new(pick(0), 7)
    order(h, 3)
    services.request_extension(
        h,
        actor=_unit_user(pick(0)),
        reason="报警器需厂家上门安装。",
        proposed_due_at=now + dt.timedelta(days=12),
    )
    services.decide_extension(h, actor=regulator, approve=True)
    h = new(pick(1), 9)
    order(h, 2)
    services.request_extension(
        h,
        actor=_unit_user(pick(1)),
        reason="电工排期中。",
        proposed_due_at=now + dt.timedelta(days=9),
    )
    # Overdue hazards for every rung of the supervision ladder: ordered in the past with
    # deadlines the configured number of days behind, then moved up by the real sweep below.
    for step, (_rung, days_late) in enumerate(ladder.overdue_days(pick(0).region_id)):
        due = now - dt.timedelta(days=days_late, hours=2)
        ordered_at = due - dt.timedelta(days=10)
        h = new(pick(step), step + 1, found_at=ordered_at - dt.timedelta(days=1))
        services.order_hazard(h, actor=inspector, due_at=due, measures="限期整改", now=ordered_at)
    # A major by GB 35181 comprehensive elements: three at one crowded place.
    crowded = next((x for x in units if x.is_crowded_place), pick(0))
    for i in (0, 1, 2):
        new(crowded, i, found_at=timezone.make_aware(dt.datetime(2025, 9, 20 + i, 10)))
    ladder.climb_ladder(now)
    return created
