"""Periodic steps (run by `manage.py run_sweeps` and the worker loop; tests call them)."""

from hazardloop.supervision.sweep import sweep


def sweep_deadlines_once(now) -> int:
    """Move overdue hazards up the supervision ladder; returns the rungs climbed."""
    return sweep(now).total
