import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hazardloop.audit.models import AuditEvent
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def user(reference_data):
    return make_user("alice", "inspector", region="220102", password=PASSWORD)


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_and_logout(client, user):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login.succeeded", actor=user).exists()
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=user).exists()


def test_logout_needs_post(client, user):
    client.force_login(user)
    assert client.get("/logout/").status_code == 405


def test_wrong_password_is_a_clear_translated_error(client, user):
    response = login(client, "alice", "wrong-password-x")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()
    response = client.post(
        "/login/", {"username": "alice", "password": "nope-nope-nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Wrong username or password." in response.content.decode()
    event = AuditEvent.objects.filter(action="login.failed").first()
    assert event.actor_id == user.pk and event.ip == "127.0.0.1"


def test_unknown_user_looks_like_a_wrong_password(client, reference_data):
    response = login(client, "nobody", "whatever-password")
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failed", actor_label="nobody").exists()


def test_open_redirect_is_refused(client, user):
    response = client.post(
        "/login/?next=https://evil.example/", {"username": "alice", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_five_failures_lock_the_address_out_of_the_account_for_fifteen_minutes(client, user):
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(4):
            assert "用户名或密码错误" in login(client, "alice", "bad-password-1").content.decode()
        fifth = login(client, "alice", "bad-password-1").content.decode()
        assert "锁定" in fifth
        # even the right password is refused from this address while locked
        assert "锁定" in login(client, "alice", PASSWORD).content.decode()
        # ... but the owner signs in from another address
        other = Client(REMOTE_ADDR="10.9.8.7")
        assert login(other, "alice", PASSWORD).status_code == 302
        clock.shift(dt.timedelta(minutes=14))
        assert login(client, "alice", PASSWORD).status_code == 400
        clock.shift(dt.timedelta(minutes=2))
        assert login(client, "alice", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="login.locked", actor=user).count() == 1


def test_success_resets_the_failure_count(client, user):
    for _ in range(4):
        login(client, "alice", "bad-password-1")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        login(client, "alice", "bad-password-1")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_inactive_user_cannot_sign_in(client, user):
    user.is_active = False
    user.save()
    assert login(client, "alice", PASSWORD).status_code == 400


def test_session_expires_after_thirty_idle_minutes(client, user):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, "alice", PASSWORD)
        clock.shift(dt.timedelta(minutes=25))
        assert client.get("/").status_code == 200  # activity pushes the expiry forward
        clock.shift(dt.timedelta(minutes=25))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_idle_expiry_is_renewed_at_most_once_a_minute(client, user):
    """No session write on every request (core/sessions.py): within a minute of the last
    renewal a request does not touch the session row; after it, one does."""
    from django.contrib.sessions.models import Session

    start = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, "alice", PASSWORD)
        client.get("/")
        expiry = Session.objects.get().expire_date
        clock.shift(dt.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert Session.objects.get().expire_date == expiry
        clock.shift(dt.timedelta(seconds=31))
        client.get("/")
        assert Session.objects.get().expire_date == expiry + dt.timedelta(seconds=61)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short-pw", "10"), ("password1234", "common"), ("3141592653589", "numeric")],
)
def test_password_rules(password, fragment, reference_data):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert fragment in " ".join(e.code or "" for e in excinfo.value.error_list) + str(excinfo.value)


def test_a_good_password_passes(reference_data):
    validate_password("lantern-orchard-47")


def test_production_hashing_is_argon2():
    import importlib

    import hazardloop.settings as production_settings

    importlib.reload(production_settings)
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_change_password(client, user):
    client.force_login(user)
    response = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 200 and "10" in response.content.decode()
    response = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password": "lantern-orchard-47",
            "new_password2": "lantern-orchard-47",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("lantern-orchard-47")
    assert client.get("/").status_code == 200  # still signed in
