"""Who hears about a hazard: the unit's people and the regulators over its region.

The supervision engineer's letters and listings use `notify_unit` / `notify_regulators` too.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import User
from hazardloop.notifications.services import notify
from hazardloop.regions import codes as region_codes

MESSAGES = {
    "ordered": gettext_noop(
        "Rectification ordered for hazard “%(title)s” at %(unit)s, due %(due)s."
    ),
    "due_soon": gettext_noop("Hazard “%(title)s” at %(unit)s is due %(due)s."),
    "overdue": gettext_noop("Hazard “%(title)s” at %(unit)s is overdue since %(due)s."),
    "verified": gettext_noop("Hazard “%(title)s” at %(unit)s passed verification."),
    "rejected": gettext_noop("Hazard “%(title)s” at %(unit)s failed verification: %(reason)s"),
    "extension_approved": gettext_noop(
        "Your extension for hazard “%(title)s” was approved: new deadline %(due)s."
    ),
    "extension_refused": gettext_noop(
        "Your extension for hazard “%(title)s” was refused: %(reason)s"
    ),
    "extension_requested": gettext_noop(
        "%(unit)s asks to extend the deadline of hazard “%(title)s” to %(due)s."
    ),
    "submitted": gettext_noop("%(unit)s submitted the rectification of hazard “%(title)s”."),
    "expert_assigned": gettext_noop(
        "You are assigned as expert on hazard “%(title)s” at %(unit)s (due %(due)s)."
    ),
}


def unit_people(hazard) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__unit_id=hazard.unit_id,
            memberships__is_active=True,
        ).distinct()
    )


def regulators_over(region_code: str, roles=(Role.REGULATOR, Role.INSPECTOR)) -> list[User]:
    """Regulators (and inspectors) whose region is the hazard's or its nearest ancestors."""
    codes = {region_code, *region_codes.ancestor_codes(region_code)}
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role__in=list(roles),
            memberships__region_id__in=sorted(codes),
            memberships__is_active=True,
            memberships__unit__isnull=True,
        ).distinct()
    )


def hazard_params(hazard, **extra) -> dict:
    due = timezone.localtime(hazard.due_at).strftime("%Y-%m-%d") if hazard.due_at else "—"
    return {"title": hazard.title, "unit": hazard.unit.name, "due": due, **extra}


def link(hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def notify_unit(hazard, *, key: str, message: str, params: dict | None = None):
    """Notify the unit's people once about event `key` (message: a gettext_noop string)."""
    return notify(
        unit_people(hazard),
        key=f"hazard:{hazard.pk}:{key}",
        message=message,
        params=params if params is not None else hazard_params(hazard),
        link=link(hazard),
        obj=hazard,
    )


def notify_regulators(hazard, *, key: str, message: str, params: dict | None = None):
    return notify(
        regulators_over(hazard.region_code),
        key=f"hazard:{hazard.pk}:{key}",
        message=message,
        params=params if params is not None else hazard_params(hazard),
        link=link(hazard),
        obj=hazard,
    )


def notify_users(users, hazard, *, key: str, message: str, params: dict | None = None):
    return notify(
        users,
        key=f"hazard:{hazard.pk}:{key}",
        message=message,
        params=params if params is not None else hazard_params(hazard),
        link=link(hazard),
        obj=hazard,
    )
