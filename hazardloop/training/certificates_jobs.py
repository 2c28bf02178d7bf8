"""Sweep step: remind each unit's manager of certificates about to expire (docs/certificates.md).

`remind_certificates_once(now)`: a certificate whose expiry is within one of
settings.CERTIFICATE_REMIND_DAYS of today (Asia/Shanghai) is announced to the managers of its
holder's unit, once per certificate, expiry date and threshold: the notification's key names all
three, so running the step again never repeats a reminder, and a renewed certificate (a new
expiry date) is reminded again before its new expiry. Only the tightest threshold reached is
sent (a certificate recorded 5 days before expiry gets the 7-day reminder, not also the 30-day
one)."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.notifications.models import Notification
from hazardloop.notifications.services import notify
from hazardloop.training.models import Certificate

MESSAGE = gettext_noop(
    "The certificate no. %(number)s of %(holder)s at %(unit)s expires on %(date)s: renew it in "
    "time."
)
BATCH = 500


def reminder_key(cert: Certificate, days: int) -> str:
    return f"certificate:expiry:{cert.pk}:{cert.expires_on:%Y%m%d}:{days}"


def threshold(expires_on: dt.date, today: dt.date) -> int | None:
    """The tightest reminder threshold `expires_on` has reached, or None."""
    left = (expires_on - today).days
    reached = [d for d in settings.CERTIFICATE_REMIND_DAYS if 0 <= left <= d]
    return min(reached) if reached else None


def remind_certificates_once(now) -> int:
    """Notify the unit managers of certificates expiring within the largest threshold (today
    included, not yet expired), held by staff who have not left. Returns the notifications
    created."""
    if not settings.CERTIFICATE_REMIND_DAYS:
        return 0
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=max(settings.CERTIFICATE_REMIND_DAYS))
    certs = list(
        Certificate.objects.filter(expires_on__gte=today, expires_on__lte=horizon)
        .filter(Q(holder__left_on__isnull=True) | Q(holder__left_on__gt=today))
        .select_related("holder", "holder__unit")
        .order_by("expires_on", "pk")
    )
    sent = 0
    for i in range(0, len(certs), BATCH):
        chunk = certs[i : i + BATCH]
        unit_ids = {c.holder.unit_id for c in chunk}
        managers: dict[int, list] = {}
        for m in Membership.objects.filter(
            unit_id__in=unit_ids, role=Role.UNIT_MANAGER, is_active=True, user__is_active=True
        ).select_related("user"):
            managers.setdefault(m.unit_id, []).append(m.user)
        keys = {c.pk: reminder_key(c, threshold(c.expires_on, today)) for c in chunk}
        people = {u.pk for users in managers.values() for u in users}
        done = set(
            Notification.objects.filter(recipient_id__in=people, key__in=keys.values())
            .values_list("recipient_id", "key")
        )  # fmt: skip
        for cert in chunk:
            unit = cert.holder.unit
            to = [u for u in managers.get(unit.pk, []) if (u.pk, keys[cert.pk]) not in done]
            if not to:
                continue
            sent += len(
                notify(
                    to,
                    key=keys[cert.pk],
                    message=MESSAGE,
                    params={
                        "number": cert.number,
                        "holder": cert.holder.name,
                        "unit": unit.name,
                        "date": cert.expires_on.isoformat(),
                    },
                    link=reverse("certificates:unit", args=[unit.pk]),
                    obj=cert,
                    region_code=unit.region_id,
                )
            )
    return sent
