"""Signing in and out, lockout, and API tokens. Every outcome is written to the audit log."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.models import ApiToken, User
from hazardloop.audit.services import record_event

TOKEN_PREFIX = "hl_"  # noqa: S105 - a public marker, not a secret
# Spends the same hashing time for unknown usernames, so timing does not reveal which exist.
_DUMMY_HASH = None


class LoginRefused(Exception):
    """Sign-in refused. `code` is stable for API clients; str(self) is the translated message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _dummy_check(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password("not-a-real-password-0000")
    check_password(password, _DUMMY_HASH)


def authenticate_user(username: str, password: str) -> User:
    """Check a username and password, counting failures.

    After LOGIN_MAX_FAILURES failures in a row the account is locked for LOGIN_LOCK_MINUTES;
    while locked even the right password is refused. Raises LoginRefused.
    """
    username = (username or "").strip()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        _dummy_check(password or "")
        record_event("login.failed", actor_label=username[:150], message="unknown username")
        raise LoginRefused("invalid_credentials", _("Wrong username or password."))
    now = timezone.now()
    if user.locked_until and user.locked_until > now:
        record_event("login.locked", actor=user, obj=user, message="attempt while locked")
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(
            "account_locked",
            _(
                "Too many failed sign-ins: this account is locked. Try again in %(minutes)d "
                "minutes or ask an administrator."
            )
            % {"minutes": minutes},
        )
    if not user.is_active:
        _dummy_check(password or "")
        record_event("login.failed", actor=user, obj=user, message="inactive account")
        raise LoginRefused("invalid_credentials", _("Wrong username or password."))
    if not user.check_password(password or ""):
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            locked = user.failed_logins >= settings.LOGIN_MAX_FAILURES
            if locked:
                user.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
                user.failed_logins = 0
                user.save(update_fields=["locked_until", "failed_logins"])
                record_event("login.locked", actor=user, obj=user, message="locked after failures")
            else:
                record_event("login.failed", actor=user, obj=user, message="wrong password")
        if locked:
            raise LoginRefused(
                "account_locked",
                _("Too many failed sign-ins: this account is locked for %(minutes)d minutes.")
                % {"minutes": settings.LOGIN_LOCK_MINUTES},
            )
        raise LoginRefused("invalid_credentials", _("Wrong username or password."))
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    return user


def record_login(user: User, *, via: str) -> None:
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    record_event("login.succeeded", actor=user, obj=user, message=f"via {via}")


def record_logout(user: User) -> None:
    record_event("logout", actor=user, obj=user)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(user: User, *, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], digest=_digest(raw), hint=raw[:10])
    record_event("api_token.created", actor=actor, obj=token, after={"name": token.name})
    return token, raw


def user_for_token(raw: str) -> User | None:
    """The active user behind an unrevoked token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or token.user.is_locked:
        return None
    now = timezone.now()
    touch = dt.timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or now - token.last_used_at > touch:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user._hl_token = token
    return token.user


def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event("api_token.revoked", actor=actor, obj=token)
    return token


def change_password(user: User, *, actor: User, new_password: str) -> User:
    """Set a password that has passed the validators (the form or API checks them first)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event("password.changed", actor=actor, obj=user)
    return user
