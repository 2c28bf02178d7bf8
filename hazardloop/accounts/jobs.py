"""Periodic steps for accounts, run by `manage.py run_sweeps`."""

import datetime as dt

from django.contrib.sessions.models import Session


def clear_expired_sessions_once(now: dt.datetime) -> int:
    """Delete sessions that expired before `now`. Safe to run any number of times."""
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
