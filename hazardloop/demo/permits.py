"""Hot-work permits at the demo units that do hot work (the first managed units: kitchens and
a hotel, whose exhaust ducts and pipes get welded): one closed after its after-check, one
with work going on (checked on site by the district's inspector), one waiting for approval,
and — at the first unit — one refused because its fire watch's training had lapsed.

The staff, certificates and training records the permits need are written here (a welder
with a valid welding certificate, a trained fire watch, a fire watch trained over a year
ago) and one unit safety officer account per unit (`safety@<USCC>`) who approves. Sent
through the permit services; idempotent: nothing is added once the demo has permits."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.demo.inspections import _jpeg
from hazardloop.evidence.services import store_photo
from hazardloop.permits import services
from hazardloop.permits.models import HotWorkPermit
from hazardloop.training.models import Certificate, StaffMember, Training, TrainingAttendance
from hazardloop.units.models import Unit

# The demo units with hot work (names from demo/people.py DEMO_UNITS).
UNITS = ["南关区老长春饺子馆", "南关区红旗街火锅店", "南关区春城宾馆", "宽城区铁北烧烤城"]
MEASURES = ["combustibles_cleared", "no_flammable_discharge", "extinguishers", "fire_watch_present"]
SURNAMES = "王李张刘"


def _staff(unit, n: int, now):
    """(welder, trained fire watch, lapsed fire watch) of the unit."""
    s = SURNAMES[n % len(SURNAMES)]
    welder = StaffMember.objects.create(
        unit=unit, name=f"{s}师傅", post="hot_work", hired_on=dt.date(2019, 3, 1)
    )
    watch = StaffMember.objects.create(
        unit=unit, name=f"{s}小红", post="security", hired_on=dt.date(2021, 5, 1)
    )
    lapsed = StaffMember.objects.create(
        unit=unit, name=f"{s}大勇", post="staff", hired_on=dt.date(2018, 9, 1)
    )
    Certificate.objects.create(
        holder=welder, kind="welding", number=f"T22010{n}19830{n}12", issuer="吉林省应急管理厅",
        issued_on=dt.date(2023, 6, 1), expires_on=dt.date(2029, 5, 31),
    )  # fmt: skip
    recent = Training.objects.create(
        unit=unit, topic="动火作业与初起火灾扑救", items=["hazards", "equipment", "escape"],
        trainer="区消防救援大队 宣传员", held_at=now - dt.timedelta(days=40), duration_minutes=90,
    )  # fmt: skip
    old = Training.objects.create(
        unit=unit, topic="消防安全常识", items=["laws", "escape"], trainer="单位安全员",
        held_at=now - dt.timedelta(days=430), duration_minutes=60,
    )  # fmt: skip
    TrainingAttendance.objects.create(training=recent, staff=watch)
    TrainingAttendance.objects.create(training=recent, staff=welder)
    TrainingAttendance.objects.create(training=old, staff=lapsed)
    return welder, watch, lapsed


def _officer(unit, password: str) -> User:
    username = f"safety@{unit.uscc}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, display_name=f"{unit.name} 安全员", password=password
        )
        Membership.objects.create(
            user=user, role=Role.UNIT_SAFETY_OFFICER, unit=unit, region_id=unit.region_id
        )
    return user


def _reading(at, lel=0):
    return {"taken_at": at, "lel_percent": lel, "point": "作业点及下风向", "taken_by": "检测员"}


def _permit(unit, manager, welder, watch, start, hours, place, reason, now, **extra):
    return services.create_permit(
        unit, actor=manager, place=place, reason=reason, planned_start=start,
        planned_end=start + dt.timedelta(hours=hours), worker_id=welder.pk,
        fire_watch_id=watch.pk, measures=MEASURES, submit=True, now=now, **extra,
    )  # fmt: skip


def load_permits(now=None) -> int:
    if HotWorkPermit.objects.exists():
        return 0
    now = now or timezone.now()
    units = [u for u in (Unit.objects.filter(name=name).first() for name in UNITS) if u]
    inspector = User.objects.filter(username="inspector@220102").first()
    password = make_password(settings.DEMO_PASSWORD)
    created = 0
    for n, unit in enumerate(units):
        manager = (
            User.objects.filter(memberships__unit=unit, memberships__role=Role.UNIT_MANAGER)
            .order_by("pk")
            .first()
        )
        if manager is None:
            continue
        officer = _officer(unit, password)
        welder, watch, lapsed = _staff(unit, n, now)
        # Closed yesterday after its after-check.
        start = now - dt.timedelta(days=1, hours=3)
        before = start - dt.timedelta(minutes=15)
        done = _permit(
            unit,
            manager,
            welder,
            watch,
            start,
            3,
            "后厨排烟罩",
            "排烟罩支架开焊，补焊加固",
            before,
            gas_readings=[_reading(before - dt.timedelta(minutes=5))],
        )
        services.perform(done, "approve", actor=officer, now=before)
        services.perform(done, "start", actor=manager, now=start)
        photo = store_photo(
            SimpleUploadedFile(f"permit{n}.jpg", _jpeg(700 + n), "image/jpeg"),
            actor=manager,
            region_code=unit.region_id,
            unit_id=unit.pk,
            original_name="",
        )
        services.perform(
            done,
            "close",
            actor=manager,
            now=start + dt.timedelta(hours=2, minutes=40),
            no_smouldering=True,
            photo_ids=[photo.pk],
            note="作业点已浇水冷却，监护人留守30分钟，无阴燃",
        )
        # Work going on now.
        start = now - dt.timedelta(hours=1)
        before = start - dt.timedelta(minutes=20)
        live = _permit(
            unit,
            manager,
            welder,
            watch,
            start,
            4,
            "设备间给水管道",
            "更换锈蚀的给水管道法兰",
            before,
            gas_readings=[_reading(before)],
        )
        services.perform(live, "approve", actor=officer, now=before)
        services.perform(live, "gas_test", actor=manager, now=start, reading=_reading(start))
        services.perform(live, "start", actor=manager, now=start)
        if inspector is not None and unit.region_id.startswith("220102"):
            services.perform(
                live,
                "site_check",
                actor=inspector,
                now=now - dt.timedelta(minutes=20),
                matches=True,
                note="现场核对：监护人在岗，灭火器已配置",
            )
        # Waiting for approval (starts in an hour; the gas test is retaken before then).
        start = now + dt.timedelta(hours=1)
        _permit(
            unit,
            manager,
            welder,
            watch,
            start,
            2,
            "屋顶广告牌支架",
            "广告牌钢结构支架焊接",
            now,
            gas_readings=[_reading(now - dt.timedelta(minutes=5))],
        )
        created += 3
        if n == 0:
            start = now - dt.timedelta(days=3)
            before = start - dt.timedelta(minutes=10)
            refused = _permit(
                unit,
                manager,
                welder,
                lapsed,
                start,
                2,
                "后厨燃气管道旁",
                "切割拆除旧灶台",
                before,
                gas_readings=[_reading(before)],
            )
            services.perform(refused, "approve", actor=officer, now=before)
            created += 1
    return created
