"""Periodic steps of notifications that read other apps' state (run by `manage.py run_sweeps`)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from hazardloop.accounts.models import SignInCounter, User
from hazardloop.notifications.services import notify

ATTACK_WARNING = gettext_noop(
    "Someone entered a wrong password for your account %(count)s times since %(since)s. "
    "Sign-ins from the addresses involved are blocked or slowed for a while; you can still "
    "sign in, and your sessions and API tokens keep working. If this was not you, tell your "
    "administrator, and change your password if it may be known."
)


def warn_attacked_accounts_once(now: dt.datetime) -> int:
    """Tell the owner of a username the sign-in throttle flagged (once per window: the flag is
    claimed by compare-and-swap, and the notification key names the window)."""
    sent = 0
    for row in SignInCounter.objects.filter(warn_at__isnull=False, key__startswith="username:"):
        if not SignInCounter.objects.filter(pk=row.pk, warn_at=row.warn_at).update(warn_at=None):
            continue  # another sweep took it
        user = User.objects.filter(
            username__iexact=row.key.removeprefix("username:"), is_active=True
        ).first()
        if user is None:
            continue
        since = timezone.localtime(row.window_start).strftime("%Y-%m-%d %H:%M")
        notify(
            [user],
            key=f"signin-attack:{row.window_start.isoformat()}",
            message=ATTACK_WARNING,
            params={"count": row.failures, "since": since},
            obj=user,
        )
        sent += 1
    return sent
