"""Demo: overdue hazards climb the supervision ladder by the real daily sweep.

The demo hazards ordered long ago with deadlines now past are left to `supervision.sweep`, so
their levels, events, letters and listing notices are exactly what the sweep produces in
production (no level is set by hand). The days are the province's configured ladder's.
"""

from hazardloop.hazards.choices import Grade
from hazardloop.supervision.ladder import ladder_for
from hazardloop.supervision.sweep import sweep


def overdue_days(region_code: str, grade: str = Grade.GENERAL) -> list[tuple[str, int]]:
    """(rung, days past the deadline) that puts a hazard just over each rung of the ladder."""
    ladder = ladder_for(region_code)
    return [
        ("reminded", ladder.reminder_after_days + 1),
        ("letter", ladder.letter_after_days + 1),
        ("listed", ladder.listing_after_days(grade) + 1),
        ("accountability", ladder.accountability_after_days + 1),
    ]


def climb_ladder(now):
    """Run the daily sweep at `now`; returns its result (idempotent, like the sweep)."""
    return sweep(now)
