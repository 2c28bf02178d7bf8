"""The sign-in throttle: floods refused before hashing, lockouts per address, slow-down per
username, the owner told, refusals audited in summary, and tokens that expire."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from hazardloop.accounts import throttle
from hazardloop.accounts.models import ApiToken, SignInCounter
from hazardloop.accounts.services import change_password
from hazardloop.audit.models import AuditEvent
from hazardloop.notifications.jobs import warn_attacked_accounts_once
from hazardloop.notifications.models import Notification
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def user(reference_data):
    return make_user("alice", "inspector", region="220102", password=PASSWORD)


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")


@pytest.fixture
def hashing(monkeypatch):
    """Counts password hashing (the cost an attacker wants to impose)."""
    calls = []
    from hazardloop.accounts import models, services

    real_check = models.User.check_password
    real_dummy = services._dummy_check
    monkeypatch.setattr(
        models.User, "check_password", lambda self, raw: calls.append(1) or real_check(self, raw)
    )
    monkeypatch.setattr(services, "_dummy_check", lambda raw: calls.append(1) or real_dummy(raw))
    return calls


def test_an_address_flooding_sign_in_is_refused_before_hashing(client, user, hashing, settings):
    settings.LOGIN_ADDRESS_PER_MINUTE = 20
    with time_machine.travel(T0, tick=False) as clock:
        for i in range(200):
            login(client, f"nobody{i}", "whatever-password")
        assert len(hashing) == 20
        assert AuditEvent.objects.filter(action="login.failed").count() == 20
        refused = login(client, "alice", PASSWORD)
        assert "请一分钟后再试" in refused.content.decode()
        # another address is not affected, and a minute later this one may try again
        assert login(from_address(1), "alice", PASSWORD).status_code == 302
        clock.shift(dt.timedelta(seconds=61))
        assert login(client, "alice", PASSWORD).status_code == 302
        # refusals are audited once, in summary, by the sweep
        assert throttle.summarise_refusals_once(T0 + dt.timedelta(minutes=3)) == 1
        event = AuditEvent.objects.get(action="login.throttled")
        assert event.after["refused"] == 181 and event.after["key"] == "address:127.0.0.1"
        assert throttle.summarise_refusals_once(T0 + dt.timedelta(minutes=4)) == 0


def test_the_whole_site_is_throttled_before_hashing(user, hashing, settings):
    settings.LOGIN_GLOBAL_PER_MINUTE = 30
    with time_machine.travel(T0, tick=False):
        for i in range(60):
            login(from_address(i), f"nobody{i}", "bad-password-x")
        assert len(hashing) == 30
        body = login(from_address(99), "alice", PASSWORD).content.decode()
        assert "Try again in a minute" in body or "请一分钟后再试" in body


def test_a_username_attacked_from_many_addresses_is_slowed_not_locked(user, settings):
    settings.LOGIN_SLOWDOWN_AFTER = 20
    settings.LOGIN_SLOWDOWN_SECONDS = 10
    with time_machine.travel(T0, tick=False) as clock:
        for i in range(20):
            assert login(from_address(i), "alice", "bad-password-x").status_code == 400
        # the owner, right after: asked to wait, not locked out
        owner = from_address(500)
        assert "秒" in login(owner, "alice", PASSWORD).content.decode()
        clock.shift(dt.timedelta(seconds=11))
        assert login(owner, "alice", PASSWORD).status_code == 302
    # the owner is told, once
    assert warn_attacked_accounts_once(T0 + dt.timedelta(minutes=1)) == 1
    assert warn_attacked_accounts_once(T0 + dt.timedelta(minutes=2)) == 0
    note = Notification.objects.get(recipient=user)
    assert note.params["count"] == "20"


def test_the_owner_is_told_when_an_address_is_locked_out(client, user):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            login(client, "alice", "bad-password-1")
    assert warn_attacked_accounts_once(T0 + dt.timedelta(minutes=1)) == 1
    assert Notification.objects.filter(recipient=user).count() == 1


def test_unknown_usernames_are_throttled_alike_and_nobody_is_told(client, reference_data):
    with time_machine.travel(T0, tick=False):
        for _ in range(6):
            response = login(client, "ghost", "bad-password-1")
        assert "锁定" in response.content.decode()
    assert warn_attacked_accounts_once(T0 + dt.timedelta(minutes=1)) == 0
    assert not Notification.objects.exists()


def test_stale_counters_are_forgotten(client, user):
    with time_machine.travel(T0, tick=False):
        login(client, "alice", "bad-password-1")
    assert SignInCounter.objects.count() == 4
    throttle.summarise_refusals_once(T0 + dt.timedelta(days=2))
    assert SignInCounter.objects.count() == 0


def obtain(client, password=PASSWORD):
    return client.post(
        "/api/v1/auth/token",
        {"username": "alice", "password": password},
        content_type="application/json",
    )


def me(client, token):
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_the_api_says_429_when_throttled(client, user, settings):
    settings.LOGIN_ADDRESS_PER_MINUTE = 3
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            obtain(client, password="nope-nope-nope")
        response = obtain(client)
    assert response.status_code == 429 and response.json()["code"] == "throttled"


def test_tokens_expire_and_stop_when_idle(client, user, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 90
    settings.API_TOKEN_IDLE_DAYS = 30
    with time_machine.travel(T0, tick=False) as clock:
        token = obtain(client).json()["token"]
        stored = ApiToken.objects.get(user=user)
        assert stored.expires_at == T0 + dt.timedelta(days=90)
        for _ in range(3):  # used every 29 days: still alive until its lifetime ends
            clock.shift(dt.timedelta(days=29))
            assert me(client, token).status_code == 200
        clock.shift(dt.timedelta(days=4))  # day 91
        assert me(client, token).status_code == 401
        idle = obtain(client).json()["token"]
        clock.shift(dt.timedelta(days=31))
        assert me(client, idle).status_code == 401


def test_a_password_change_revokes_every_token(client, user):
    first, second = obtain(client).json()["token"], obtain(client).json()["token"]
    change_password(user, actor=user, new_password="Another-good-pass-77")
    assert me(client, first).status_code == 401 and me(client, second).status_code == 401
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
