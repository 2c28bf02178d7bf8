# ruff: noqa: E501  (the demo word lists read best as tables)
"""The demo province's units: about 3,000 realistic businesses over every prefecture.

Restaurants with bottled LPG or pipeline gas, hotels, shops, entertainment venues, gas stations,
chemical plants, mines and construction sites, each with a valid USCC of its county. Written in
bulk (the same path as the importer); idempotent: a second run adds nothing.
"""

import random

from django.utils import timezone

from hazardloop.lib import uscc
from hazardloop.regions.models import Department, Region
from hazardloop.units.models import Unit
from hazardloop.units.services import pick_departments

TARGET = 3000
# sector → (share of units, name patterns, gas-use weights, key-unit chance)
KINDS = {
    "catering": (0.42, ["{p}{w}饺子馆", "{p}{w}烧烤店", "{p}{w}火锅店", "{p}{w}冷面馆", "{p}{w}酒家",
                        "{p}{w}快餐店", "{p}{w}小吃城"],
                 {"bottled_lpg": 45, "pipeline": 40, "alcohol_fuel": 10, "biomass": 5}, 0.05),
    "lodging": (0.12, ["{p}{w}宾馆", "{p}{w}大酒店", "{p}{w}快捷酒店", "{p}{w}旅社"],
                {"pipeline": 60, "none": 30, "bottled_lpg": 10}, 0.35),
    "retail": (0.14, ["{p}{w}超市", "{p}{w}商场", "{p}{w}购物中心", "{p}{w}批发市场"],
               {"none": 85, "pipeline": 15}, 0.25),
    "entertainment": (0.08, ["{p}{w}KTV", "{p}{w}影城", "{p}{w}网吧", "{p}{w}洗浴中心"],
                      {"none": 80, "pipeline": 20}, 0.45),
    "gas_supply": (0.05, ["{p}{w}加油站", "{p}{w}液化气站", "{p}{w}加气站"], {"none": 100}, 0.9),
    "hazchem": (0.05, ["吉林{w}化工有限公司", "{p}{w}化学品仓储公司", "{p}{w}精细化工厂"],
                {"pipeline": 60, "none": 40}, 0.9),
    "mining": (0.03, ["{p}{w}煤矿", "{p}{w}石场", "{p}{w}铁矿"], {"none": 100}, 0.5),
    "construction": (0.08, ["{p}{w}棚改项目工地", "{p}{w}商住楼工地", "{p}{w}道路改造工程"],
                     {"none": 70, "bottled_lpg": 30}, 0.1),
    "industry_trade": (0.03, ["{p}{w}食品厂", "{p}{w}木业加工厂", "{p}{w}机械厂"],
                       {"pipeline": 50, "none": 50}, 0.3),
}  # fmt: skip
WORDS = ["老字号", "鑫源", "东北", "长白山", "松花江", "福满", "兴隆", "金达莱", "聚福", "宏达",
         "恒泰", "春城", "雪乡", "天池", "盛京", "大众", "百姓", "和顺", "吉祥", "益民"]  # fmt: skip
STREETS = ["人民大街", "解放大路", "自由大路", "重庆路", "红旗街", "延安大街", "建设街", "光明路",
           "新华街", "胜利路", "长江路", "松江路"]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁金朴崔"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
MOBILE = ["130", "131", "135", "138", "139", "150", "158", "186", "187", "189"]
BUSY = {"220102", "220103", "220104", "220105", "220106", "220202", "220204", "222401"}


def _pick(rng, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng) -> tuple[str, str]:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
        rng.choice(MOBILE) + f"{rng.randrange(10**8):08d}",
    )


def build_units(rng: random.Random, counties: list[Region], count: int) -> list[Unit]:
    weights = [5 if c.code in BUSY else 2 if c.level == "county" else 1 for c in counties]
    sectors = list(KINDS)
    shares = [KINDS[s][0] for s in sectors]
    seen: set[str] = set()
    units = []
    for _ in range(count):
        county = rng.choices(counties, weights=weights)[0]
        sector = rng.choices(sectors, weights=shares)[0]
        _share, patterns, gas_weights, key_chance = KINDS[sector]
        prefix = county.name_zh.removesuffix("区").removesuffix("县").removesuffix("市")[:3]
        name = rng.choice(patterns).format(p=prefix, w=rng.choice(WORDS))
        while name in seen:
            name = name + rng.choice("一二三四五六七八九") + "分店"
        seen.add(name)
        gas = _pick(rng, gas_weights)
        cylinders = rng.choice([2, 3, 4, 6, 8, 10, 12]) if gas == "bottled_lpg" else 0
        gathering = sector in ("catering", "lodging", "retail", "entertainment")
        principal, phone = _person(rng)
        manager, manager_phone = _person(rng)
        unit = Unit(
            name=name,
            uscc=uscc.generate(county.code[:6], rng),
            region_id=county.code,
            sector_id=sector,
            address=f"{county.name_zh}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
            floor_area_m2=rng.choice([80, 120, 200, 350, 600, 1200, 3000, 8000]),
            floors=rng.choice([1, 1, 2, 3, 4, 6]),
            business_hours=rng.choice(["09:00-21:00", "10:00-22:00", "00:00-24:00", "08:00-17:00"]),
            is_fire_key_unit=rng.random() < key_chance,
            is_crowded_place=gathering or (sector == "industry_trade" and rng.random() < 0.4),
            is_public_gathering=gathering,
            gas_use=gas,
            lpg_cylinders=cylinders,
            lpg_stored_kg=cylinders * rng.choice([15, 15, 50]),
            principal_name=principal,
            principal_phone=phone,
            safety_manager_name=manager if rng.random() < 0.7 else "",
            safety_manager_phone=manager_phone if rng.random() < 0.7 else "",
        )
        if not unit.safety_manager_name:
            unit.safety_manager_phone = ""
        unit.refresh_derived()
        units.append(unit)
    return units


def load_units(rng: random.Random, target: int = TARGET) -> int:
    """Bring the demo province up to `target` units. Returns how many were created."""
    missing = target - Unit.objects.count()
    if missing <= 0:
        return 0
    counties = list(Region.objects.filter(level__in=["county", "zone"]).order_by("code"))
    units = build_units(rng, counties, missing)
    taken = set(Unit.objects.values_list("uscc", flat=True))
    units = [u for u in units if u.uscc not in taken]
    now = timezone.now()
    for unit in units:
        unit.created_at = unit.updated_at = now
    Unit.objects.bulk_create(units, batch_size=1000)
    ids = dict(Unit.objects.filter(uscc__in=[u.uscc for u in units]).values_list("uscc", "pk"))
    for unit in units:
        unit.pk = ids[unit.uscc]
    departments = list(Department.objects.prefetch_related("sectors"))
    parents = dict(Region.objects.values_list("code", "parent_id"))
    through = Unit.supervising_departments.through
    links, picked = [], {}
    for unit in units:
        key = (unit.region_id, unit.sector_id)
        if key not in picked:
            chain, code = [], unit.region_id
            while code:
                chain.append(code)
                code = parents.get(code)
            picked[key] = pick_departments(chain, departments, unit.sector_id)
        links.extend(through(unit_id=ids[unit.uscc], department_id=d.pk) for d in picked[key])
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    # The few units people.py creates one by one get their departments too.
    for unit in Unit.objects.filter(supervising_departments__isnull=True):
        chain, code = [], unit.region_id
        while code:
            chain.append(code)
            code = parents.get(code)
        unit.supervising_departments.set(pick_departments(chain, departments, unit.sector_id))
    return len(units)
