"""Production safety: no demo in production, the first administrator by command, and no serving
while a privileged account signs in with a published password."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from hazardloop import serve
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.audit.models import AuditEvent
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db
GOOD = "Kettle-lantern-49-river"


@pytest.fixture
def piped(monkeypatch):
    """`call_command` does not replace sys.stdin: the command reads the password from it."""

    def pipe(text):
        monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))

    return pipe


def test_create_admin_makes_a_province_administrator(reference_data, piped):
    piped(GOOD)
    out = io.StringIO()
    call_command("create_admin", "--password-stdin", "--username", "root", stdout=out)
    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff and user.check_password(GOOD)
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.ADMIN and membership.region_id == "220000"
    assert AuditEvent.objects.filter(action="account.admin_created", object_id=str(user.pk))
    assert "root" in out.getvalue()


@pytest.mark.parametrize(
    "password", ["hazardloop-demo", " HAZARDLOOP-DEMO ", "short", "1234567890"]
)
def test_create_admin_refuses_default_and_weak_passwords(reference_data, piped, password):
    piped(password)
    with pytest.raises(CommandError, match="Nothing was created"):
        call_command("create_admin", "--password-stdin", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_create_admin_refuses_a_taken_username(reference_data, piped):
    make_user("admin", "regulator", region="220000")
    piped(GOOD)
    with pytest.raises(CommandError, match="Nothing was created"):
        call_command("create_admin", "--password-stdin", stdout=io.StringIO())
    assert User.objects.filter(username="admin").count() == 1


def test_create_admin_without_a_terminal_asks_for_stdin(reference_data, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password-stdin"):
        call_command("create_admin", stdout=io.StringIO())


def test_the_demo_password_is_refused_by_the_validators(reference_data, settings):
    settings.DEMO_PASSWORD = "another-published-one"
    for password in ("hazardloop-demo", "another-published-one"):
        with pytest.raises(ValidationError):
            validate_password(password)
    validate_password(GOOD)


def test_check_default_passwords_names_privileged_accounts(reference_data):
    admin = make_user("admin", "admin", region="220000", password="hazardloop-demo")
    make_user("regulator@220100", "regulator", region="220100", password="hazardloop-demo")
    # An inspector with the demo password is not a privileged account: not checked at start-up.
    make_user("inspector@220102", "inspector", region="220102", password="hazardloop-demo")
    with pytest.raises(CommandError) as refused:
        call_command("check_default_passwords", stdout=io.StringIO())
    assert "admin" in str(refused.value) and "regulator@220100" in str(refused.value)
    assert "inspector@220102" not in str(refused.value)
    admin.set_password(GOOD)
    admin.save()
    User.objects.filter(username="regulator@220100").update(is_active=False)
    call_command("check_default_passwords", stdout=io.StringIO())


def test_load_demo_never_loads_in_production(reference_data, settings):
    settings.PRODUCTION = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not User.objects.exists()
    assert "not loaded" in out.getvalue()


def test_serve_refuses_production_with_a_default_password(monkeypatch):
    calls, started = [], []

    class Refused:
        returncode = 1

    monkeypatch.setenv("HAZARDLOOP_PRODUCTION", "1")
    monkeypatch.setattr("sys.argv", ["serve"])
    monkeypatch.setattr(serve.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or Refused)
    monkeypatch.setattr(serve.subprocess, "Popen", lambda cmd: started.append(cmd))
    assert serve.main() == 1
    assert calls and calls[0][-1] == "check_default_passwords"
    assert started == []
