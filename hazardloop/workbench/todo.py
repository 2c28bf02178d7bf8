"""The workbench of a person: one group of lists per role they hold, and the menu's counts.

A person with several roles sees each role's group. The counts on the menu are the sizes of
the lists that ask the person to act (`Section.actionable`) and their unread notifications;
the to-do count is kept for COUNT_SECONDS per person (and dropped when the workbench acts), so
an ordinary page pays for it at most once a minute; the unread count is one indexed query.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import roles_of
from hazardloop.accounts.choices import Role
from hazardloop.notifications.services import unread_count
from hazardloop.workbench import (
    accountability_section,
    certificates_section,
    duties_section,
    tips_section,
)
from hazardloop.workbench import duty_section as d
from hazardloop.workbench import own_unit as u
from hazardloop.workbench import sections as s
from hazardloop.workbench.accident_section import awaiting_me as accidents_waiting
from hazardloop.workbench.items import COUNT_CAP, Section

COUNT_SECONDS = 60

# Each group: the roles that bring it, and its lists in order.
GROUPS = [
    (
        "office",
        (Role.ADMIN, Role.REGULATOR),
        (s.to_order, s.to_verify, s.due_soon, s.overdue, s.documents, s.extensions,
         s.campaign_tasks, tips_section.tips_to_triage, accidents_waiting),
    ),
    ("inspector", (Role.INSPECTOR,), (s.my_tasks, s.rechecks, s.recent_inspections)),
    ("expert", (Role.EXPERT,), (s.assigned, s.advice_due)),
    (
        "leader",
        (Role.LEADER,),
        (s.lead_tasks, s.led_inspections, lambda ctx: s.headline(ctx, "leader"),
         lambda ctx: s.overdue(ctx, "leader", _("Worst overdue"))),
    ),
    (
        "duty",
        (Role.DUTY_OFFICER,),
        (accidents_waiting, d.my_shift, d.on_duty_now, lambda ctx: s.headline(ctx, "duty"),
         lambda ctx: s.overdue(ctx, "duty", _("Worst overdue"))),
    ),
    (
        "unit",
        (Role.UNIT_MANAGER, Role.UNIT_SAFETY_OFFICER),
        (duties_section.duties_today, u.self_inspection_due, u.unit_hazards, u.latest_inspection,
         certificates_section.certificates_expiring),
    ),
]  # fmt: skip


@dataclass
class Group:
    key: str
    title: str
    sections: list[Section] = field(default_factory=list)


def _groups(user):
    roles = roles_of(user)
    for key, brought_by, builders in GROUPS:
        held = [r for r in brought_by if r in roles]
        if held:
            yield key, str(Role(held[0]).label), builders


def workbench(user, now=None) -> list[Group]:
    """Every list of every role the user holds, filled."""
    ctx = s.Ctx(user, now or timezone.now())
    return [
        Group(key, title, [build(ctx) for build in builders])
        for key, title, builders in _groups(user)
    ]


def todo_count(user, now=None) -> int:
    """How many things the lists ask the user to act on (counted, not listed)."""
    ctx = s.Ctx(user, now or timezone.now(), items=False)
    total = 0
    for _key, _title, builders in _groups(user):
        for build in builders:
            section = build(ctx) if _is_actionable(build) else None
            total += section.count if section else 0
    return total


# The builders whose lists ask the user to act (their Section says so too).
ACTIONABLE = {
    s.to_order,
    s.to_verify,
    s.extensions,
    s.my_tasks,
    s.advice_due,
    s.lead_tasks,
    u.unit_hazards,
    u.self_inspection_due,
    accidents_waiting,
}


GROUPS, ACTIONABLE = accountability_section.register(GROUPS, ACTIONABLE)


def _is_actionable(build) -> bool:
    return build in ACTIONABLE


def _key(user) -> str:
    # With the account's creation time: a reused id (a restored database, tests) never meets
    # another account's count.
    return f"workbench:counts:{user.pk}:{user.date_joined.timestamp()}"


def menu_counts(user) -> dict:
    """{"todo": n, "unread": n} for the menu (the to-do count kept COUNT_SECONDS, at most
    COUNT_CAP + 1: the menu shows "999+" above the cap)."""
    todo = cache.get(_key(user))
    if todo is None:
        todo = min(todo_count(user), COUNT_CAP + 1)
        cache.set(_key(user), todo, COUNT_SECONDS)
    return {"todo": todo, "unread": unread_count(user)}


def forget_counts(user) -> None:
    cache.delete(_key(user))
