"""Signing in and out, lockout, and API tokens. Every outcome is written to the audit log."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts import throttle
from hazardloop.accounts.models import ApiToken, User
from hazardloop.audit.services import record_event
from hazardloop.core.prepared import Prepared
from hazardloop.core.request_context import current_request_meta

TOKEN_PREFIX = "hl_"  # noqa: S105 - a public marker, not a secret
# Spends the same hashing time for unknown usernames, so timing does not reveal which exist.
_DUMMY_HASH = None


class LoginRefused(Exception):
    """Sign-in refused. `code` is stable for API clients; str(self) is the translated message;
    `retry_after` (seconds) is set when waiting helps."""

    def __init__(self, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


def _dummy_check(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password("not-a-real-password-0000")
    check_password(password, _DUMMY_HASH)


def authenticate_user(username: str, password: str, *, address: str | None = None) -> User:
    """Check a username and password from a client address (default: the current request's).

    The throttle (`accounts/throttle.py`) refuses floods before any hashing and locks only the
    (username, address) pair after LOGIN_MAX_FAILURES failures in a row; the account itself is
    never locked, so its owner signs in from elsewhere and keeps their API tokens. Raises
    LoginRefused (code `invalid_credentials`, `account_locked` or `throttled`).
    """
    username = (username or "").strip()
    if address is None:
        address = current_request_meta().get("ip", "")
    now = timezone.now()
    try:
        throttle.admit(username, address, now)
    except throttle.Refusal as refusal:
        raise LoginRefused(refusal.code, str(refusal), retry_after=refusal.retry_after) from None
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        _dummy_check(password or "")
        throttle.failed(username, address, now)
        if user is None:
            record_event("login.failed", actor_label=username[:150], message="unknown username")
        else:
            record_event("login.failed", actor=user, obj=user, message="inactive account")
        raise LoginRefused("invalid_credentials", _("Wrong username or password."))
    if not user.check_password(password or ""):
        record_event("login.failed", actor=user, obj=user, message="wrong password")
        if throttle.failed(username, address, now, user=user):
            raise LoginRefused(
                "account_locked",
                _(
                    "Too many failed sign-ins: signing in to this account from your address is "
                    "locked for %(minutes)d minutes."
                )
                % {"minutes": settings.LOGIN_LOCK_MINUTES},
                retry_after=settings.LOGIN_LOCK_MINUTES * 60,
            )
        raise LoginRefused("invalid_credentials", _("Wrong username or password."))
    throttle.succeeded(username, address)
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
    expires_at = timezone.now() + dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    token = ApiToken.objects.create(
        user=user, name=name[:100], digest=_digest(raw), hint=raw[:10], expires_at=expires_at
    )
    record_event("api_token.created", actor=actor, obj=token, after={"name": token.name})
    return token, raw


# Compiled once (core/prepared.py): every API request asks.
_LIVE_TOKEN = Prepared(
    lambda digest: ApiToken.objects.select_related("user").filter(
        digest=digest, revoked_at__isnull=True
    )[:1]
)


def user_for_token(raw: str) -> User | None:
    """The active user behind a token that is not revoked, expired or idle too long, or None.

    (Its memberships are read by `access.memberships_of`, by user id: asking them by the
    token's digest in the same round trip was measured slower — a five-table join to plan.)"""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    found = _LIVE_TOKEN(_digest(raw))
    token = found[0] if found else None
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    idle = dt.timedelta(days=settings.API_TOKEN_IDLE_DAYS)
    if now - (token.last_used_at or token.created_at) > idle:
        return None
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
    """Set a password that has passed the validators (the form or API checks them first), and
    revoke every API token of the user: a token must not outlive the password it came from.
    A temporary password is thereby replaced (`must_change_password` cleared)."""
    now = timezone.now()
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        record_event("password.changed", actor=actor, obj=user, after={"tokens_revoked": revoked})
    return user
