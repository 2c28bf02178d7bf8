"""Who hears about a hazard: the unit's people and the regulators who must act.

Routine events (a rectification submitted, an extension asked for) go to the level that acts
on them: the regulators and inspectors of the hazard's own region (its county office, or a
township's), else the nearest level above that has any (`acting_regulators`). The levels
above hear of them once a day in a digest (`jobs.notify_digest_once`), not one notice each.
The supervision ladder's letters and listings address `regulators_over` (every level).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.notifications.services import Notice, notify, send, unit_notice
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
    "digest": gettext_noop(
        "%(day)s in %(region)s: %(submitted)s rectifications submitted and %(extensions)s "
        "extensions requested, handled by the county offices."
    ),
    "expert_assigned": gettext_noop(
        "You are assigned as expert on hazard “%(title)s” at %(unit)s (due %(due)s)."
    ),
}


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


ROUTINE_ROLES = (Role.REGULATOR, Role.INSPECTOR)


def acting_regulators(region_code: str, roles=ROUTINE_ROLES) -> list[User]:
    """The regulators and inspectors of the nearest level that has any: the region's own
    office (a county's, or a township's), else its parent's, up to the province."""
    codes = {region_code, *region_codes.ancestor_codes(region_code)}
    rows = list(
        Membership.objects.filter(
            role__in=list(roles),
            region_id__in=sorted(codes),
            is_active=True,
            unit__isnull=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    if not rows:
        return []
    deepest = max(len(region_codes.prefix(m.region_id)) for m in rows)
    users = {m.user_id: m.user for m in rows if len(region_codes.prefix(m.region_id)) == deepest}
    return list(users.values())


def hazard_params(hazard, **extra) -> dict:
    due = timezone.localtime(hazard.due_at).strftime("%Y-%m-%d") if hazard.due_at else "—"
    return {"title": hazard.title, "unit": hazard.unit.name, "due": due, **extra}


def link(hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def notify_unit(hazard, *, key: str, message: str, params: dict | None = None):
    """Notify the unit's people once about event `key` (message: a gettext_noop string)."""
    return send(to_unit(hazard, key=key, message=message, params=params))


def to_unit(hazard, *, key: str, message: str, params: dict | None = None) -> Notice:
    """`notify_unit` built but not yet written, for a workflow step to send with its
    compare-and-swap (`workflow.apply(notice=…)`): read from the hazard as the step leaves
    it."""
    return unit_notice(
        hazard.unit_id,
        key=f"hazard:{hazard.pk}:{key}",
        message=message,
        params=params if params is not None else hazard_params(hazard),
        link=link(hazard),
        obj=hazard,
    )


def notify_regulators(hazard, *, key: str, message: str, params: dict | None = None):
    """A routine notice to the level that acts on it (the levels above get the digest)."""
    return notify(
        acting_regulators(hazard.region_code),
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
