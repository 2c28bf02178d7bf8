"""Sweep steps of the permits app (named in settings.SWEEP_STEPS)."""

from hazardloop.permits.services import expire_permits


def expire_permits_once(now) -> int:
    """Expire the live permits whose validity ended by `now`; idempotent (expired ones stay)."""
    return expire_permits(now)
