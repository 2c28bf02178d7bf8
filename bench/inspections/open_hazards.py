"""One inspection submission at a unit that already has open hazards (not part of the tests).

An inspection with a failed fire item grades every open hazard of its unit again (a
comprehensive threshold may now be reached: hazards.services.redetermine_unit), so what one
submission costs depends on how many open hazards with rule references the unit has. For
each count in `--open` this makes a unit of its own with that many open hazards (raised by
submissions like the timed ones: the checklist's item Q00 carries gb35181:7.3.3), then times
`--submissions` more through the service, in process, with their queries counted.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazardloop_bench
    .venv/bin/python bench/inspections/open_hazards.py [--open 0,10,50] [--submissions 10] \\
        [--code /tmp/before]

`--code DIR` runs another checkout's hazardloop (the "before" of a before/after comparison).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if "--code" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(HERE))
sys.path.insert(2, str(HERE.parent))  # bench/gauge.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")

import django  # noqa: E402

# Set up before bench/inspections/bench.py puts this checkout first on the path: the code
# imported is ROOT's.
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from gauge import reading  # noqa: E402

import bench  # noqa: E402  (bench/inspections/bench.py: the units, inspector and checklist)
from hazardloop.accounts.models import User  # noqa: E402
from hazardloop.checklists.models import ChecklistVersion  # noqa: E402
from hazardloop.hazards.choices import OPEN_STATUSES  # noqa: E402
from hazardloop.hazards.models import Hazard  # noqa: E402
from hazardloop.inspections.services import submit_inspection  # noqa: E402
from hazardloop.lib import uscc  # noqa: E402
from hazardloop.testing import make_unit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--open", default="0,10,50", help="open hazards made at the unit before the warm-up"
    )
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--code", default=str(ROOT))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL.")
    _token, _units, version_id = bench.setup(1)
    actor = User.objects.get(username=f"{bench.PREFIX}-inspector")
    version = ChecklistVersion.objects.get(pk=version_id)
    rng = random.Random()
    import hazardloop

    print(f"code: {Path(hazardloop.__file__).parent.parent}")
    print(reading())
    print(f"{'open at start':>13} {'p50 ms':>7} {'max ms':>7} {'queries':>7}")
    for count in [int(c) for c in args.open.split(",")]:
        unit = make_unit(
            bench.REGION,
            name=f"{bench.PREFIX}-open-{count}-{rng.randrange(10**6)}",
            uscc=uscc.generate(bench.REGION, rng),
        )
        photos = [bench.small_photo(actor, unit, rng.randrange(65536)) for _n in range(2)]

        def submit(unit=unit, photos=photos):
            payload = bench.inspection_payload(unit.pk, version_id, photos)
            submit_inspection(payload, actor=actor, unit=unit, version=version)

        for _n in range(count + 1):  # the last one also warms up; not timed
            submit()
        opened = Hazard.objects.filter(unit=unit, status__in=OPEN_STATUSES).count()
        assert opened == count + 1, opened
        times, queries = [], []
        for _n in range(args.submissions):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                submit()
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(ctx.captured_queries))
        print(
            f"{opened:13} {statistics.median(times):7.1f} {max(times):7.1f} "
            f"{statistics.median(queries):7.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
