"""Unit registry benchmarks on PostgreSQL (not part of the test run).

    createdb -h 127.0.0.1 -U postgres hazardloop_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazardloop_bench
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/units/bench.py generate --units 500000   # COPY, ~1-2 min
    .venv/bin/python bench/units/bench.py import --rows 100000 --seed 2   # new seed: new units
        # an .xlsx (--csv: a .csv) imported as the page and the API do, through the job: dry
        # run + commit of new units, of the same file (unchanged), of every row changed; each
        # with its phases; --profile: the dry run under cProfile instead; --no-readers: skip
        # timing the readers alone; --steps new|same|changed: some steps (to split long runs)
    .venv/bin/python bench/units/bench.py export [--limit 100000]   # flat memory
    .venv/bin/python bench/units/bench.py list --requests 220       # target p95 < 150 ms
    psql … -c "VACUUM (ANALYZE) units_unit"  # after imports, before `list`, when
        # autovacuum is off (it is on the bench server)

Run every timing under `flock /tmp/hazardloop-bench.lock …` (other benchmarks share the
machine). Figures go to stdout; docs/units.md records the last run.
"""

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.demo.departments import load_departments  # noqa: E402
from hazardloop.demo.units import build_units  # noqa: E402
from hazardloop.regions.models import Department, Region  # noqa: E402
from hazardloop.units.exports import write_units  # noqa: E402
from hazardloop.units.importing.columns import COLUMNS  # noqa: E402
from hazardloop.units.importing.run import import_units  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def counties():
    return list(Region.objects.filter(level__in=["county", "zone"]).order_by("code"))


def ensure_users():
    load_departments()
    users = {}
    for username, role, region, kind in [
        ("bench-admin", Role.ADMIN, "220000", None),
        ("bench-province", Role.REGULATOR, "220000", "safety_committee"),
        ("bench-county", Role.REGULATOR, "220102", "emergency"),
    ]:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_superuser": role == Role.ADMIN}
        )
        if created:
            dept = Department.objects.get(region_id=region, kind=kind) if kind else None
            Membership.objects.create(user=user, role=role, region_id=region, department=dept)
        users[username] = user
    return users


def generate(n: int) -> None:
    rng = random.Random(500_000)
    regions = counties()
    started = time.monotonic()
    made = 0
    taken = set(Unit.objects.values_list("uscc", flat=True))
    from hazardloop.units.bulk import copy_rows

    fields = [f for f in Unit._meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        while made < n:
            batch = []
            for unit in build_units(rng, regions, min(50_000, n - made)):
                if unit.uscc in taken:
                    continue
                taken.add(unit.uscc)
                unit.created_at = unit.updated_at = django.utils.timezone.now()
                batch.append([getattr(unit, f.attname) for f in fields])
                made += 1
            copy_rows(Unit._meta.db_table, [f.column for f in fields], batch)
            print(f"  {made} units", flush=True)
        # The bench server runs without autovacuum: statistics and the visibility map by hand.
        cursor.execute("VACUUM (ANALYZE) units_unit")
    took = time.monotonic() - started
    print(f"generated {made} units in {took:.1f} s; total {Unit.objects.count()}")


def write_import_file(path: Path, rows: int, seed: int = 100_000, changed: bool = False) -> None:
    """An .xlsx (or, for a path ending in .csv, a CSV) of `rows` units made from `seed` (the
    same seed: the same units), with a title row above the header as officials' sheets have;
    changed=True moves every one to a new address and adds a floor, so that a re-import updates
    them all. The .xlsx is written by openpyxl with shared strings, as Excel and WPS save."""
    rng = random.Random(seed)
    regions = counties()
    names = dict(Region.objects.values_list("code", "name_zh"))
    from hazardloop.regions.models import Sector

    sectors = dict(Sector.objects.values_list("code", "name_zh"))

    def lines():
        yield ["吉林省生产经营单位台账（基准测试）"]
        yield [c.template_header for c in COLUMNS]
        for unit in build_units(rng, regions, rows):
            if changed:
                unit.address += "北门"
                unit.floors = (unit.floors or 0) + 1
            yield [
                unit.name, unit.uscc, names[unit.region_id], sectors[unit.sector_id], unit.address,
                None, None, unit.floor_area_m2, unit.floors, unit.business_hours,
                "是" if unit.is_fire_key_unit else "否", "是" if unit.is_crowded_place else "否",
                "是" if unit.is_public_gathering else "否", "否", "否", "否",
                unit.get_gas_use_display(), unit.lpg_cylinders, unit.lpg_stored_kg,
                unit.principal_name, unit.principal_phone, unit.safety_manager_name,
                unit.safety_manager_phone,
            ]  # fmt: skip

    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(lines())
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("单位")
    for line in lines():
        sheet.append(line)
    book.save(path)


def time_phases() -> dict[str, float]:
    """Wrap the importer's steps with timers (seconds per phase, summed over chunks)."""
    from hazardloop.units.importing import rows, run

    spent: dict[str, float] = {}

    def timed(owner, name, label):
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)

    timed(rows.RowChecker, "check", "check rows")
    timed(run._Importer, "_chunk", "compare with existing + write (chunks)")
    timed(run._Importer, "_write", "write")
    timed(run, "insert_rows", "write: units (COPY)")
    timed(run, "copy_rows", "write: department links (COPY)")
    timed(run, "record_many", "write: audit events")
    timed(run, "update_rows", "write: changed units (COPY + UPDATE … FROM)")
    return spent


def run_job(job) -> float:
    from hazardloop.units.jobs import run_job_once

    started = time.monotonic()
    run_job_once(job.pk)
    return time.monotonic() - started


def bench_import(
    rows: int,
    seed: int,
    profile: bool = False,
    suffix: str = ".xlsx",
    readers: bool = True,
    only: str = "",
) -> None:
    """Each step as the page and the API run it: the upload stored as a job, the dry run
    (reads and checks the sheet, keeps the checked rows), then the commit of that job (takes
    the kept rows: the sheet is not read again)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hazardloop.units import services
    from hazardloop.units.importing import run
    from hazardloop.units.models import UnitJob

    users = ensure_users()
    with tempfile.TemporaryDirectory() as tmp:
        from django.conf import settings

        settings.MEDIA_ROOT = tmp
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        path = Path(tmp) / f"units{suffix}"
        started = time.monotonic()
        write_import_file(path, rows, seed)
        print(f"wrote {path.name}: {path.stat().st_size / 1e6:.1f} MB in "
              f"{time.monotonic() - started:.1f} s")  # fmt: skip
        if profile:  # the dry run only, under cProfile: where the time goes
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            with open(path, "rb") as fh:
                profiler.runcall(
                    import_units, fh, path.name, user=users["bench-admin"], commit=False
                )
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
            return
        from hazardloop.units.importing.reader import open_table

        names = ("calamine", "openpyxl") if suffix == ".xlsx" else ("csv",)
        for reader_name in names if readers else ():
            started = time.monotonic()
            if reader_name == "openpyxl":  # the reader before calamine, for comparison
                from openpyxl import load_workbook

                book = load_workbook(path, read_only=True, data_only=True)
                count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
                book.close()
            else:
                with open(path, "rb") as fh:
                    count = sum(1 for _row in open_table(fh, path.name).rows)
            print(f"read the sheet alone ({reader_name}): {count} rows in "
                  f"{time.monotonic() - started:.2f} s")  # fmt: skip
        spent = time_phases()
        steps = ("new units", "the same file again (unchanged)", "every row changed")
        chosen = [steps[i] for i, key in enumerate(STEP_KEYS) if not only or key in only]
        for label in chosen:
            if label == steps[2]:
                write_import_file(path, rows, seed, changed=True)
            upload = SimpleUploadedFile(path.name, path.read_bytes())
            job = services.start_import(actor=users["bench-admin"], upload=upload)
            spent.clear()
            dry = run_job(job)
            job.refresh_from_db()
            dry_phases = dict(spent)
            spent.clear()
            services.commit_import(job, actor=users["bench-admin"])
            commit = run_job(job)
            job = UnitJob.objects.get(pk=job.pk)
            started = time.monotonic()  # the task the commit enqueued (not waited for by users)
            merged = run.merge_search_indexes()
            merge = time.monotonic() - started
            print(
                f"import {rows} rows ({suffix}), {label}: dry run {dry:.2f} s + commit "
                f"{commit:.2f} s = {dry + commit:.2f} s ({rows / (dry + commit):,.0f} rows/s); "
                f"{job.status}, created {job.created}, updated {job.updated}, unchanged "
                f"{job.unchanged}, problems {len(job.errors)}; peak RSS {rss_mb():.0f} MB; "
                f"load {loadavg()}"
            )
            for phase, seconds in dry_phases.items():
                print(f"    dry run, {phase}: {seconds:.2f} s")
            for phase, seconds in spent.items():
                print(f"    commit, {phase}: {seconds:.2f} s")
            print(f"    then in the background: the search indexes' pending lists merged "
                  f"({merged} pages): {merge:.2f} s")  # fmt: skip


STEP_KEYS = ("new", "same", "changed")


def bench_export(limit: int = 0) -> None:
    users = ensure_users()
    from hazardloop.units.filters import UnitFilter

    qs = UnitFilter({}, users["bench-admin"], perm="unit.export").queryset()
    if limit:  # the first `limit` units by id
        qs = qs.filter(id__lte=qs.order_by("id").values_list("id", flat=True)[limit - 1])
    before = rss_mb()
    samples = []

    def progress(done, total):
        if done % 100_000 < 2000:
            samples.append((done, rss_mb()))

    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        rows = write_units(qs, Path(tmp) / "units.xlsx", progress=progress)
        took = time.monotonic() - started
        size = (Path(tmp) / "units.xlsx").stat().st_size / 1e6
    print(f"export {rows} rows: {took:.1f} s, {size:.0f} MB file; peak RSS {before:.0f} MB before, "
          f"{rss_mb():.0f} MB after; RSS along the way: "
          + ", ".join(f"{d // 1000}k:{m:.0f}MB" for d, m in samples))  # fmt: skip


def bench_list(requests: int) -> None:
    setup_test_environment()
    users = ensure_users()
    queries = [
        "", "?q=饺子", "?q=火锅&region=220100", "?gas=bottled_lpg&risk=red", "?region=220102",
        "?sector=catering&key=1", "?sort=-risk", "?sort=-updated&crowded=1", "?q=长春市南关区人民",
        "?region=222401&gas=pipeline&sort=-risk", "?q=91220",
    ]  # fmt: skip
    for username in ("bench-admin", "bench-province", "bench-county"):
        client = Client()
        client.force_login(users[username])
        client.get("/units/")
        timings, cpu = {}, []
        for i in range(requests):
            q = queries[i % len(queries)]
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get("/units/" + q)
            timings.setdefault(q, []).append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)  # this process: no DB time
            assert response.status_code == 200
        every = sorted(t for ts in timings.values() for t in ts)
        p95 = every[int(len(every) * 0.95) - 1]
        worst = max(timings, key=lambda k: statistics.median(timings[k]))
        median = statistics.median(every)
        print(f"list as {username}: {len(every)} requests, median {median:.0f} ms, "
              f"p95 {p95:.0f} ms; slowest query {worst or '(none)'} median "
              f"{statistics.median(timings[worst]):.0f} ms; Python CPU per request median "
              f"{statistics.median(cpu):.1f} ms; load {loadavg()}")  # fmt: skip
        for q, ts in timings.items():
            ts = sorted(ts)
            case_p95 = ts[max(0, int(len(ts) * 0.95) - 1)]
            print(f"    {q or '(no filter)'}: n {len(ts)}, p50 {statistics.median(ts):.0f} ms, "
                  f"p95 {case_p95:.0f} ms, max {ts[-1]:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("generate").add_argument("--units", type=int, default=500_000)
    importing = sub.add_parser("import")
    importing.add_argument("--rows", type=int, default=100_000)
    importing.add_argument("--seed", type=int, default=100_000, help="a new seed: new units")
    importing.add_argument("--profile", action="store_true", help="profile the dry run only")
    importing.add_argument("--csv", action="store_true", help="import a .csv instead of .xlsx")
    importing.add_argument(
        "--no-readers", action="store_true", help="skip timing the readers alone"
    )
    importing.add_argument(
        "--steps",
        default="",
        help="some of new,same,changed (default all; same and changed need new run before "
        "with the same --rows and --seed): to split a long run",
    )
    sub.add_parser("export").add_argument("--limit", type=int, default=0)
    sub.add_parser("list").add_argument("--requests", type=int, default=220)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmarks on PostgreSQL: set DATABASE_URL.")
    if args.cmd == "generate":
        generate(args.units)
    elif args.cmd == "import":
        sys.path.insert(0, str(ROOT / "bench"))
        from gauge import reading

        print(reading())
        bench_import(
            args.rows,
            args.seed,
            args.profile,
            ".csv" if args.csv else ".xlsx",
            readers=not args.no_readers,
            only=args.steps,
        )
    elif args.cmd == "export":
        bench_export(args.limit)
    else:
        bench_list(args.requests)


if __name__ == "__main__":
    main()
