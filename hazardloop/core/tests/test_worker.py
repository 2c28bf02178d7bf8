"""A web worker settles its heap when it loads the application (core/worker.py): the views are
imported and what it holds is frozen out of the collector's passes, with the configured
thresholds; a malformed WEB_GC_THRESHOLD stops it at start-up with the variable named."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = (
    "import gc, sys; import hazardloop.wsgi; "
    "print(gc.get_freeze_count(), *gc.get_threshold(), "
    "'hazardloop.hazards.api' in sys.modules, 'hazardloop.urls' in sys.modules)"
)


def _load_wsgi(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "hazardloop.settings", **env}
    environment.pop("DATABASE_URL", None)  # loading the application opens no connection
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, cwd=ROOT, capture_output=True, text=True
    )


def test_the_worker_loads_its_views_and_freezes_them_out_of_the_collector():
    out = _load_wsgi()
    assert out.returncode == 0, out.stderr
    frozen, *threshold, api_loaded, urls_loaded = out.stdout.split()
    # Tens of thousands of objects at least: Django, the models, the API's schemas.
    assert int(frozen) > 50_000
    assert [int(n) for n in threshold] == [700, 10, 10]  # Python's own unless configured
    assert api_loaded == urls_loaded == "True"


def test_the_threshold_is_configurable():
    out = _load_wsgi(WEB_GC_THRESHOLD="5000,20,30")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[1:4] == ["5000", "20", "30"]


def test_a_malformed_threshold_stops_the_worker_naming_the_variable():
    for bad in ("700,10", "0,10,10", "many"):
        out = _load_wsgi(WEB_GC_THRESHOLD=bad)
        assert out.returncode != 0
        assert "WEB_GC_THRESHOLD" in out.stderr
