"""Time GET /api/v1/stats/regions and the /stats/ page against the hand-written SQL (PostgreSQL).

    .venv/bin/python bench/province.py --hazards 100000 --db hazardloop_bench_dash
    flock /tmp/hazardloop-bench.lock .venv/bin/python bench/stats/run.py \
        --db hazardloop_bench_dash [--repeat 20]

Data: bench/province.py (townships, every sector and category, campaigns, a year of mixed states;
its bucket statistics are printed again here). The periods end on the last day with hazards (the
province's "today"); overdue is counted at the real now on both sides. First the statistics
aggregates (reports/aggregates.py) are rebuilt in full and timed; then one day's changes (a day's
new hazards, inspections and documents, and a day's closures with their events) are written, the
incremental refresh is timed, and all of it is rolled back, so the database is left as the
generators made it. For each case (the province as a province regulator, a county as a county
regulator; the default 30-day period and a one-year period) it times, in the same process and
interleaved, the API through the Django test client (server time: middleware, auth, scope, every
query, JSON) and the hand-written SQL that computes the same figures directly, checks that both
give the same numbers, and prints p50/p95 of each and the ratio. The page is compared with the same
hand-written SQL plus the page's own (hazards found and rectified per day, by sector, by category:
`HAND_PAGE_SQL`). Those loops time warm requests (what reports/kept.py keeps between refreshes is
read from the cache after the first); then "cold" requests are timed (API and page), each after a
new refresh token, as the first request after a refresh that changed something, and compared with
the hand-written SQL times of the warm loop: "cold" before the sweep answered the question ahead
(or for a period it does not answer), "ahead" after its step (reports/ahead.py) did, with that
step's own time (every region with children, every period of settings.STATS_AHEAD_DAYS ending
today). The data ends on bench/province.py's `--now`, not today, so the case's own question (its
period, today's date) is then answered the same way (`ahead.answer`) before the request. The
untimed first request of each kind checks that it did what its label says (cold: ran the roll-up
statement; ahead: did not).
"""

import argparse
import datetime as dt
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "supervision"))

from common import fill_required, setup

HAND_SQL = """
with units as (
  select substr(region_id, 1, %(len)s) k, count(*) n from units_unit
  where region_id between %(lo)s and %(hi)s group by 1
), insp as (
  select substr(region_code, 1, %(len)s) k,
    count(*) filter (where mode <> 'self_inspection') n,
    count(*) filter (where mode = 'leader_led') leader,
    count(*) filter (where mode = 'unannounced') unannounced,
    count(distinct unit_id) filter (where mode <> 'self_inspection') inspected,
    count(distinct unit_id) filter (where mode = 'self_inspection') self_inspected
  from inspections_inspection
  where region_code between %(lo)s and %(hi)s and received_at >= %(t0)s and received_at < %(t1)s
  group by 1
), haz as (
  select substr(region_code, 1, %(len)s) k, count(*) found,
    count(*) filter (where grade = 'major') major,
    count(*) filter (where status in ('verified', 'closed')) rectified,
    count(*) filter (where status in ('verified', 'closed')
      and coalesce(verified_at, closed_at) <= coalesce(original_due_at, due_at)) on_time,
    count(*) filter (where status in ('found', 'ordered', 'rectifying', 'submitted')
      and due_at < %(now)s) overdue,
    count(*) filter (where grade = 'major'
      and supervision_level in ('listed', 'accountability')) listed
  from hazards_hazard
  where region_code between %(lo)s and %(hi)s and found_at >= %(t0)s and found_at < %(t1)s
  group by 1
), docs as (
  select substr(region_code, 1, %(len)s) k, count(*) n from supervision_enforcementdocument
  where region_code between %(lo)s and %(hi)s and issued_at >= %(t0)s and issued_at < %(t1)s
  group by 1
)
select r.code, coalesce(units.n, 0), coalesce(insp.n, 0), coalesce(insp.inspected, 0),
  coalesce(haz.found, 0), coalesce(haz.rectified, 0), coalesce(haz.overdue, 0),
  coalesce(docs.n, 0), coalesce(insp.self_inspected, 0)
from (
  select code, prefix from regions_region where parent_id = %(parent)s
  union all  -- a county without townships in the data: one row for the county itself
  select code, prefix from regions_region
  where code = %(parent)s and not exists (select 1 from regions_region where parent_id = %(parent)s)
) r
left join units on units.k = r.prefix left join insp on insp.k = r.prefix
left join haz on haz.k = r.prefix left join docs on docs.k = r.prefix
order by r.code
"""
HAND_PAGE_SQL = [
    """select (found_at at time zone %(tz)s)::date d, count(*) from hazards_hazard
  where region_code between %(lo)s and %(hi)s and found_at >= %(t0)s and found_at < %(t1)s
  group by 1 order by 1""",
    """select (coalesce(verified_at, closed_at) at time zone %(tz)s)::date d, count(*)
  from hazards_hazard where region_code between %(lo)s and %(hi)s
  and status in ('verified', 'closed')
  and coalesce(verified_at, closed_at) >= %(t0)s and coalesce(verified_at, closed_at) < %(t1)s
  group by 1 order by 1""",
    """select sector_code, count(*) from hazards_hazard
  where region_code between %(lo)s and %(hi)s and found_at >= %(t0)s and found_at < %(t1)s
  group by 1""",
    """select category, count(*) from hazards_hazard
  where region_code between %(lo)s and %(hi)s and found_at >= %(t0)s and found_at < %(t1)s
  group by 1""",
]
FIELDS = (
    "units_in_scope",
    "inspections",
    "units_inspected",
    "hazards_found",
    "rectified",
    "overdue",
    "enforcement_actions",
    "self_inspected",
)


OPEN = "('found', 'ordered', 'rectifying', 'submitted')"


def _columns(cur, table: str) -> list[str]:
    cur.execute(
        "select column_name from information_schema.columns where table_name = %s "
        "and column_name <> 'id' order by ordinal_position",
        [table],
    )
    return [r[0] for r in cur.fetchall()]


def _copy(cur, table: str, where: str, changed: dict[str, str]) -> int:
    """Copy the rows matching `where` with some columns changed; returns the row count."""
    cols = _columns(cur, table)
    values = ", ".join(changed.get(c, c) for c in cols)
    cur.execute(
        f"insert into {table} ({', '.join(cols)}) select {values} from {table} where {where}"
    )
    return cur.rowcount


def one_day_of_changes(cur) -> dict:
    """A day's writes, shaped like the data: the last day's hazards and inspections again a day
    later, as many closures (each with its event) and 100 documents. The caller rolls back."""
    cur.execute("select max(found_at) from hazards_hazard")
    last = cur.fetchone()[0]
    day = f"timestamptz '{last.isoformat()}'"
    later = {c: f"{c} + interval '1 day'" for c in ("found_at", "ordered_at", "due_at")}
    later.update(original_due_at="original_due_at + interval '1 day'")
    later.update(created_at="now()", updated_at="now()")
    out = {"hazards": _copy(cur, "hazards_hazard", f"found_at > {day} - interval '1 day'", later)}
    cur.execute("select max(received_at) from inspections_inspection")
    seen = f"timestamptz '{cur.fetchone()[0].isoformat()}'"
    out["inspections"] = _copy(
        cur,
        "inspections_inspection",
        f"received_at > {seen} - interval '1 day'",
        {"client_id": "md5(random()::text || id)::uuid",
         "received_at": "received_at + interval '1 day'",
         "device_time": "device_time + interval '1 day'"},
    )  # fmt: skip
    cur.execute(
        "with closing as (update hazards_hazard set status = 'closed', closed_at = now(), "
        "version = version + 1, updated_at = now() "
        f"where id in (select id from hazards_hazard where status in {OPEN} order by id "
        "limit %s) returning id) "
        "insert into hazards_hazardevent (kind, from_status, to_status, at, reason, data, "
        "hazard_id) select 'close', 'rectifying', 'closed', now(), '', '{}', id from closing",
        [out["hazards"]],
    )
    out["closed"] = cur.rowcount
    cols = fill_required(
        cur,
        "supervision_enforcementdocument",
        {
            "token": "md5('bench-day-doc-' || h.id)",
            "kind": "'rectify_order'",
            "department_id": "(select min(id) from regions_department)",
            "year": "2099",  # a year no generated document uses
            "seq": "900000 + h.id % 1000000",
            "number": "'BENCH-DAY-' || h.id",
            "hazard_id": "h.id",
            "unit_id": "h.unit_id",
            "region_code": "h.region_code",
            "issued_at": "now()",
            "content_hash": "repeat('0', 64)",
        },
    )
    cur.execute(
        f"insert into supervision_enforcementdocument ({', '.join(cols)}) "
        f"select {', '.join(cols.values())} from hazards_hazard h "
        f"where h.found_at > {day} order by h.id limit 100"
    )
    out["documents"] = cur.rowcount
    return out


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return f.read().strip()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def report(name, what, times, sql_times) -> None:
    a50, a95 = statistics.median(times), pct(times, 95)
    s50, s95 = statistics.median(sql_times), pct(sql_times, 95)
    print(
        f"{name:15} {what:9} p50 {a50:7.1f} ms p95 {a95:7.1f} ms | hand SQL p50 {s50:7.1f} ms "
        f"p95 {s95:7.1f} ms | hand SQL ÷ {what} p50 {s50 / a50:5.1f} p95 {s95 / a95:5.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the full rebuild")
    parser.add_argument("--db", default="", help="database name on 127.0.0.1")
    parser.add_argument("--no-day", action="store_true", help="skip the day of changes")
    parser.add_argument(
        "--no-stats", action="store_true", help="skip the bucket statistics (minutes at 5M)"
    )
    args = parser.parse_args()
    if args.db:
        import os

        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hazardloop.accounts.choices import Role
    from hazardloop.accounts.models import Membership, User
    from hazardloop.demo.departments import load_departments
    from hazardloop.regions.models import Department, Region, subtree_bounds
    from hazardloop.reports import aggregates
    from hazardloop.reports.models import StatsRefresh
    from hazardloop.reports.stats import period_bounds

    # What the statistics keep between refreshes (reports/kept.py): the case loops below time the
    # warm requests (the second and later after a refresh); the cold ones are timed after a new
    # token each time, as after a refresh that changed something.
    kept = any(f.name == "generation" for f in StatsRefresh._meta.fields)
    try:  # the answers stored by the sweep (reports/ahead.py), where the code has them
        from hazardloop.reports import ahead

        answered_ahead = True
    except ImportError:
        answered_ahead = False

    load_departments()
    for username, region, kind in [
        ("bench-province", "220000", "safety_committee"),
        ("bench-county", "220102", "emergency"),
    ]:  # the regulators the cases sign in as (the same as bench/units/bench.py's)
        user, created = User.objects.get_or_create(username=username)
        if created:
            department = Department.objects.get(region_id=region, kind=kind)
            Membership.objects.create(
                user=user, role=Role.REGULATOR, region_id=region, department=department
            )
    with connection.cursor() as cur:
        cur.execute("select max(found_at) from hazards_hazard")
        today = timezone.localdate(cur.fetchone()[0])
    cases = [
        ("province 30 d", "bench-province", "220000", today - dt.timedelta(days=29), today),
        ("province 1 y", "bench-province", "220000", today - dt.timedelta(days=364), today),
        ("county 30 d", "bench-county", "220102", today - dt.timedelta(days=29), today),
        ("county 1 y", "bench-county", "220102", today - dt.timedelta(days=364), today),
    ]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from gauge import reading

    print(f"load before: {loadavg()}")
    print(reading())
    if not args.no_rebuild:
        t = time.perf_counter()
        aggregates.refresh(full=True)
        print(f"full rebuild: {time.perf_counter() - t:.1f} s; load {loadavg()}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from province import bucket_statistics

    if not args.no_stats:
        bucket_statistics()
    with transaction.atomic():
        with connection.cursor() as cur:
            t = time.perf_counter()
            day = {} if args.no_day else one_day_of_changes(cur)
            written = time.perf_counter() - t
        t = time.perf_counter()
        done = aggregates.refresh()
        print(
            f"incremental refresh of one day's changes {day} (written in {written:.1f} s): "
            f"{done['buckets']} buckets in {time.perf_counter() - t:.2f} s; load {loadavg()}",
            flush=True,
        )
        transaction.set_rollback(True)
    t = time.perf_counter()
    done = aggregates.refresh()
    print(
        f"incremental refresh, nothing new: {done['buckets']} buckets "
        f"in {time.perf_counter() - t:.2f} s"
    )
    for name, username, code, start, end in [c for c in cases if args.only in c[0]]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        parent = Region.objects.get(code=code)
        children = list(Region.objects.filter(parent=parent))
        length = max((len(c.prefix) for c in children), default=len(parent.prefix))
        lo, hi = subtree_bounds(parent.prefix)
        t0, t1 = period_bounds(start, end)
        params = {
            "len": length, "lo": lo, "hi": hi, "t0": t0, "t1": t1, "parent": code,
        }  # fmt: skip
        url = f"/api/v1/stats/regions?parent={code}&from={start}&to={end}"
        api_times, sql_times = [], []
        for i in range(args.repeat + 1):
            t = time.perf_counter()
            response = client.get(url)
            api = time.perf_counter() - t
            assert response.status_code == 200, response.content[:300]
            params["now"] = timezone.now()
            t = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(HAND_SQL, params)
                hand = cur.fetchall()
            sql = time.perf_counter() - t
            if i == 0 and not children:
                continue  # no child rows in the API answer to compare
            if i == 0:  # warm-up; check the figures agree
                rows = {r["code"]: r for r in response.json()["rows"]}
                for row in hand:
                    got = tuple(rows[row[0]][f] for f in FIELDS)
                    assert got == tuple(row[1:]), (row[0], got, row[1:])
                continue
            api_times.append(api * 1000)
            sql_times.append(sql * 1000)
        report(name, "API", api_times, sql_times)
        params["tz"] = str(timezone.get_default_timezone())
        page = f"/stats/?region={code}&from={start}&to={end}"
        page_times, hand_times = [], []
        for i in range(args.repeat + 1):
            t = time.perf_counter()
            response = client.get(page)
            took = time.perf_counter() - t
            assert response.status_code == 200, response.content[:300]
            params["now"] = timezone.now()
            t = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(HAND_SQL, params)
                cur.fetchall()
                for sql in HAND_PAGE_SQL:
                    cur.execute(sql, params)
                    cur.fetchall()
            hand = time.perf_counter() - t
            if i:
                page_times.append(took * 1000)
                hand_times.append(hand * 1000)
        report(name, "page", page_times, hand_times)
        if kept:  # the first request after a refresh that changed the aggregates
            # First not answered ahead (another period, or before the sweep answered), then
            # after the sweep's step (reports/ahead.py) answered the usual questions.
            steps = [("cold", False)]
            if answered_ahead and (end - start).days + 1 in settings.STATS_AHEAD_DAYS:
                steps.append(("ahead", True))
            for label, answer in steps:
                for what, target, hand_ms in (("API", url, sql_times), ("page", page, hand_times)):
                    cold, sweep = [], []
                    for i in range(args.repeat + 1):
                        token = uuid.uuid4().hex
                        StatsRefresh.objects.filter(pk=1).update(generation=token)
                        if answer:  # the sweep's step, then the case's own question
                            t = time.perf_counter()
                            ahead.answer_ahead_once()
                            sweep.append(time.perf_counter() - t)
                            ahead.answer(
                                token,
                                [(parent, length, start, end)],
                                timezone.localdate(),
                            )
                        if not i:  # the warm-up, untimed: it reads what this step says
                            with CaptureQueriesContext(connection) as seen:
                                response = client.get(target)
                            assert response.status_code == 200, response.content[:300]
                            sql = " ".join(q["sql"] for q in seen.captured_queries)
                            # The roll-up statement of together.py (its probes' part).
                            rolled_up = "SELECT 'x', NULL" in sql
                            assert rolled_up != answer, (name, what, label)
                            continue
                        t = time.perf_counter()
                        response = client.get(target)
                        took = time.perf_counter() - t
                        assert response.status_code == 200, response.content[:300]
                        cold.append(took * 1000)
                    report(name, f"{what} {label}", cold, hand_ms)
                    if sweep:
                        print(
                            f"{'':15} the sweep's step answering ahead: p50 "
                            f"{statistics.median(sweep):.2f} s",
                            flush=True,
                        )
    print(f"load after: {loadavg()}")


if __name__ == "__main__":
    main()
