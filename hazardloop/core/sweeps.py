"""Running the periodic sweep steps named in settings.SWEEP_STEPS."""

import logging
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("hazardloop.sweeps")


def run_all_once(now=None) -> dict[str, int]:
    """Run every step once; a failing step is logged and does not stop the others."""
    now = now or timezone.now()
    results = {}
    for path in settings.SWEEP_STEPS:
        step = import_string(path)
        try:
            results[path] = step(now)
        except Exception:
            log.exception("sweep step %s failed", path)
            results[path] = -1
    return results


def loop(interval: int, iterations: int | None = None) -> None:
    done = 0
    while iterations is None or done < iterations:
        started = time.monotonic()
        close_old_connections()
        results = run_all_once()
        log.info("sweeps: %s", {k.rsplit(".", 1)[-1]: v for k, v in results.items()})
        done += 1
        if iterations is not None and done >= iterations:
            break
        time.sleep(max(1.0, interval - (time.monotonic() - started)))
