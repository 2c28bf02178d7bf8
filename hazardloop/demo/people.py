"""The demo accounts (README lists them) and a few demo units with their managers."""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.lib import uscc
from hazardloop.regions.choices import DepartmentKind as K
from hazardloop.regions.models import Department, Region, Sector
from hazardloop.units.choices import GasUse
from hazardloop.units.models import Unit

# username → (role, region code, department kind, display name)
STAFF = {
    "regulator@220000": (Role.REGULATOR, "220000", K.SAFETY_COMMITTEE, "省安委办 王监管"),
    "regulator@220100": (Role.REGULATOR, "220100", K.SAFETY_COMMITTEE, "长春市安委办 李监管"),
    "regulator@220102": (Role.REGULATOR, "220102", K.EMERGENCY, "南关区应急局 赵监管"),
    "inspector@220102": (Role.INSPECTOR, "220102", K.FIRE, "南关区消防 孙检查"),
    "inspector@220103": (Role.INSPECTOR, "220103", K.FIRE, "宽城区消防 周检查"),
    "expert@220100": (Role.EXPERT, "220100", K.EMERGENCY, "长春市专家 吴工"),
    "leader@220100": (Role.LEADER, "220100", K.SAFETY_COMMITTEE, "长春市 郑领导"),
    "duty@220000": (Role.DUTY_OFFICER, "220000", K.EMERGENCY, "省应急厅值班员 冯值班"),
}

# (name, region, sector, gas use, cylinders, kg, flags)
DEMO_UNITS = [
    ("南关区老长春饺子馆", "220102", "catering", GasUse.BOTTLED_LPG, 4, 60, "crowded"),
    ("南关区红旗街火锅店", "220102", "catering", GasUse.PIPELINE, 0, 0, "crowded"),
    ("南关区春城宾馆", "220102", "lodging", GasUse.PIPELINE, 0, 0, "key"),
    ("宽城区铁北烧烤城", "220103", "catering", GasUse.BOTTLED_LPG, 8, 120, "crowded"),
    ("宽城区万达影城", "220103", "entertainment", GasUse.NONE, 0, 0, "key"),
    ("朝阳区桂林路商场", "220104", "retail", GasUse.NONE, 0, 0, "key"),
    ("吉林市船营区江城酒家", "220204", "catering", GasUse.ALCOHOL_FUEL, 0, 0, "crowded"),
    ("延吉市西市场美食城", "222401", "catering", GasUse.BOTTLED_LPG, 12, 180, "crowded"),
]
UNIT_MANAGER_COUNT = 4
_PHONE_PREFIXES = ["130", "131", "135", "138", "139", "150", "158", "186", "187", "189"]


class _Password:
    """One hash for every demo account, made only if an account is created (Argon2 is slow)."""

    def __init__(self):
        self._hash = None

    def __str__(self) -> str:
        if self._hash is None:
            self._hash = make_password(settings.DEMO_PASSWORD)
        return self._hash


def _user(username: str, display: str, password: "_Password", **extra) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User.objects.create(
        username=username, display_name=display, password=str(password), **extra
    )
    return user, True


def load_people(rng: random.Random) -> list[str]:
    """Create the demo accounts and units if missing. Returns the unit usernames."""
    password_hash = _Password()
    province = Region.objects.get(code="220000")
    admin, created = _user("admin", "系统管理员", password_hash, is_staff=True, is_superuser=True)
    if created:
        Membership.objects.create(user=admin, role=Role.ADMIN, region=province)
    for username, (role, code, kind, display) in STAFF.items():
        user, created = _user(username, display, password_hash)
        if created:
            dept = Department.objects.get(region_id=code, kind=kind)
            Membership.objects.create(user=user, role=role, department=dept, region_id=code)
    sectors = {s.code: s for s in Sector.objects.all()}
    unit_usernames = []
    for i, (name, code, sector, gas, cylinders, kg, flag) in enumerate(DEMO_UNITS):
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            unit = Unit.objects.create(
                name=name,
                uscc=uscc.generate(code, rng),
                region_id=code,
                sector=sectors[sector],
                address=f"{Region.objects.get(code=code).name_zh}示范路{i + 1}号",
                gas_use=gas,
                lpg_cylinders=cylinders,
                lpg_stored_kg=kg,
                is_crowded_place=flag == "crowded" or sector in ("catering", "lodging"),
                is_public_gathering=sector in ("catering", "lodging", "retail", "entertainment"),
                is_fire_key_unit=flag == "key",
                principal_name=rng.choice("王李张刘陈杨赵黄周吴")
                + rng.choice(["伟", "芳", "娜", "敏", "静", "强"]),
                principal_phone=rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            )
        if i < UNIT_MANAGER_COUNT:
            username = f"unit@{unit.uscc}"
            user, created = _user(username, f"{name} 负责人", password_hash)
            if created:
                Membership.objects.create(
                    user=user, role=Role.UNIT_MANAGER, unit=unit, region_id=code
                )
            unit_usernames.append(username)
    return unit_usernames
