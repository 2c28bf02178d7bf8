"""The sign-in throttle: refuse floods before any password is hashed, lock a username only for
the address that guesses it, slow down (never lock) a username attacked from many addresses.

Counters live in `SignInCounter` rows (shared by every web process). The order of the checks in
`admit` is the order of their cost to an attacker: the whole site per minute, one address per
minute, one username from one address (locked after LOGIN_MAX_FAILURES failures in a row for
LOGIN_LOCK_MINUTES), one username from anywhere (after LOGIN_SLOWDOWN_AFTER failures within
LOGIN_LOCK_MINUTES, one attempt per LOGIN_SLOWDOWN_SECONDS). A refused attempt hashes nothing and
writes no audit row of its own: `refused` is summarised by `summarise_refusals_once`. A lockout
never touches the account itself, so the owner's API tokens and sessions keep working.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from hazardloop.accounts.models import SignInCounter
from hazardloop.audit.services import record_event

MINUTE = dt.timedelta(minutes=1)


class Refusal(Exception):
    """A sign-in refused by the throttle; `code` is stable, str() is translated."""

    def __init__(self, code: str, message: str, retry_after: int):
        super().__init__(message)
        self.code = code
        self.retry_after = max(1, retry_after)


def keys(username: str, address: str) -> dict[str, str]:
    name = (username or "").strip().lower()[:150]
    address = (address or "unknown")[:64]
    return {
        "global": "global",
        "address": f"address:{address}",
        "pair": f"pair:{name}|{address}",
        "username": f"username:{name}",
    }


def _lock_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _row(key: str, now) -> SignInCounter:
    try:
        with transaction.atomic():
            row, _created = SignInCounter.objects.get_or_create(
                key=key, defaults={"window_start": now}
            )
    except IntegrityError:  # created by a concurrent attempt
        row = SignInCounter.objects.get(key=key)
    return row


def _add(key: str, now, window: dt.timedelta | None, **increments) -> SignInCounter:
    """Add to the counters of `key`, starting a new window first when the current one ended."""
    row = _row(key, now)
    if window is not None and now - row.window_start >= window:
        SignInCounter.objects.filter(pk=row.pk, window_start=row.window_start).update(
            window_start=now, attempts=0, failures=0
        )
    SignInCounter.objects.filter(pk=row.pk).update(
        **{name: F(name) + n for name, n in increments.items()}
    )
    row.refresh_from_db()
    return row


def _refuse(row: SignInCounter, now, code: str, message: str, until) -> Refusal:
    SignInCounter.objects.filter(pk=row.pk).update(
        refused=F("refused") + 1, refused_since=Coalesce("refused_since", now)
    )
    return Refusal(code, message, int((until - now).total_seconds()) + 1)


def admit(username: str, address: str, now) -> None:
    """Raise Refusal when this attempt must not reach the password check; else count it."""
    k = keys(username, address)
    rows = {r.key: r for r in SignInCounter.objects.filter(key__in=k.values())}

    def in_window(row, window):
        return row is not None and now - row.window_start < window

    site = rows.get(k["global"])
    if in_window(site, MINUTE) and site.attempts >= settings.LOGIN_GLOBAL_PER_MINUTE:
        raise _refuse(
            site,
            now,
            "throttled",
            _("Too many sign-in attempts on the site right now. Try again in a minute."),
            site.window_start + MINUTE,
        )
    here = rows.get(k["address"])
    if in_window(here, MINUTE) and here.attempts >= settings.LOGIN_ADDRESS_PER_MINUTE:
        raise _refuse(
            here,
            now,
            "throttled",
            _("Too many sign-in attempts from your address. Try again in a minute."),
            here.window_start + MINUTE,
        )
    pair = rows.get(k["pair"])
    if pair is not None and pair.locked_until and pair.locked_until > now:
        minutes = int((pair.locked_until - now).total_seconds() // 60) + 1
        raise _refuse(
            pair,
            now,
            "account_locked",
            _(
                "Too many failed sign-ins: signing in to this account from your address is "
                "locked. Try again in %(minutes)d minutes or ask an administrator."
            )
            % {"minutes": minutes},
            pair.locked_until,
        )
    name = rows.get(k["username"])
    if name is not None and name.next_allowed_at and name.next_allowed_at > now:
        seconds = int((name.next_allowed_at - now).total_seconds()) + 1
        raise _refuse(
            name,
            now,
            "throttled",
            _(
                "This account is receiving many wrong passwords: wait %(seconds)d seconds and "
                "try again."
            )
            % {"seconds": seconds},
            name.next_allowed_at,
        )
    _add(k["global"], now, MINUTE, attempts=1)
    _add(k["address"], now, MINUTE, attempts=1)


def failed(username: str, address: str, now, *, user=None) -> bool:
    """Count a wrong password. True when this failure locked the (username, address) pair."""
    k = keys(username, address)
    pair = _add(k["pair"], now, None, failures=1)
    locked = pair.failures >= settings.LOGIN_MAX_FAILURES
    if locked:
        SignInCounter.objects.filter(pk=pair.pk).update(
            locked_until=now + _lock_window(), failures=0
        )
        record_event(
            "login.locked",
            actor=user,
            obj=user,
            actor_label="" if user else username[:150],
            message=f"locked for this address after {settings.LOGIN_MAX_FAILURES} failures",
        )
    name = _add(k["username"], now, _lock_window(), failures=1)
    slowed = name.failures >= settings.LOGIN_SLOWDOWN_AFTER
    changes = {}
    if slowed:
        changes["next_allowed_at"] = now + dt.timedelta(seconds=settings.LOGIN_SLOWDOWN_SECONDS)
    if user is not None and (locked or slowed) and name.warned_window != name.window_start:
        # The owner hears once per window that someone is guessing (see notify_attacked_once).
        changes.update(warn_at=now, warned_window=name.window_start)
    if changes:
        SignInCounter.objects.filter(pk=name.pk).update(**changes)
    return locked


def succeeded(username: str, address: str) -> None:
    """A right password from this address: its run of failures is over."""
    SignInCounter.objects.filter(key=keys(username, address)["pair"]).delete()


def summarise_refusals_once(now) -> int:
    """One audit event per counter whose refused attempts have waited a minute, instead of one
    row per refused attempt; then forget counters nobody has used for a day."""
    written = 0
    for row in SignInCounter.objects.filter(refused__gt=0, refused_since__lte=now - MINUTE):
        count, since = row.refused, row.refused_since
        claimed = SignInCounter.objects.filter(pk=row.pk, refused=count).update(
            refused=0, refused_since=None
        )
        if claimed:
            record_event(
                "login.throttled",
                actor_label=row.key[:150],
                message=f"{count} sign-in attempts refused since {since.isoformat()}",
                after={"key": row.key, "refused": count, "since": since.isoformat()},
            )
            written += 1
    stale = now - dt.timedelta(days=1)
    SignInCounter.objects.filter(window_start__lt=stale, refused=0, warn_at__isnull=True).exclude(
        locked_until__gt=now
    ).delete()
    return written
