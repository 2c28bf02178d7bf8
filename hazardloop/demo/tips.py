"""Ten public tips in the demo province, in every state: waiting (one past its answer
deadline, one from the province page without a unit), recorded as hazards, inspections
planned, dismissed with a reason. Sent through the tip service (with photos) and answered by
the county regulators through the triage service. Idempotent: nothing is added once the demo
has tips."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazardloop.accounts.models import User
from hazardloop.demo.inspections import _jpeg
from hazardloop.tips import services
from hazardloop.tips.models import Tip
from hazardloop.units.models import Unit

# (days ago, category, description, phone, photos, outcome, reason or title)
TIPS = [
    (0, "blocked_exit", "饭店后门安全出口被纸箱和啤酒箱堵住，人过不去。", "", 1, None, ""),
    (6, "locked_door", "晚上营业时二楼安全出口门用铁链锁着。", "13904310001", 1, None, ""),
    (1, "gas_indoors", "后厨地下室存放了四五个液化气钢瓶。", "", 0, None, ""),
    (5, "window_bars", "宿舍窗户全部焊了铁栅栏，打不开。", "", 1, "hazard",
     "外窗设置影响逃生的铁栅栏"),
    (8, "locked_door", "KTV 包房走廊尽头的安全门上了锁。", "13504310002", 2, "hazard",
     "安全出口锁闭"),
    (3, "equipment_missing", "楼道里的灭火器都过期了，压力表指针在红区。", "", 1, "hazard",
     "灭火器失效"),
    (4, "gas_indoors", "小吃店在店里用液化气瓶，旁边就是电动车充电。", "", 0, "inspection", ""),
    (2, "other", "商场晚上关门后疏散指示灯不亮。", "", 0, "inspection", ""),
    (7, "blocked_exit", "超市安全出口外面停满了电动车。", "", 1, "dismiss",
     "经现场核查，安全出口外电动车已清理，通道畅通。"),
    (9, "other", "听说这家店消防不合格。", "", 0, "dismiss",
     "举报内容不具体，现场检查未发现火灾隐患；如有具体问题请再次举报。"),
]  # fmt: skip


def load_tips() -> int:
    if Tip.objects.exists():
        return 0
    regulator = User.objects.filter(username="regulator@220102").first()
    units = list(Unit.objects.filter(region__code__startswith="220102").order_by("id")[:12])
    if regulator is None or len(units) < len(TIPS):
        return 0
    now = timezone.now()
    created = 0
    for n, (days, category, text, phone, photos, outcome, words) in enumerate(TIPS):
        received = now - dt.timedelta(days=days, hours=n)
        uploads = [
            SimpleUploadedFile(f"tip{n}-{i}.jpg", _jpeg(900 + n * 3 + i), "image/jpeg")
            for i in range(photos)
        ]
        unit = units[n] if n != 2 else None
        tip = services.receive_tip(
            unit=unit,
            region_code="" if unit else "220102",
            address="" if unit else "长春市南关区人民大街 1888 号",
            category=category,
            description=text,
            phone=phone,
            uploads=uploads,
            client_address=f"demo-{n}",
            now=received,
        )
        created += 1
        if outcome is None:
            continue
        answered = received + dt.timedelta(days=1)
        services.triage_tip(
            tip,
            actor=regulator,
            outcome=outcome,
            title=words if outcome == "hazard" else "",
            reason=words if outcome == "dismiss" else "",
            due_on=timezone.localdate(now) + dt.timedelta(days=3 + n),
            now=answered,
        )
    return created
