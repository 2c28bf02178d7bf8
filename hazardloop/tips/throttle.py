"""The public tip form's rate limit: so many submissions per client address, and so many per
unit, in fixed windows (settings TIP_ADDRESS_LIMIT / _WINDOW_MINUTES, TIP_UNIT_LIMIT /
_WINDOW_MINUTES). It holds per address and per unit, never for the whole site: a thousand
people tipping about a thousand places are never refused because of each other.

Counters are rows (`TipCounter`), shared by every web process; each is one window of one key,
so a count is one indexed UPDATE (or INSERT for the window's first submission).
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hazardloop.core.errors import DomainError


class TooManyTips(DomainError):
    status = 429
    code = "throttled"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, retry_after)


def _window(now: dt.datetime, minutes: int) -> tuple[int, dt.datetime]:
    seconds = max(1, minutes) * 60
    index = int(now.timestamp()) // seconds
    return index, dt.datetime.fromtimestamp((index + 1) * seconds, tz=dt.UTC)


def _hit(key: str, window_end: dt.datetime) -> int:
    """Count one submission under key; the count including it."""
    from hazardloop.tips.models import TipCounter

    if not TipCounter.objects.filter(key=key).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                TipCounter.objects.create(key=key, count=1, window_end=window_end)
            return 1
        except IntegrityError:  # the window's first row was written by a concurrent request
            TipCounter.objects.filter(key=key).update(count=F("count") + 1)
    return TipCounter.objects.filter(key=key).values_list("count", flat=True).first() or 1


def admit(address: str, unit_id: int | None, now: dt.datetime) -> None:
    """Count a submission from `address` (about `unit_id`); TooManyTips when over a limit."""
    address = (address or "unknown")[:64]
    index, end = _window(now, settings.TIP_ADDRESS_WINDOW_MINUTES)
    if _hit(f"a:{address}:{index}", end) > settings.TIP_ADDRESS_LIMIT:
        raise TooManyTips(
            _(
                "You have sent several tips in a short time. Please wait a while and try "
                "again, or call 119 in an emergency."
            ),
            int((end - now).total_seconds()) + 1,
        )
    if unit_id is not None:
        index, end = _window(now, settings.TIP_UNIT_WINDOW_MINUTES)
        if _hit(f"u:{unit_id}:{index}", end) > settings.TIP_UNIT_LIMIT:
            raise TooManyTips(
                _(
                    "This place has received many tips in a short time; the authorities are "
                    "aware. Please try again later, or call 119 in an emergency."
                ),
                int((end - now).total_seconds()) + 1,
            )


def forget_counters_once(now) -> int:
    """Sweep step: delete the counters of windows that have ended."""
    from hazardloop.tips.models import TipCounter

    deleted, _rows = TipCounter.objects.filter(window_end__lt=now).delete()
    return deleted
