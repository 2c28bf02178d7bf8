"""The sweep step: raise the accountability proposals every automatic source calls for."""

import logging

from hazardloop.accountability.sources import SOURCES

log = logging.getLogger("hazardloop.accountability")


def propose_cases_once(now) -> int:
    """Run every source once (idempotent: a source row already raised is skipped); returns how
    many proposals were raised."""
    total = 0
    for source in SOURCES:
        raised = source(now)
        if raised:
            log.info("%s raised %s accountability proposal(s)", source.__name__, raised)
        total += raised
    return total
