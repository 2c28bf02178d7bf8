"""Builders for the accountability tests: cases raised through the real sources and services."""

import datetime as dt

from hazardloop.accountability.sources import hazards_at_top_rung
from hazardloop.hazards.choices import SupervisionLevel
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard

DUE = at(2026, 3, 12, 23, 59)
# Ninety days after the deadline (the default ladder's accountability rung) and an hour.
TOP_RUNG = DUE + dt.timedelta(days=90, hours=1)


def top_rung_hazard(cast, **kwargs):
    """A hazard of cast.unit the real ladder sweep moved to its top rung at TOP_RUNG."""
    departments()
    hazard = make_hazard(cast, due=DUE, **kwargs)
    sweep(TOP_RUNG)
    hazard.refresh_from_db()
    assert hazard.supervision_level == SupervisionLevel.ACCOUNTABILITY
    return hazard


def proposal(cast, **kwargs):
    """A proposal raised by the hazard source for a top-rung hazard of cast.unit."""
    from hazardloop.accountability.models import Case

    hazard = top_rung_hazard(cast, **kwargs)
    hazards_at_top_rung(TOP_RUNG)
    return Case.objects.get(source_kind="hazard_top_rung", source_id=hazard.pk)
