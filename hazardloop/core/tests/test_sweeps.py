import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from hazardloop.accounts.jobs import clear_expired_sessions_once
from hazardloop.core.sweeps import run_all_once

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_cleared_once(reference_data):
    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    assert clear_expired_sessions_once(timezone.now()) == 1
    assert clear_expired_sessions_once(timezone.now()) == 0
    assert Session.objects.filter(session_key=live.session_key).exists()


def test_a_failing_step_does_not_stop_the_others(settings, reference_data):
    settings.SWEEP_STEPS = [
        "hazardloop.core.tests.test_sweeps.broken_step",
        "hazardloop.accounts.jobs.clear_expired_sessions_once",
    ]
    results = run_all_once(timezone.now())
    assert results["hazardloop.core.tests.test_sweeps.broken_step"] == -1
    assert results["hazardloop.accounts.jobs.clear_expired_sessions_once"] == 0


def broken_step(now):
    raise RuntimeError("boom")


def test_run_sweeps_once_command(settings, reference_data):
    settings.SWEEP_STEPS = ["hazardloop.accounts.jobs.clear_expired_sessions_once"]
    call_command("run_sweeps", "--once")
