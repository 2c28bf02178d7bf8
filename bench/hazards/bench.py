"""The hazard ledger with filters at 5,000,000 hazards, and per-operation timings (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres hazardloop_bench        # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazardloop_bench \\
        .venv/bin/python manage.py migrate
    .venv/bin/python bench/supervision/generate.py               # 5M hazards, INSERT…SELECT
    .venv/bin/python bench/hazards/bench.py [--repeat 20] [--ops 200]

The data is the shared generator's (bench/supervision/generate.py: 200,000 units over the 60
counties, 5M hazards over 2023–2026); this script only reads it, then creates `--ops` hazards
and orders them to time one create and one workflow step. Server time = the view function's
time through Django's test client (no network), measured per request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `--code DIR` runs another checkout's hazardloop (the "before" of a before/after comparison).
if "--code" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # bench/gauge.py
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hazardloop_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402
from gauge import reading  # noqa: E402

# Lets the test client expose the template context (the rows and the next-page cursor).
setup_test_environment()

import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.hazards import services  # noqa: E402
from hazardloop.hazards.loading import load_shipped  # noqa: E402
from hazardloop.hazards.models import Hazard, HolidayYear, RuleSet  # noqa: E402
from hazardloop.regions.models import Department  # noqa: E402
from hazardloop.testing import ensure_reference_data  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402

QUERIES = [
    ("province, no filter", ""),
    ("province, major + open", "grade=major&status=open"),
    ("province, overdue", "overdue=yes"),
    ("province, found in one month", "found_from=2026-10-01&found_to=2026-10-31"),
    ("city subtree 220100", "region=220100"),
    ("county 220102, open", "region=220102&status=open"),
    ("county 220102, overdue majors", "region=220102&overdue=yes&grade=major"),
    ("one unit", "unit={unit}"),
    ("sector + source", "sector=catering&source=inspection"),
    ("page 2 (keyset)", "after={cursor}"),
]


def bench_user(username: str, region: str, role=Role.REGULATOR) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        dept = Department.objects.filter(region_id=region).first()
        if dept is None:
            from hazardloop.testing import make_department

            dept = make_department(region)
        Membership.objects.create(user=user, role=role, department=dept, region_id=region)
    return user


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "http":
        return http_main()
    if len(sys.argv) > 1 and sys.argv[1] == "writers":
        return writers_main()
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--ops", type=int, default=200)
    args = parser.parse_args()
    ensure_reference_data()
    if not RuleSet.objects.exists():
        load_shipped(RuleSet, HolidayYear)
    with connection.cursor() as cur:
        cur.execute("select reltuples::bigint from pg_class where relname = 'hazards_hazard'")
        estimate = cur.fetchone()[0]
    print(f"hazards (estimate): {estimate:,}")
    province = bench_user("bench-prov", "220000")
    county = bench_user("bench-county", "220102", Role.INSPECTOR)
    unit = Unit.objects.filter(region__code__startswith="220102").order_by("id").first()
    print(f"{'query':42} {'user':8} {'p50 ms':>8} {'p95 ms':>8} {'rows':>5}")
    worst = 0.0
    for user, label in ((province, "province"), (county, "county")):
        client = Client()
        client.force_login(user)
        first = client.get("/hazards/")
        cursor = first.context["next_cursor"] or ""
        for name, query in QUERIES:
            url = "/hazards/?" + query.format(unit=unit.pk if unit else 0, cursor=cursor)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            rows = len(response.context["rows"])
            p95 = pct(times, 95)
            worst = max(worst, p95)
            print(f"{name:42} {label:8} {pct(times, 50):8.1f} {p95:8.1f} {rows:5}")
    print(f"worst ledger p95: {worst:.1f} ms")

    # Per-operation timings at this scale: create a hazard, then order it (one workflow step).
    units = list(Unit.objects.filter(region__code__startswith="220102").order_by("id")[: args.ops])
    inspector = county
    creates, steps = [], []
    made = []
    for i in range(args.ops):
        t = time.perf_counter()
        h = services.create_hazard(
            units[i % len(units)],
            actor=inspector,
            source="inspection",
            description="基准：安全出口堵塞",
            rule_refs=["gb35181:7.3.3"],
            source_ref=f"bench-op:{i}",
        )
        creates.append((time.perf_counter() - t) * 1000)
        made.append(h)
    due = timezone.now() + dt.timedelta(days=10)
    for h in made:
        t = time.perf_counter()
        services.order_hazard(h, actor=inspector, due_at=due)
        steps.append((time.perf_counter() - t) * 1000)
    print(
        f"create_hazard: mean {statistics.mean(creates):.1f} ms, p95 {pct(creates, 95):.1f} ms; "
        f"order (one step): mean {statistics.mean(steps):.1f} ms, p95 {pct(steps, 95):.1f} ms "
        f"({args.ops} each)"
    )
    Hazard.objects.filter(source_ref__startswith="bench-op:").delete()


# --- over HTTP: one web process on loopback (`bench.py http`) ----------------------------------


def _bench_token(username: str, region: str, role) -> tuple[User, str]:
    from hazardloop.accounts.services import create_api_token

    user = bench_user(username, region, role)
    return user, create_api_token(user, actor=user, name="bench")[1]


def _unit_people(units) -> None:
    """Each bench unit gets a manager, so that a step notifies someone (as in real use)."""
    for unit in units:
        user, created = User.objects.get_or_create(username=f"bench-unit-{unit.pk}")
        if created:
            Membership.objects.create(
                user=user, role=Role.UNIT_MANAGER, unit=unit, region_id=unit.region_id
            )


# The tables a round writes (bench.py http): their dead rows are cleared before a run.
WRITTEN = (
    "hazards_hazard", "hazards_hazardevent", "hazards_verification", "units_unit",
    "audit_auditevent", "audit_auditchainhead", "notifications_notification",
    "accounts_apitoken",
)  # fmt: skip


def _vacuum_written() -> None:
    t = time.perf_counter()
    with connection.cursor() as cur:
        for table in WRITTEN:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    print(f"vacuumed the tables a round writes in {time.perf_counter() - t:.1f} s")


def http_main() -> None:
    """Time the API over HTTP against one gunicorn process (sync worker) on loopback.

        flock /tmp/hazardloop-bench.lock .venv/bin/python bench/hazards/bench.py http \\
            [--rounds 200] [--code /path/to/other/checkout [--code /path/to/another]]

    Each round: create a hazard (POST /api/v1/hazards), order it and, once a unit has
    submitted it (set in SQL), verify it (POST …/transitions), then read the first 20-row page,
    a filtered page (county, open) and a jump by date. Client time = the whole request seen by
    the client (connect included); server time = gunicorn's own measure (%(D)s) per request.

    With `--code` given twice or more, one gunicorn per checkout runs on the same database and
    the rounds alternate between them (A B, then B A, …): a machine whose speed moves by 10–50 %
    from one minute to the next moves both alike, so a difference of a few tenths of a
    millisecond between two versions can be read from one run, which two runs one after
    the other could not show.

    On PostgreSQL the tables the rounds write are vacuumed first (`--no-vacuum` leaves them):
    every run rewrites the same 20 units' rows and the audit chains' heads, and the dead rows
    that earlier runs leave (thousands, which autovacuum would have cleared long before on
    a real day: a unit is written a few times a day) made the same code 0.6–1.3 ms slower
    per request (verify 7.2 against 5.9 ms after a VACUUM), so that of two runs the later lost.
    """
    import json
    import subprocess
    import tempfile
    import urllib.error
    import urllib.request

    parser = argparse.ArgumentParser()
    parser.add_argument("mode")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--code", action="append", help="default: this checkout")
    parser.add_argument("--no-vacuum", action="store_true")
    args = parser.parse_args()
    codes = args.code or [str(ROOT)]
    ensure_reference_data()
    if not RuleSet.objects.exists():
        load_shipped(RuleSet, HolidayYear)
    with connection.cursor() as cur:
        cur.execute("select count(*) from hazards_hazard")
        total = cur.fetchone()[0]
    if connection.vendor == "postgresql" and not args.no_vacuum:
        _vacuum_written()
    _inspector, token = _bench_token("bench-http-insp", "220102", Role.INSPECTOR)
    units = list(Unit.objects.filter(region__code__startswith="220102").order_by("id")[:20])
    _unit_people(units)
    unit_user = User.objects.get(username=f"bench-unit-{units[0].pk}")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    class Server:
        """One gunicorn (one sync worker) serving one checkout, with its own access log."""

        def __init__(self, code: str):
            import socket

            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
            self.code = code
            self.log = Path(tempfile.mkdtemp()) / "access.log"
            env = {
                **os.environ,
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": code,
            }
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "hazardloop.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                    "--access-logfile", str(self.log),
                    "--access-logformat", "%(U)s %(s)s %(D)s",
                ],
                cwd=code, env=env, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            self.base = f"http://127.0.0.1:{self.port}/api/v1"
            self.cpu: dict[str, float] = {}
            self.client: dict[str, list[float]] = {}

        def worker_cpu(self) -> float:
            """CPU seconds (user + system) of the gunicorn worker so far (/proc, in ticks)."""
            try:
                pid = self.process.pid
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0]
                fields = Path(f"/proc/{children}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError):
                return 0.0

        def call(self, method, path, body=None, label=None):
            if label:
                before = self.worker_cpu()
                ms, out = self.call(method, path, body)
                self.cpu[label] = self.cpu.get(label, 0.0) + self.worker_cpu() - before
                self.client.setdefault(label, []).append(ms)
                return ms, out
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(  # noqa: S310 (loopback)
                self.base + path, data=data, method=method, headers=headers
            )
            t = time.perf_counter()
            with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
                payload = json.loads(response.read())
            return (time.perf_counter() - t) * 1000, payload

        def wait_ready(self) -> None:
            for _ in range(150):
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn exited ({self.process.returncode})")
                try:
                    self.call("GET", "/hazards?limit=1")
                    return
                except urllib.error.HTTPError:
                    raise
                except OSError:
                    time.sleep(0.2)

        def server_ms(self) -> dict[str, list[float]]:
            """Server times from the access log, by path and status (a round's order is fixed)."""
            lines = [ln.split() for ln in self.log.read_text().splitlines() if ln.strip()]
            ok = [ln for ln in lines if ln[0].startswith("/api/v1/hazards")]
            creates = [
                int(ln[2]) / 1000 for ln in ok if ln[0] == "/api/v1/hazards" and ln[1] == "201"
            ]
            steps = [int(ln[2]) / 1000 for ln in ok if ln[0].endswith("/transitions")]
            reads = [
                int(ln[2]) / 1000 for ln in ok if ln[0] == "/api/v1/hazards" and ln[1] == "200"
            ]
            return {
                "create": creates,
                "step: order": steps[0::2],
                "step: verify": steps[1::2],
                "list: first page (20)": reads[0::3],
                "list: county + open (20)": reads[1::3],
                "list: jump by date (20)": reads[2::3],
            }

    due = (timezone.now() + dt.timedelta(days=10)).isoformat()

    def one_round(server: Server, i: int) -> None:
        _ms, made = server.call(
            "POST",
            "/hazards",
            {
                "unit_id": units[i % len(units)].pk,
                "source": "inspection",
                "description": "基准：安全出口堵塞",
                "source_ref": f"bench-http:{i}",
            },
            label="create",
        )
        path = f"/hazards/{made['id']}/transitions"
        server.call("POST", path, {"action": "order", "due_at": due}, label="step: order")
        with connection.cursor() as cur:
            cur.execute(
                "update hazards_hazard set status = 'submitted', submitted_at = now(), "
                "submitted_by_id = %s, clock = 'verify', version = version + 1 where id = %s",
                [unit_user.pk, made["id"]],
            )
        server.call("POST", path, {"action": "verify", "reason": ""}, label="step: verify")
        for label, query in (
            ("list: first page (20)", "/hazards?limit=20"),
            ("list: county + open (20)", "/hazards?limit=20&region=220102&status=open"),
            ("list: jump by date (20)", "/hazards?limit=20&on_or_before=2025-06-01"),
        ):
            server.call("GET", query, label=label)

    servers = [Server(code) for code in codes]
    try:
        for server in servers:
            server.wait_ready()
        gauge = reading()
        load_before = os.getloadavg()
        for server in servers:
            for _ in range(10):  # warm-up (not counted)
                server.call("GET", "/hazards?limit=20")
            server.log.write_text("")
        for i in range(args.rounds):
            # A B, then B A: neither checkout always runs right after the other's writes.
            for server in servers if i % 2 == 0 else servers[::-1]:
                one_round(server, i)
    finally:
        for server in servers:
            server.process.terminate()
            server.process.wait()
    load_after = os.getloadavg()
    alternating = " (rounds alternating between the checkouts)" if len(servers) > 1 else ""
    print(f"hazards: {total:,}; rounds: {args.rounds}; one gunicorn sync worker on loopback")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (2 cores)")
    print(gauge)
    for server in servers:
        print(f"code: {server.code}{alternating}")
        print(
            f"{'operation':28} {'client p50':>10} {'p95':>7} {'server p50':>10} {'p95':>7} "
            f"{'server CPU mean':>15}"
        )
        server_ms = server.server_ms()
        for label, times in server.client.items():
            srv = server_ms.get(label) or [0.0]
            print(
                f"{label:28} {pct(times, 50):10.1f} {pct(times, 95):7.1f} "
                f"{pct(srv, 50):10.1f} {pct(srv, 95):7.1f} "
                f"{server.cpu.get(label, 0) * 1000 / len(times):15.1f}"
            )
    Hazard.objects.filter(source_ref__startswith="bench-http:").update(source_ref="bench-done")


# --- concurrent writers: the audit chain (`bench.py writers`) ----------------------------------


def _writer(args) -> tuple[int, float]:
    """One writer process: order its own hazards one by one (a workflow step each)."""
    chains, pks, start_at = args
    from django.conf import settings as _settings

    if chains:
        _settings.AUDIT_CHAINS = chains
    from hazardloop.accounts.models import User as _User
    from hazardloop.hazards import services as _services
    from hazardloop.hazards.models import Hazard as _Hazard

    actor = _User.objects.get(username="bench-county")
    due = timezone.now() + dt.timedelta(days=10)
    hazards = list(_Hazard.objects.select_related("unit").filter(pk__in=pks))
    # The first step warms the process up (imports, catalogues, compiled SQL): not counted.
    _services.order_hazard(hazards[0], actor=actor, due_at=due)
    time.sleep(max(0.0, start_at - time.time()))  # every writer starts at the same moment
    for hazard in hazards[1:]:
        _services.order_hazard(hazard, actor=actor, due_at=due)
    return len(hazards) - 1, time.time()


def _inspection_bench():
    """bench/inspections/bench.py (its data and payload), loaded under a name of its own."""
    import importlib.util

    module = sys.modules.get("inspection_bench")
    if module is None:
        path = Path(__file__).resolve().parents[1] / "inspections" / "bench.py"
        spec = importlib.util.spec_from_file_location("inspection_bench", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["inspection_bench"] = module
        spec.loader.exec_module(module)
    return module


def _inspection_setup(writers: int) -> tuple[int, list[tuple[int, list[int]]]]:
    """The inspection writers' checklist version and, for each writer, a unit of its own with
    two photos stored for it (bench/inspections/bench.py's units, inspector and 30-item
    checklist; a photo may back many inspections, so each unit's two serve all of them)."""
    from hazardloop.evidence.models import Photo

    inspections = _inspection_bench()
    _token, unit_ids, version_id = inspections.setup(writers)
    actor = User.objects.get(username=f"{inspections.PREFIX}-inspector")
    out = []
    for n, unit_id in enumerate(unit_ids[:writers]):
        unit = Unit.objects.get(pk=unit_id)
        photos = list(
            Photo.objects.filter(unit_id=unit_id, uploaded_by=actor)
            .order_by("id")
            .values_list("pk", flat=True)[:2]
        )
        for k in range(len(photos), 2):
            photos.append(inspections.small_photo(actor, unit, n * 2 + k))
        out.append((unit_id, photos))
    return version_id, out


def _inspection_writer(args) -> tuple[int, float]:
    """One writer process: submit whole inspections (30 answers, one failed: a hazard raised,
    its unit's risk counted again, the audit events of the inspection, the photo claims and
    the hazard) for its own unit through the service, one by one."""
    chains, (version_id, unit_id, photo_ids, count), start_at = args
    from django.conf import settings as _settings

    if chains:
        _settings.AUDIT_CHAINS = chains
    from hazardloop.checklists.models import ChecklistVersion
    from hazardloop.inspections.services import submit_inspection

    inspections = _inspection_bench()
    actor = User.objects.get(username=f"{inspections.PREFIX}-inspector")
    unit = Unit.objects.get(pk=unit_id)
    version = ChecklistVersion.objects.get(pk=version_id)

    def submit():
        payload = inspections.inspection_payload(unit_id, version_id, photo_ids)
        _inspection, created = submit_inspection(payload, actor=actor, unit=unit, version=version)
        assert created

    submit()  # warms the process up (imports, catalogues, compiled SQL): not counted
    time.sleep(max(0.0, start_at - time.time()))
    for _n in range(count):
        submit()
    return count, time.time()


def writers_main() -> None:
    """Audited writes per second with 1, 8 and 32 concurrent writers (processes, each with its
    own connection), with one audit chain and with AUDIT_CHAINS chains. `--kinds`: `steps`
    (each writer orders its own hazards through the service: compare-and-swap, event, audit,
    notification), `inspections` (each writer submits whole inspections for a unit of its
    own: answers, photo claims, a hazard raised, the unit's risk, audit), `mixed` (half the
    writers of each kind; with one writer, a step writer).

        flock /tmp/hazardloop-bench.lock .venv/bin/python bench/hazards/bench.py writers \\
            [--steps 20] [--writers 1,8,32] [--chains 1,32] [--kinds steps,inspections,mixed]
    """
    import multiprocessing

    parser = argparse.ArgumentParser()
    parser.add_argument("mode")
    parser.add_argument("--steps", type=int, default=20, help="writes per writer")
    parser.add_argument("--writers", default="1,8,32")
    parser.add_argument("--chains", default="1,32")
    parser.add_argument("--kinds", default="steps", help="steps, inspections, mixed")
    parser.add_argument("--code", default=str(ROOT))
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    if not set(kinds) <= {"steps", "inspections", "mixed"}:
        parser.error("--kinds takes steps, inspections and mixed")
    ensure_reference_data()
    inspector = bench_user("bench-county", "220102", Role.INSPECTOR)
    units = list(Unit.objects.filter(region__code__startswith="220102").order_by("id")[:40])
    _unit_people(units)
    most = max(int(w) for w in args.writers.split(","))
    version_id, inspection_units = (
        _inspection_setup(most) if {"inspections", "mixed"} & set(kinds) else (0, [])
    )
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
    print(
        f"{'kind':>11} {'chains':>6} {'writers':>7} {'writes':>6} {'writes/s':>8} "
        f"{'steps/s':>8} {'inspections/s':>13}"
    )
    for kind in kinds:
        for chains in [int(c) for c in args.chains.split(",")]:
            for writers in [int(w) for w in args.writers.split(",")]:
                inspecting = {
                    "steps": 0,
                    "inspections": writers,
                    "mixed": writers // 2,
                }[kind]
                stepping = writers - inspecting
                pks = []
                for i in range(stepping * (args.steps + 1)):
                    h = services.create_hazard(
                        units[i % len(units)],
                        actor=inspector,
                        source="inspection",
                        description="基准：并发",
                        source_ref=f"bench-writers:{i}",
                    )
                    pks.append(h.pk)
                connection.close()
                start_at = time.time() + 5 + writers * 0.5  # after every process is warm
                jobs = [(_writer, (chains, pks[w::stepping], start_at)) for w in range(stepping)]
                jobs += [
                    (
                        _inspection_writer,
                        (chains, (version_id, unit_id, photos, args.steps), start_at),
                    )
                    for unit_id, photos in inspection_units[:inspecting]
                ]
                with multiprocessing.get_context("fork").Pool(writers) as pool:
                    done = pool.map(_run_writer, jobs)
                wall = max(end for _, _n, end in done) - start_at
                writes = sum(n for _, n, _end in done)
                # Each kind's rate over its own time: until the last of its writers ended.
                by_kind = {
                    name: sum(n for _of, n, _end in rows)
                    / (max(end for _of, _n, end in rows) - start_at)
                    if rows
                    else 0.0
                    for name in ("steps", "inspections")
                    for rows in [[r for r in done if r[0] == name]]
                }
                print(
                    f"{kind:>11} {chains:6} {writers:7} {writes:6} {writes / wall:8.1f} "
                    f"{by_kind['steps']:8.1f} {by_kind['inspections']:13.1f}",
                    flush=True,
                )
                Hazard.objects.filter(pk__in=pks).update(source_ref="bench-done")


def _run_writer(job) -> tuple[str, int, float]:
    """(kind, writes, when the last ended) of one writer process."""
    function, args = job
    count, end = function(args)
    return ("steps" if function is _writer else "inspections"), count, end


if __name__ == "__main__":
    main()
