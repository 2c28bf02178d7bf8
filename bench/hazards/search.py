"""The ledger's free-text search (`q`) at 100,000 hazards on PostgreSQL: the substring scan it
was against the pg_trgm indexes it uses now (hazards migration 0012, the units' search index).

    flock /tmp/hazardloop-bench.lock sh -c '
      createdb -h 127.0.0.1 -U postgres hl_search_bench &&
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_search_bench \\
        .venv/bin/python manage.py migrate &&
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_search_bench \\
        .venv/bin/python bench/supervision/generate.py --hazards 100000 --units 20000 &&
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_search_bench \\
        .venv/bin/python bench/hazards/search.py [--repeat 15]'

The shared generator gives every hazard the same title; this script first rewrites titles,
descriptions and unit names with realistic, varied words (idempotent): 20 titles in turn, 1 in
1,000 hazards "防火卷帘下堆放杂物", descriptions that end in their number ("编号4242"), unit
names from 12 kinds of place with their id. Then, for a province regulator and a county
regulator, each query runs as the ledger runs it (scope, `q`, newest first, first page of 50):

- "before": the condition as it was (`title`, `description`, `unit.name` icontains: a join and
  a scan), without the hazards' trigram index;
- "after": `hazards.filters.text_match` with the index, and the whole ledger page through
  Django's test client.

Times are wall-clock medians in ms over --repeat runs (after one warm-up), with the scans of
the "after" query's plan.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hl_search_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.hazards.filters import page, text_match  # noqa: E402
from hazardloop.hazards.models import Hazard  # noqa: E402
from hazardloop.hazards.views import LEDGER_FIELDS  # noqa: E402
from hazardloop.regions.models import Department  # noqa: E402
from hazardloop.testing import ensure_reference_data  # noqa: E402

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS hazard_text_trgm ON hazards_hazard USING gin "
    "((UPPER(title::text)) gin_trgm_ops, (UPPER(description::text)) gin_trgm_ops)"
)
TITLES = [
    "疏散通道堵塞",
    "安全出口锁闭",
    "灭火器过期",
    "灭火器压力不足",
    "应急照明损坏",
    "疏散指示标志缺失",
    "燃气管道老化",
    "未安装燃气报警器",
    "液化气钢瓶超期未检",
    "电气线路私拉乱接",
    "电动自行车室内充电",
    "消防栓被遮挡",
    "防火门常开",
    "厨房油烟管道未清洗",
    "员工未经消防培训",
    "微型消防站器材不全",
    "自动喷水灭火系统故障",
    "火灾报警控制器故障",
    "可燃物堆放过多",
    "外墙保温材料易燃",
]
DESCRIPTIONS = [
    "检查发现现场",
    "复查时仍存在",
    "群众举报",
    "单位自查上报",
    "夜查发现",
    "联合检查发现",
    "暗访发现",
    "专项检查发现",
    "随机抽查发现",
    "网格员巡查发现",
]
PLACES = [
    "松花江饺子馆",
    "长白山火锅店",
    "吉林烧烤城",
    "南湖宾馆",
    "红旗超市",
    "新民KTV",
    "人民网吧",
    "春城幼儿园",
    "光明养老院",
    "桂林路烧烤",
    "东风加油站",
    "北方物流仓库",
]
QUERIES = [
    ("rare title, 1 in 1,000", "防火卷帘"),
    ("common title, 1 in 10", "灭火器"),
    ("number in description, 11 rows", "编号4242"),
    ("unit name + id, few units", "火锅店1234"),
    ("no match", "不存在的隐患"),
    ("two characters (no trigram)", "通道"),
]


def prepare(force: bool = False) -> None:
    with connection.cursor() as cur:
        cur.execute("select count(*) from hazards_hazard where description like '%%编号%%'")
        if cur.fetchone()[0] and not force:
            return
        t = time.monotonic()
        cur.execute(
            "update hazards_hazard set "
            "title = case when id %% 1000 = 0 then '防火卷帘下堆放杂物' "
            "else (%s::text[])[1 + abs(hashtext(id::text)) %% 20] end, "
            "description = (%s::text[])[1 + abs(hashtext('d' || id)) %% 10] || '，编号' || id",
            [TITLES, DESCRIPTIONS],
        )
        cur.execute(
            "update units_unit set name = (%s::text[])[1 + id %% 12] || id, "
            "search_text = lower((%s::text[])[1 + id %% 12] || id)",
            [PLACES, PLACES],
        )
        cur.execute("analyze hazards_hazard")
        cur.execute("analyze units_unit")
        print(f"texts rewritten in {time.monotonic() - t:.0f} s")


def user(username: str, region: str, role: str) -> User:
    person, created = User.objects.get_or_create(username=username)
    if created:
        dept = Department.objects.filter(region_id=region).first()
        if dept is None:
            from hazardloop.testing import make_department

            dept = make_department(region)
        Membership.objects.create(user=person, role=role, department=dept, region_id=region)
    return person


def ledger(person, condition):
    qs = Hazard.objects.visible_to(person).select_related("unit").only(*LEDGER_FIELDS, "unit__name")
    return qs.filter(condition)


def median_ms(run, repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def old_condition(q: str) -> Q:
    return Q(title__icontains=q) | Q(description__icontains=q) | Q(unit__name__icontains=q)


def plan_head(qs) -> str:
    """The scans of the query's plan: node type and relation or index."""
    sql, params = qs.order_by("-found_at", "-id")[:51].query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    scans = []

    def walk(node):
        if "Scan" in node["Node Type"]:
            scans.append(
                f"{node['Node Type']} {node.get('Index Name') or node.get('Relation Name')}"
            )
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return "; ".join(dict.fromkeys(scans))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rewrite", action="store_true", help="rewrite the texts again")
    args = parser.parse_args()
    ensure_reference_data()
    prepare(args.rewrite)
    with connection.cursor() as cur:
        cur.execute("select count(*) from hazards_hazard")
        print(f"hazards: {cur.fetchone()[0]:,}; load average {os.getloadavg()[0]:.2f}")
    people = [
        ("province", user("search-prov", "220000", Role.REGULATOR)),
        ("county", user("search-county-reg", "220102", Role.REGULATOR)),
    ]
    results = {}
    with connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS hazard_text_trgm")
    for label, person in people:
        for name, q in QUERIES:
            qs = ledger(person, old_condition(q))
            results[(label, name, "before")] = (
                median_ms(lambda qs=qs: page(qs, None), args.repeat),
                len(page(qs, None)[0]),
            )
    with connection.cursor() as cur:
        t = time.monotonic()
        cur.execute(INDEX_SQL)
        cur.execute("analyze hazards_hazard")
        print(f"index built in {time.monotonic() - t:.1f} s")
    print(
        f"{'query':34} {'user':8} {'before':>8} {'after':>8} {'page':>8} {'rows':>5}  plan (after)"
    )
    for label, person in people:
        client = Client()
        client.force_login(person)
        for name, q in QUERIES:
            qs = ledger(person, text_match(q))
            after = median_ms(lambda qs=qs: page(qs, None), args.repeat)
            rows = len(page(qs, None)[0])
            whole = median_ms(
                lambda q=q, c=client: c.get("/hazards/", {"q": q}), max(3, args.repeat // 3)
            )
            before, before_rows = results[(label, name, "before")]
            print(
                f"{name:34} {label:8} {before:8.1f} {after:8.1f} {whole:8.1f} "
                f"{rows:5}  {plan_head(qs)}"
                + ("" if rows == before_rows else f"  (before: {before_rows} rows)")
            )
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
