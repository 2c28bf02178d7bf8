"""The ledger export as the worker runs it, on PostgreSQL: .xlsx and .csv, wall time and peak RSS.

    createdb -h 127.0.0.1 -U postgres hl_sheets_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_sheets_bench
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/supervision/generate.py --hazards 100000 --units 20000
    flock /tmp/hazardloop-bench.lock .venv/bin/python bench/hazards/export.py [--limit 10000]

Each export is queued with exports.start_export and written by exports.run_export_once (the
worker's step), as the province's regulator (every hazard in scope), in Chinese. `--limit`
lowers HAZARD_EXPORT_MAX_ROWS (the file then holds the newest rows and says it is capped). The
peak RSS is this process's (ru_maxrss), sampled through the export's progress reports.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hl_sheets_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.hazards import exports  # noqa: E402
from hazardloop.hazards.models import Hazard, HazardExport  # noqa: E402
from hazardloop.lib import sheets  # noqa: E402
from hazardloop.regions.models import Department  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def province_regulator() -> User:
    user, created = User.objects.get_or_create(username="bench-export-prov")
    if created:
        dept = Department.objects.filter(region_id="220000").first()
        Membership.objects.create(
            user=user, role=Role.REGULATOR, region_id="220000", department=dept
        )
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="HAZARD_EXPORT_MAX_ROWS")
    parser.add_argument("--formats", default="xlsx,csv")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmarks on PostgreSQL: set DATABASE_URL.")
    if args.limit:
        settings.HAZARD_EXPORT_MAX_ROWS = args.limit
    user = province_regulator()
    print(f"hazards: {Hazard.objects.count():,}; export cap {settings.HAZARD_EXPORT_MAX_ROWS:,}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from gauge import reading

    print(reading())
    samples = []
    real = sheets.progress_of

    def sampling(queryset):
        report = real(queryset)

        def progress(done, total):
            samples.append((done, rss_mb()))
            report(done, total)

        return progress

    exports.progress_of = sampling
    for fmt in args.formats.split(","):
        samples.clear()
        with translation.override("zh-hans"):
            job = exports.start_export(actor=user, params={}, fmt=fmt)
        before = rss_mb()
        started = time.monotonic()
        status = exports.run_export_once(job.pk)
        took = time.monotonic() - started
        job = HazardExport.objects.get(pk=job.pk)
        size = job.file.size / 1e6 if job.file else 0
        along = ", ".join(f"{d // 1000}k:{m:.0f}" for d, m in samples[:: max(1, len(samples) // 6)])
        print(
            f"export {fmt}: {status}, {job.rows:,} rows (matched {job.matched:,}) in {took:.2f} s, "
            f"{size:.1f} MB file; peak RSS {before:.0f} MB before, {rss_mb():.0f} MB after "
            f"(along the way, MB: {along}); load {loadavg()}"
        )
        job.file.delete(save=False)


if __name__ == "__main__":
    main()
