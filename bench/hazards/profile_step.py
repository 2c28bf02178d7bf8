"""Where the API's hot paths spend the worker's CPU, in-process (PostgreSQL, no network).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_step_bench \\
        .venv/bin/python bench/hazards/profile_step.py [--rounds 200] \\
        [--profile order|verify|create|page] [--sql] [--statements] [--settle]

The same round as `bench.py http` (create, order, submitted in SQL, verify, first page),
through Django's whole request handler (middleware, URL resolution, ninja, the view) with a
bearer token, as gunicorn would call it. Prints the CPU time per request (process_time, which
the machine's load does not inflate), the wall time and the statements per request; with
`--profile`, cProfile (CPU clock; the wall clock with `PROFILE_WALL=1`, to see the waits on
the database) of that request over the rounds after the first five, sorted by own time
and by cumulative time (`PROFILE_CALLERS=<name>` also prints who calls the functions
matching it, e.g. `PROFILE_CALLERS=base.py:462` for model instances; `PROFILE_CALLEES=<name>`
what the matching functions call; `PROFILE_FILTER=hazardloop` keeps the cumulative list to the
project's own functions). With
`--statements`, each statement's wall time in the request (p50 over the rounds after the first
five; the client's whole round trip: binding, network, PostgreSQL's parse, plan and run).
It also prints the garbage collector's passes during the requests (their time per request and
the share of requests that ran one); `--settle` first settles the heap as a web worker does
(core/worker.py: what is loaded frozen out of the passes, settings.GC_THRESHOLD).
"""

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # bench/gauge.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.client import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from gauge import reading  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.accounts.services import create_api_token  # noqa: E402
from hazardloop.hazards.loading import load_shipped  # noqa: E402
from hazardloop.hazards.models import Hazard, HolidayYear, RuleSet  # noqa: E402
from hazardloop.regions.models import Department  # noqa: E402
from hazardloop.testing import ensure_reference_data, make_department  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402


def _user(username: str, region: str, role, unit=None) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        if unit is not None:
            Membership.objects.create(user=user, role=role, unit=unit, region_id=region)
        else:
            dept = Department.objects.filter(region_id=region).first() or make_department(region)
            Membership.objects.create(user=user, role=role, department=dept, region_id=region)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", choices=["create", "order", "verify", "page"], default=None)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print each request's statements")
    parser.add_argument(
        "--statements",
        action="store_true",
        help="each statement's wall time (p50 over the rounds, BEGIN and COMMIT not included)",
    )
    parser.add_argument(
        "--settle", action="store_true", help="settle the heap first, as a web worker does"
    )
    args = parser.parse_args()
    ensure_reference_data()
    if not RuleSet.objects.exists():
        load_shipped(RuleSet, HolidayYear)
    inspector = _user("bench-http-insp", "220102", Role.INSPECTOR)
    token = create_api_token(inspector, actor=inspector, name="bench-profile")[1]
    units = list(Unit.objects.filter(region__code__startswith="220102").order_by("id")[:20])
    for unit in units:
        _user(f"bench-unit-{unit.pk}", unit.region_id, Role.UNIT_MANAGER, unit=unit)
    unit_user = User.objects.get(username=f"bench-unit-{units[0].pk}")

    handler = WSGIHandler()
    factory = RequestFactory()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "SERVER_NAME": "127.0.0.1"}
    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    statements: dict[str, int] = {}
    per_statement: dict[tuple[str, int], tuple[str, list[float]]] = {}
    profiler = (
        cProfile.Profile(time.perf_counter if os.environ.get("PROFILE_WALL") else time.process_time)
        if args.profile
        else None
    )

    warm = {"on": False}  # the first five rounds are not profiled (first compiles, caches)
    if args.settle:
        from hazardloop.core.worker import settle

        settle()
    # The collector's passes inside the measured requests: [passes by generation, seconds],
    # and how many requests ran at least one.
    passes = {"in": False, "started": 0.0, "seconds": 0.0, "by_gen": [0, 0, 0], "hit": 0}

    def collector(phase, info):
        if not passes["in"]:
            return
        if phase == "start":
            passes["started"] = time.perf_counter()
        else:
            passes["seconds"] += time.perf_counter() - passes["started"]
            passes["by_gen"][info["generation"]] += 1

    gc.callbacks.append(collector)

    def call(label, method, path, body=None):
        if method == "GET":
            request = factory.get(path, **auth)
        else:
            request = factory.post(
                path, data=json.dumps(body), content_type="application/json", **auth
            )
        environ = request.environ
        responses = []

        def start_response(status, headers, exc_info=None):
            responses.append(status)

        timed: list[float] = []

        def timing(execute, sql, params, many, context):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timed.append((time.perf_counter() - t) * 1000)

        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timing):
            if profiler and label == args.profile and warm["on"]:
                profiler.enable()
            before = sum(passes["by_gen"])
            passes["in"] = warm["on"]
            c, w = time.process_time(), time.perf_counter()
            body_out = b"".join(handler(environ, start_response))
            c, w = time.process_time() - c, time.perf_counter() - w
            passes["in"] = False
            passes["hit"] += sum(passes["by_gen"]) > before
            if profiler and label == args.profile and warm["on"]:
                profiler.disable()
        if warm["on"]:
            texts = [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]
            for position, (ms, text) in enumerate(zip(timed, texts, strict=False)):
                per_statement.setdefault((label, position), (text, []))[1].append(ms)
        assert responses[0][:3] in ("200", "201"), (path, responses[0], body_out[:300])
        cpu.setdefault(label, []).append(c * 1000)
        wall.setdefault(label, []).append(w * 1000)
        statements[label] = len(queries)
        if args.sql and len(cpu.get(label, [])) == 1:
            print(f"--- {label}")
            for q in queries:
                print("   ", q["sql"][:160])
        return json.loads(body_out)

    due = (timezone.now() + dt.timedelta(days=10)).isoformat()
    for i in range(args.rounds + 5):
        if i == 5:
            cpu.clear()
            wall.clear()
            warm["on"] = True
        made = call(
            "create",
            "POST",
            "/api/v1/hazards",
            {
                "unit_id": units[i % len(units)].pk,
                "source": "inspection",
                "description": "基准：安全出口堵塞",
                "source_ref": f"bench-profile:{i}",
            },
        )
        path = f"/api/v1/hazards/{made['id']}/transitions"
        call("order", "POST", path, {"action": "order", "due_at": due})
        with connection.cursor() as cur:
            cur.execute(
                "update hazards_hazard set status = 'submitted', submitted_at = now(), "
                "submitted_by_id = %s, clock = 'verify', version = version + 1 where id = %s",
                [unit_user.pk, made["id"]],
            )
        call("verify", "POST", path, {"action": "verify", "reason": ""})
        call("page", "GET", "/api/v1/hazards?limit=20")
    print(f"hazards: {Hazard.objects.count():,}; rounds: {args.rounds}; in-process")
    print(reading())
    print(f"{'request':10} {'CPU p50':>8} {'CPU mean':>9} {'wall p50':>9} {'statements':>11}")
    for label in cpu:
        print(
            f"{label:10} {statistics.median(cpu[label]):8.2f} {statistics.mean(cpu[label]):9.2f} "
            f"{statistics.median(wall[label]):9.2f} {statements[label]:11}"
        )
    requests = sum(len(times) for times in cpu.values())
    full = time.perf_counter()
    gc.collect()  # what a full pass costs this process now (one runs when the old objects grow)
    full = (time.perf_counter() - full) * 1000
    print(
        f"collector ({'settled' if args.settle else 'as Python leaves it'}, thresholds "
        f"{gc.get_threshold()}, {gc.get_freeze_count():,} objects frozen): passes by "
        f"generation {passes['by_gen']}, {passes['seconds'] * 1000 / requests:.3f} ms per "
        f"request, in {passes['hit'] * 100 / requests:.1f} % of the {requests} requests; "
        f"a full pass {full:.1f} ms"
    )
    if args.statements:
        print(f"\n{'request':10} {'#':>2} {'p50 ms':>7}  statement")
        for (label, position), (text, times) in sorted(per_statement.items()):
            print(f"{label:10} {position:2} {statistics.median(times):7.3f}  {text[:90]}")
    Hazard.objects.filter(source_ref__startswith="bench-profile:").update(source_ref="bench-done")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", ""), args.top)
        if os.environ.get("PROFILE_CALLEES"):
            stats.print_callees(os.environ["PROFILE_CALLEES"])
        if os.environ.get("PROFILE_CALLERS"):
            stats.print_callers(os.environ["PROFILE_CALLERS"])
        print(out.getvalue())


def rounds_in_turn(rounds: int, switch, names: tuple[str, str]) -> None:
    """This module's round (`main`), each round run one way and the next the other: `switch(on)`
    is called with True for the first round and then in turn, between rounds (after each first
    page). Prints the CPU p50 of create, the steps and the page both ways, `names` naming the
    two ways (on, off). For the benchmarks that compare two ways in one process (the machine's
    drift falls on both alike): kept_cursor.py, timestamps.py."""
    handle = WSGIHandler.__call__
    times: dict[tuple[str, bool], list[float]] = {}
    state = {"on": True, "pages": 0}
    switch(True)

    def timed(self, environ, start_response):
        started = time.process_time()
        out = handle(self, environ, start_response)
        took = (time.process_time() - started) * 1000
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if method == "GET":
            label = "page"
        elif path.endswith("hazards"):
            label = "create"
        else:
            label = "step"
        times.setdefault((label, state["on"]), []).append(took)
        if label == "page":  # the next round the other way
            state["pages"] += 1
            state["on"] = state["pages"] % 2 == 0
            switch(state["on"])
        return out

    WSGIHandler.__call__ = timed
    try:
        sys.argv = ["profile_step.py", "--rounds", str(rounds)]
        main()
    finally:
        WSGIHandler.__call__ = handle
    for label in ("create", "step", "page"):
        on, off = times[(label, True)], times[(label, False)]
        print(
            f"{label:7} CPU p50: {names[0]} {statistics.median(on):.2f} ms (n {len(on)}), "
            f"{names[1]} {statistics.median(off):.2f} ms (n {len(off)})"
        )


if __name__ == "__main__":
    main()
