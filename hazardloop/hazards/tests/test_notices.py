"""Routine hazard notices reach the level that must act (the county office); the levels above
get one digest a day instead (a sweep step, tested with frozen time)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.hazards import jobs, notices, services
from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.notifications.models import Notification
from hazardloop.testing import make_user

LOCAL = dt.timezone(dt.timedelta(hours=8))


def _submit(cast, at):
    h = hazard(cast)
    Hazard.objects.filter(pk=h.pk).update(status=Status.RECTIFYING)
    h.refresh_from_db()
    after = photo(cast.unit_manager, cast.unit)
    services.submit_rectification(
        h, actor=cast.unit_manager, note="已整改", photo_ids=[after.pk], now=at
    )
    return h


@pytest.mark.django_db
def test_a_routine_notice_goes_to_the_county_office_only(cast, django_capture_on_commit_callbacks):
    assert set(notices.acting_regulators("220102")) == {cast.regulator, cast.inspector}
    # A county without its own office: the nearest level above that has one acts.
    assert set(notices.acting_regulators("220104")) == {cast.city_regulator}
    with django_capture_on_commit_callbacks(execute=True):
        h = _submit(cast, timezone.now())
    told = set(
        Notification.objects.filter(key__startswith=f"hazard:{h.pk}:submitted:").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {cast.regulator.username, cast.inspector.username}


@pytest.mark.django_db
def test_the_levels_above_get_one_digest_a_day(cast, django_capture_on_commit_callbacks):
    city_inspector = make_user("t-city-insp", Role.INSPECTOR, region="220100")
    day = dt.datetime(2026, 12, 3, 10, 0, tzinfo=LOCAL)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _submit(cast, day)
        _submit(cast, day - dt.timedelta(days=1))  # the day before: not in this digest
    now = dt.datetime(2026, 12, 4, 6, 0, tzinfo=LOCAL)
    with django_capture_on_commit_callbacks(execute=True):
        sent = jobs.notify_digest_once(now)
        again = jobs.notify_digest_once(now + dt.timedelta(hours=3))
    assert (sent, again) == (3, 0)
    digests = Notification.objects.filter(key__startswith="hazards:digest:2026-12-03")
    assert set(digests.values_list("recipient", flat=True)) == {
        cast.province_regulator.pk,
        cast.city_regulator.pk,
        city_inspector.pk,
    }
    assert [n.params["submitted"] for n in digests] == ["3", "3", "3"]
    # The county's own people had the notices themselves; no digest for them.
    assert not digests.filter(recipient__in=[cast.regulator, cast.inspector]).exists()
    assert not Notification.objects.filter(
        recipient=cast.province_regulator, key__contains=":submitted:"
    ).exists()


@pytest.mark.django_db
def test_a_quiet_day_sends_no_digest(cast):
    assert jobs.notify_digest_once(dt.datetime(2026, 12, 4, 6, 0, tzinfo=LOCAL)) == 0


def test_the_digest_is_a_sweep_step():
    assert "hazardloop.hazards.jobs.notify_digest_once" in settings.SWEEP_STEPS
