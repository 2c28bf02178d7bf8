"""A province that looks like one, for every benchmark (PostgreSQL only).

    .venv/bin/python bench/province.py --hazards 100000 [--db NAME] [--now 2026-11-28T10:00+08:00]

Builds, in an empty (migrated) database, everything inside PostgreSQL with `INSERT … SELECT
generate_series(…)` in batches (no Python loop over rows but the units' names; the
pseudo-random choices are `hashint8extended(row number, seed)`, so the same arguments give the
same province):

- townships under every county and development zone (8–19 each, codes county + 001…), as the
  regions table of a province with its townships loaded would hold them;
- units (default hazards ÷ 20): 90 % in a township, 10 % at the county's own code; every sector
  (catering, retail and lodging most), risk levels, gas use and the three flags varied; a name
  of the sector's kind after the county, an address in the township, and the search columns
  the app derives from them (the one pass in Python: `bench/unit_names.py`);
- campaigns: one province campaign per quarter of the year, adopted by each prefecture (the
  adoptions are what hazards and inspections are recorded against);
- hazards found evenly over the year before `--now` (ids in finding order), at a unit picked
  pseudo-randomly, with its region code and sector; every category (weighted), 4 % major;
  deadlines of 1, 3, 7, 15, 30 or 60 days (major: 30, 60, 90), 6 % extended; 45 % inside the
  quarter's campaign; states: closed with a probability rising from 15 % (found today) to 65 %
  (a year ago), ≈ 40 % overall, as verified (70 %) or closed; the open ones found (10 %),
  ordered (25 %), rectifying (45 %), submitted (20 %); about three quarters rectified on time;
  the regulator's clocks (order: 3 days, re-check: 7 days) and the supervision rung of every
  overdue hazard as the ladder would have left it at `--now` (`bench/supervision/generate.py`
  `state_sql`);
- hazard events as the workflow writes them: `created`, `order`, `submit`, `verify` or
  `close`, `extension_approve` for the extended deadlines, `supervision` for each rung reached;
- inspections (default 0.8 per hazard) over the year, every mode, the campaign ones and the
  self-inspections included, and enforcement documents for 5 % of the hazards that stayed
  open a week past their deadline (open now at the letter rung or above, or closed since),
  92 % of them served within three days.

Loaded in one transaction with `session_replication_role = replica` (the foreign-key triggers
off: the rows are consistent by construction; the PostgreSQL user must be a superuser, as the
benchmark databases' `postgres` is).

Not written: audit events (`audit.AuditEvent`, the hash chain). The dashboards never read them;
a benchmark of audited writes writes its own through the services.

Then the statistics aggregates are rebuilt in full (as `manage.py refresh_stats --full`) and the
bucket statistics are printed (rows and hazards per row of each aggregate table), so that the
data's realism is visible next to every figure measured on it; last, `VACUUM (ANALYZE)`, as
autovacuum would leave a live database.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "supervision"))

BATCH = 250_000
SECTOR_WEIGHTS = [  # (sector, weight): the shape of a city's unit register
    ("catering", 26), ("retail", 20), ("lodging", 8), ("entertainment", 6),
    ("gas_supply", 2), ("hazchem", 2), ("mining", 1), ("construction", 5),
    ("transport", 3), ("flood_control", 1), ("industry_trade", 10), ("education", 6),
    ("health", 4), ("other", 6),
]  # fmt: skip
CATEGORY_WEIGHTS = [
    ("evacuation", 22), ("fire_facilities", 26), ("gas", 9), ("electrical", 16),
    ("hot_work", 4), ("materials", 5), ("hazchem", 3), ("management", 10), ("other", 5),
]  # fmt: skip
TITLES = {
    "evacuation": "疏散通道堵塞", "fire_facilities": "灭火器失效", "gas": "燃气管线未设报警装置",
    "electrical": "私拉乱接电线", "hot_work": "动火作业无审批", "materials": "使用易燃装修材料",
    "hazchem": "危化品混存", "management": "未落实防火巡查", "other": "其他隐患",
}  # fmt: skip
MODE_WEIGHTS = [
    ("routine", 40), ("patrol", 15), ("self_inspection", 22), ("unannounced", 8),
    ("leader_led", 5), ("campaign", 7), ("joint", 3),
]  # fmt: skip
GAS_WEIGHTS = [
    ("none", 55), ("bottled_lpg", 20), ("pipeline", 22), ("alcohol_fuel", 2), ("biomass", 1),
]  # fmt: skip
ANALYZE = (
    "hazards_hazard", "hazards_hazardevent", "inspections_inspection",
    "supervision_enforcementdocument", "units_unit", "regions_region",
)  # fmt: skip
GENERAL_DAYS = [1, 3, 7, 7, 15, 15, 15, 30, 30, 60]
MAJOR_DAYS = [30, 60, 90]


def rnd(seed: int, modulo: int, of: str = "g") -> str:
    """A pseudo-random integer in [0, modulo) for row `of` (SQL)."""
    return f"(abs(hashint8extended({of}::bigint, {seed})) % {modulo})"


def weighted(pairs, seed: int, of: str = "g") -> str:
    """A CASE picking one value of `pairs` by weight (SQL)."""
    total = sum(w for _v, w in pairs)
    r = rnd(seed, total, of)
    out, acc = ["case"], 0
    for value, weight in pairs[:-1]:
        acc += weight
        out.append(f"when {r} < {acc} then '{value}'")
    out.append(f"else '{pairs[-1][0]}' end")
    return " ".join(out)


def pick(values, seed: int, of: str = "g") -> str:
    return f"(array{values!r})[1 + {rnd(seed, len(values), of)}]"


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def setup(db: str | None) -> None:
    if db:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    from common import setup as django_setup

    django_setup()


class Province:
    def __init__(self, cur, *, hazards: int, units: int, inspections: int, now: str):
        self.cur, self.now = cur, now
        self.n_hazards, self.n_units, self.n_inspections = hazards, units, inspections
        self.start = f"(timestamptz '{now}' - interval '365 days')"

    def run(self, sql: str, params=None) -> int:
        self.cur.execute(sql, params)
        return self.cur.rowcount

    def count(self, table: str) -> int:
        self.cur.execute(f"select count(*) from {table}")
        return self.cur.fetchone()[0]

    # -- regions, people, checklist, campaigns -------------------------------------------------

    def townships(self) -> int:
        from hazardloop.regions import codes
        from hazardloop.regions.models import Region

        have = set(Region.objects.filter(level="township").values_list("code", flat=True))
        new = []
        for county in Region.objects.filter(level__in=["county", "zone"]).order_by("code"):
            n = 8 + int(county.code) % 12
            for i in range(1, n + 1):
                code = f"{county.code}{i:03d}"
                if code in have:
                    continue
                new.append(
                    Region(
                        code=code,
                        parent=county,
                        level="township",
                        prefix=codes.prefix(code),
                        name_zh=f"{county.name_zh}第{i}镇",
                        name_en=f"{county.name_en} township {i}",
                    )
                )
        Region.objects.bulk_create(new, batch_size=1000)
        return Region.objects.filter(level="township").count()

    def people(self) -> tuple[int, int]:
        """A bench inspector and one checklist version (inspections need both)."""
        from common import fill_required

        from hazardloop.accounts.models import User

        user, _ = User.objects.get_or_create(username="bench-province-inspector")
        self.cur.execute("select min(id) from checklists_checklistversion")
        version = self.cur.fetchone()[0]
        if version is None:
            cols = fill_required(
                self.cur,
                "checklists_checklisttemplate",
                {"code": "'bench-fire'", "region_code": "'220000'", "title_zh": "'消防检查'",
                 "title_en": "'Fire check'", "topic": "'fire'", "sectors": "'[]'::jsonb",
                 "gas_uses": "'[]'::jsonb", "is_builtin": "false", "created_at": "now()"},
            )  # fmt: skip
            self.run(
                f"insert into checklists_checklisttemplate ({', '.join(cols)}) "
                f"select {', '.join(cols.values())} returning id"
            )
            template = self.cur.fetchone()[0]
            cols = fill_required(
                self.cur,
                "checklists_checklistversion",
                {"number": "1", "is_current": "true", "note": "''",
                 "content_hash": "repeat('0', 64)", "created_at": "now()",
                 "template_id": str(template)},
            )  # fmt: skip
            self.run(
                f"insert into checklists_checklistversion ({', '.join(cols)}) "
                f"select {', '.join(cols.values())} returning id"
            )
            version = self.cur.fetchone()[0]
        return user.pk, version

    def campaigns(self) -> None:
        """One province campaign per quarter, adopted by every prefecture; a temporary table
        `bench_campaign(quarter, prefix, id)` maps a quarter and prefecture to the adoption."""
        import datetime as dt

        from hazardloop.campaigns.models import Campaign
        from hazardloop.regions.models import Department, Region

        now = dt.datetime.fromisoformat(self.now.replace(" ", "T"))
        first = (now - dt.timedelta(days=365)).date()
        province = Region.objects.get(code="220000")
        prefectures = list(Region.objects.filter(level="prefecture").order_by("code"))

        def department(region):
            return (
                Department.objects.filter(region=region).order_by("id").first()
                or Department.objects.order_by("id").first()
            )

        rows = []
        for q in range(4):
            starts = first + dt.timedelta(days=round(q * 91.25))
            ends = first + dt.timedelta(days=round((q + 1) * 91.25) - 1)
            title = f"基准专项整治 第{q + 1}季度"
            root = Campaign.objects.filter(title=title, parent__isnull=True).first()
            if root is None:
                root = Campaign.objects.create(
                    region=province, region_code="220000", department=department(province),
                    title=title, starts_on=starts, ends_on=ends, status="active",
                )  # fmt: skip
            for pref in prefectures:
                child = Campaign.objects.filter(parent=root, region=pref).first()
                if child is None:
                    child = Campaign.objects.create(
                        parent=root, root_id_value=root.pk, region=pref, region_code=pref.code,
                        department=department(pref), title=f"{pref.name_zh}{title}",
                        starts_on=starts, ends_on=ends, status="active",
                    )  # fmt: skip
                rows.append((q, pref.prefix, child.pk))
        self.run(
            "create temporary table if not exists bench_campaign "
            "(quarter int, prefix text, id bigint, primary key (quarter, prefix))"
        )
        self.run("truncate bench_campaign")
        self.cur.executemany("insert into bench_campaign values (%s, %s, %s)", rows)

    # -- units --------------------------------------------------------------------------------

    def units(self) -> None:
        from common import fill_required

        have = self.count("units_unit")
        if have >= self.n_units:
            print(f"units: {have:,} already there")
            return
        self.cur.execute("select code from regions_region where level = 'township' order by code")
        towns = [r[0] for r in self.cur.fetchall()]
        self.cur.execute("select code from regions_region where level in ('county', 'zone')")
        counties = [r[0] for r in self.cur.fetchall()]
        self.run("create temporary table if not exists bench_place (i int primary key, code text)")
        self.run("truncate bench_place")
        self.cur.executemany(
            "insert into bench_place values (%s, %s)", list(enumerate(towns + counties))
        )
        region = (
            f"(select code from bench_place where i = case when {rnd(1, 10)} = 0 "
            f"then {len(towns)} + {rnd(2, len(counties))} else {rnd(3, len(towns))} end)"
        )
        cols = fill_required(
            self.cur,
            "units_unit",
            {
                "name": "'基准单位' || g",
                "uscc": "'B' || lpad(g::text, 17, '0')",
                "region_id": region,
                "sector_id": weighted(SECTOR_WEIGHTS, 4),
                "public_id": "'B' || lpad(g::text, 11, '0')",
                "risk_level": weighted(
                    [("red", 3), ("orange", 10), ("yellow", 27), ("blue", 60)], 5
                ),
                "gas_use": weighted(
                    [
                        ("none", 55),
                        ("bottled_lpg", 20),
                        ("pipeline", 22),
                        ("alcohol_fuel", 2),
                        ("biomass", 1),
                    ],
                    6,
                ),
                "is_crowded_place": f"{rnd(7, 10)} < 2",
                "is_public_gathering": f"{rnd(8, 10)} < 1",
                "is_fire_key_unit": f"{rnd(9, 20)} < 3",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        t = time.monotonic()
        self.cur.execute("select coalesce(max(id), 0) from units_unit")
        before = self.cur.fetchone()[0]
        for first in range(have + 1, self.n_units + 1, BATCH):
            last = min(self.n_units, first + BATCH - 1)
            self.run(
                f"insert into units_unit ({', '.join(cols)}) select {', '.join(cols.values())} "
                f"from generate_series({first}, {last}) g"
            )
        from unit_names import name_units  # bench/, beside this script

        name_units(self.cur, before)
        self.run("analyze units_unit")
        print(f"units: {self.n_units - have:,} in {time.monotonic() - t:.1f} s", flush=True)

    # -- hazards and their events -------------------------------------------------------------

    def hazard_sql(self, first: int, last: int, cols_of) -> str:
        n = self.n_hazards
        found = f"({self.start} + ((g - 1)::float8 * 31536000 / {n}) * interval '1 second')"
        age = f"(({n} - g)::float8 / {n})"  # 0 (found now) … 1 (a year ago)
        major = f"({rnd(12, 100)} < 4)"
        days = f"(case when {major} then {pick(MAJOR_DAYS, 13)} else {pick(GENERAL_DAYS, 14)} end)"
        closed = f"({rnd(15, 1000)} < 150 + 500 * {age})"
        r_open = rnd(16, 100)
        status = (
            f"case when {closed} then (case when {rnd(17, 10)} < 7 then 'verified' "
            "else 'closed' end) "
            f"when {r_open} < 10 then 'found' when {r_open} < 35 then 'ordered' "
            f"when {r_open} < 80 then 'rectifying' else 'submitted' end"
        )
        # Rectification took 20 %–130 % of the deadline's days: ~77 % on time.
        took = f"({days} * (20 + {rnd(18, 111)}) / 100.0)"
        extended = f"(not {closed} and {r_open} >= 10 and {rnd(19, 100)} < 6)"
        inner = f"""
            select g, u.id uid, u.region_id rc, u.sector_id sc, {found} f, {days} d,
              {major} major, {status} st, {extended} ext, {took} took,
              {weighted(CATEGORY_WEIGHTS, 20)} cat,
              (case when {rnd(21, 100)} < 45 then (select id from bench_campaign c
                 where c.quarter = least(3, floor((1 - {age}) * 4)::int)
                 and c.prefix = substr(u.region_id, 1, 4)) end) camp
            from generate_series({first}, {last}) g
            join units_unit u on u.id = {self.units_low} + {rnd(11, self.n_units)}
        """
        due = (
            "(case when st = 'found' then null "
            "else f + (d + case when ext then 15 else 0 end) * interval '1 day' end)"
        )
        orig = "(case when st = 'found' then null else f + d * interval '1 day' end)"
        # Capped before --now, spread over the last days (one cap instant would put thousands
        # of re-check time limits on the same minute).
        cap = f"timestamptz '{self.now}' - (1 + {rnd(23, 7 * 24 * 60)}) * interval '1 minute'"
        rect = f"least(f + took * interval '1 day', {cap})"
        done = "st in ('verified', 'closed')"
        submitted = f"(case when st in ('submitted', 'verified') then {rect} end)"
        level = f"""(case
            when {done} or {due} is null or {due} > timestamptz '{self.now}' then 'none'
            when timestamptz '{self.now}' - {due} >= interval '90 days' then 'accountability'
            when (major and timestamptz '{self.now}' - {due} >= interval '15 days')
              or timestamptz '{self.now}' - {due} >= interval '60 days' then 'listed'
            when timestamptz '{self.now}' - {due} >= interval '7 days' then 'letter'
            else 'reminded' end)"""
        values = {
            "unit_id": "uid",
            "region_code": "rc",
            "sector_code": "sc",
            "source": weighted(
                [("inspection", 80), ("self_inspection", 10), ("public_tip", 6), ("manual", 4)],
                22,
            ),
            "title": "(case cat "
            + " ".join(f"when '{k}' then '{v}'" for k, v in TITLES.items())
            + " end)",
            "description": "'基准数据：' || cat",
            "category": "cat",
            "grade": "case when major then 'major' else 'general' end",
            "rule_refs": "'[]'::jsonb",
            "grade_basis": "'{}'::jsonb",
            "status": "st",
            "found_at": "f",
            "found_by_id": str(self.user),
            "ordered_at": "(case when st = 'found' then null else f end)",
            "due_at": due,
            "original_due_at": orig,
            "submitted_at": submitted,
            "verified_at": f"(case when st = 'verified' then {rect} end)",
            "closed_at": f"(case when st = 'closed' then {rect} end)",
            "supervision_level": level,
            "listed_level": f"(case when {level} in ('listed', 'accountability') then "
            "(case when major then 'city' else 'county' end) else '' end)",
            "clock": "(case st when 'found' then 'order' when 'submitted' then 'verify' "
            "when 'ordered' then 'rectify' when 'rectifying' then 'rectify' else '' end)",
            "clock_due_at": f"(case st when 'found' then f + interval '3 days' "
            f"when 'submitted' then {submitted} + interval '7 days' "
            f"when 'ordered' then {due} when 'rectifying' then {due} end)",
            "campaign_id": "camp",
            "version": "1",
            "created_at": "f",
            "updated_at": f"coalesce({rect}, f)",
        }
        cols = cols_of(values)
        return (
            f"insert into hazards_hazard ({', '.join(cols)}) "
            f"select {', '.join(cols.values())} from ({inner}) x"
        )

    def hazards(self) -> None:
        from common import fill_required

        have = self.count("hazards_hazard")
        if have >= self.n_hazards:
            print(f"hazards: {have:,} already there")
            return
        if have:
            sys.exit("a partly filled hazards table: start again from an empty database")

        def cols_of(values):
            return fill_required(self.cur, "hazards_hazard", values)

        t = time.monotonic()
        for first in range(1, self.n_hazards + 1, BATCH):
            last = min(self.n_hazards, first + BATCH - 1)
            self.run(self.hazard_sql(first, last, cols_of))
            rate = last / (time.monotonic() - t)
            print(f"  hazards {last:,} ({rate:,.0f}/s)", flush=True)
        took = time.monotonic() - t
        print(f"hazards: {self.n_hazards:,} in {took:.1f} s", flush=True)
        t = time.monotonic()
        events = 0
        ev = (
            "insert into hazards_hazardevent (hazard_id, kind, from_status, to_status, actor_id, "
            "at, reason, data) "
        )
        self.cur.execute("select min(id), max(id) from hazards_hazard")
        lo, hi = self.cur.fetchone()
        kinds = [
            ("'created'", "''", "'found'", "found_at", "true"),
            ("'order'", "'found'", "'ordered'", "ordered_at", "ordered_at is not null"),
            ("'submit'", "'rectifying'", "'submitted'", "submitted_at", "submitted_at is not null"),
            ("'verify'", "'submitted'", "'verified'", "verified_at", "verified_at is not null"),
            ("'close'", "'rectifying'", "'closed'", "closed_at", "closed_at is not null"),
            ("'extension_approve'", "''", "''", "ordered_at + interval '1 day'",
             "due_at > original_due_at"),
            ("'supervision'", "''", "''", "due_at", "supervision_level <> 'none'"),
        ]  # fmt: skip
        for first in range(lo, hi + 1, BATCH * 2):
            last = min(hi, first + BATCH * 2 - 1)
            for kind, frm, to, at, where in kinds:
                events += self.run(
                    f"{ev} select id, {kind}, {frm}, {to}, {self.user}, {at}, '', '{{}}'::jsonb "
                    f"from hazards_hazard where id between {first} and {last} and {where}"
                )
        print(f"hazard events: {events:,} in {time.monotonic() - t:.1f} s", flush=True)

    # -- inspections and documents ------------------------------------------------------------

    def inspections(self, version: int) -> None:
        from common import fill_required

        have = self.count("inspections_inspection")
        if have >= self.n_inspections:
            print(f"inspections: {have:,} already there")
            return
        n = self.n_inspections
        at = f"({self.start} + ((g - 1)::float8 * 31536000 / {n}) * interval '1 second')"
        age = f"(({n} - g)::float8 / {n})"
        mode = weighted(MODE_WEIGHTS, 31)
        cols = fill_required(
            self.cur,
            "inspections_inspection",
            {
                "client_id": "md5('bench-province-insp-' || g)::uuid",
                "unit_id": "u.id",
                "region_code": "u.region_id",
                "template_version_id": str(version),
                "mode": mode,
                "inspector_id": str(self.user),
                "received_at": at,
                "device_time": at,
                "notes": "''",
                "n_items": "20",
                "n_failed": rnd(32, 3),
                "n_hazards": rnd(33, 3),
                "n_corrected": "0",
                "campaign_id": f"(case when ({mode}) = 'campaign' or {rnd(34, 100)} < 30 then "
                "(select id from bench_campaign c where c.quarter = "
                f"least(3, floor((1 - {age}) * 4)::int) "
                "and c.prefix = substr(u.region_id, 1, 4)) end)",
            },
        )
        t = time.monotonic()
        for first in range(have + 1, n + 1, BATCH):
            last = min(n, first + BATCH - 1)
            self.run(
                f"insert into inspections_inspection ({', '.join(cols)}) "
                f"select {', '.join(cols.values())} from generate_series({first}, {last}) g "
                f"join units_unit u on u.id = {self.units_low} + {rnd(35, self.n_units)}"
            )
        print(f"inspections: {n - have:,} in {time.monotonic() - t:.1f} s", flush=True)

    def documents(self) -> None:
        from common import fill_required

        if self.count("supervision_enforcementdocument"):
            return
        # Issued a week after the deadline (the letter rung), to hazards open at that rung and
        # to hazards closed since (most documents on a live database); served within three
        # days, 92 % of them, unless issued in the last three days.
        issued = "(h.due_at + interval '7 days')"
        served = (
            f"(case when {rnd(43, 100, 'h.id')} < 92 "
            f"and {issued} < timestamptz '{self.now}' - interval '3 days' "
            f"then {issued} + (1 + {rnd(44, 72, 'h.id')}) * interval '1 hour' end)"
        )
        cols = fill_required(
            self.cur,
            "supervision_enforcementdocument",
            {
                "token": "md5('bench-province-doc-' || h.id)",
                "kind": "'rectify_order'",
                "department_id": "(select min(id) from regions_department)",
                "year": "extract(year from h.due_at)::int",
                "seq": "h.id",
                "number": "'BENCH-' || h.id",
                "hazard_id": "h.id",
                "unit_id": "h.unit_id",
                "region_code": "h.region_code",
                "issued_at": issued,
                "content_hash": "repeat('0', 64)",
                "served_at": served,
            },
        )
        t = time.monotonic()
        n = self.run(
            f"insert into supervision_enforcementdocument ({', '.join(cols)}) "
            f"select {', '.join(cols.values())} from hazards_hazard h "
            f"where (h.supervision_level in ('letter', 'listed', 'accountability') "
            f"or coalesce(h.verified_at, h.closed_at) >= {issued}) "
            f"and {rnd(41, 100, 'h.id')} < 5"
        )
        print(f"documents: {n:,} in {time.monotonic() - t:.1f} s", flush=True)

    def build(self) -> None:
        from hazardloop.demo.departments import load_departments
        from hazardloop.testing import ensure_reference_data

        ensure_reference_data()
        load_departments()
        print(f"townships: {self.townships():,}")
        self.user, version = self.people()
        self.campaigns()
        self.units()
        self.cur.execute("select min(id) from units_unit")
        self.units_low = self.cur.fetchone()[0]
        self.n_units = self.count("units_unit")
        self.hazards()
        self.inspections(version)
        self.documents()
        t = time.monotonic()
        for table in ANALYZE:
            self.run(f"analyze {table}")
        print(f"analyze in {time.monotonic() - t:.1f} s", flush=True)


def shape(cur) -> None:
    """What the data looks like: states, sectors, categories, deadlines."""
    queries = {
        "status": "select status, count(*) from hazards_hazard group by 1 order by 2 desc",
        "grade": "select grade, count(*) from hazards_hazard group by 1 order by 2 desc",
        "sector": "select sector_code, count(*) from hazards_hazard group by 1 order by 2 desc",
        "category": "select category, count(*) from hazards_hazard group by 1 order by 2 desc",
        "deadline days": "select extract(day from original_due_at - found_at)::int, count(*) "
        "from hazards_hazard group by 1 order by 1",
        "rung": "select supervision_level, count(*) from hazards_hazard group by 1 order by 2 desc",
        "in a campaign": "select campaign_id is not null, count(*) from hazards_hazard group by 1",
        "regions with hazards": "select length(region_code), count(distinct region_code) "
        "from hazards_hazard group by 1",
    }
    for name, sql in queries.items():
        cur.execute(sql)
        print(f"  {name}: " + ", ".join(f"{k}={v:,}" for k, v in cur.fetchall()))


def bucket_statistics() -> None:
    """Rows of every aggregate table, hazards per row of the hazard tables, and what the
    province's one-year dashboard reads from each roll-up."""
    import datetime as dt

    from django.db import connection
    from django.db.models import Count, Sum
    from django.utils import timezone

    from hazardloop.regions.models import Region
    from hazardloop.reports import aggregates, rollups

    with connection.cursor() as cur:
        cur.execute("select count(*), max(found_at) from hazards_hazard")
        hazards, last = cur.fetchone()
        for model in aggregates.TABLES:
            table = model._meta.db_table
            cur.execute(f"select count(*) from {table}")
            rows = cur.fetchone()[0]
            extra = ""
            if model.__name__ == "HazardDay":
                extra = f", {hazards / max(rows, 1):.2f} hazards per row"
            print(f"  {model.__name__:18} {rows:>10,} rows{extra}")
    if last is None:
        return
    end = timezone.localdate(last)
    start = end - dt.timedelta(days=364)
    province = Region.objects.get(code="220000")
    print(f"  roll-ups (rows; the province's children over {start} … {end}, no campaign):")
    for model in rollups.ROLLUPS:
        rows = model.objects.count()
        if model.__name__ == "UnitRoll":
            read = model.objects.filter(depth=4).count()
        else:
            name = model.__name__
            months = name != "RectifiedRoll"
            if name in ("SectorRoll", "CategoryRoll", "RectifiedRoll"):  # the province's own
                qs = rollups.roll_rows(model, province, 2, start, end, prefix="22", months=months)
            else:
                qs = rollups.roll_rows(model, province, 4, start, end, months=months)
            if name in ("OpenRoll", "ClockRoll"):  # due today or later
                qs = qs.filter(due_day__gte=timezone.localdate())
            read = qs.count()
        extra = ""
        if model.__name__ == "HazardRoll":
            per = (
                model.objects.filter(month=False, campaign_id=0)
                .values("depth")
                .annotate(rows=Count("pk"), found=Sum("found"))
                .order_by("depth")
            )
            extra = "; hazards per day row by depth: " + ", ".join(
                f"{p['depth']}: {p['found'] / p['rows']:.1f}" for p in per
            )
        print(f"  {model.__name__:18} {rows:>10,} rows, {read:>6,} read{extra}")
    print(f"  hazards {hazards:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=0, help="default: hazards ÷ 20")
    parser.add_argument("--inspections", type=int, default=-1, help="default: 0.8 per hazard")
    parser.add_argument("--db", default="", help="database name on 127.0.0.1 (else DATABASE_URL)")
    parser.add_argument("--now", default="2026-11-28 10:00:00+08")
    parser.add_argument("--no-refresh", action="store_true")
    args = parser.parse_args()
    setup(args.db)
    from django.db import connection, transaction

    units = args.units or max(1000, args.hazards // 20)
    inspections = args.inspections if args.inspections >= 0 else args.hazards * 4 // 5
    print(f"load before: {loadavg()}", flush=True)
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cur:
        # Django's foreign keys are checked at COMMIT, one trigger call per row (minutes for
        # millions of rows): the rows here are made consistent by construction, so a superuser
        # loads them as a replica would, without the triggers.
        cur.execute("set local session_replication_role = replica")
        Province(
            cur, hazards=args.hazards, units=units, inspections=inspections, now=args.now
        ).build()
    print(f"generated in {time.monotonic() - started:.0f} s; load {loadavg()}", flush=True)
    with connection.cursor() as cur:
        shape(cur)
    if not args.no_refresh:
        from hazardloop.reports import aggregates

        t = time.monotonic()
        aggregates.refresh(full=True)
        print(f"aggregates rebuilt in full in {time.monotonic() - t:.1f} s", flush=True)
        bucket_statistics()
    # The visibility map and the statistics a live database has: autovacuum keeps them there,
    # but it is off on the benchmark machines' PostgreSQL, and without them index-only scans
    # read the table and the planner picks other indexes (the live overdue count at 5M: 2.5 ms
    # before, 0.6 ms after). With --no-refresh, run `VACUUM (ANALYZE)` again after
    # `manage.py refresh_stats --full`.
    t = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("vacuum (analyze)")
    print(f"vacuum (analyze) in {time.monotonic() - t:.1f} s", flush=True)
    print(f"total {time.monotonic() - started:.0f} s; load after: {loadavg()}")


if __name__ == "__main__":
    main()
