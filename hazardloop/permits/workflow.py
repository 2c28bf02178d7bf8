"""The permit's transition table, who may take each action, and the one compare-and-swap.

`ACTIONS` names every action once: its permission, the statuses it starts from, the status it
leads to (None: the status stays) and the event it writes. `apply()` moves a permit only if
its (status, version) are still the ones read — otherwise `PermitChanged`, nothing written —
and appends one `PermitEvent` and its audit event, in the caller's transaction.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazardloop.accounts.access import belongs_to_unit, can, memberships_of
from hazardloop.accounts.choices import Role
from hazardloop.accounts.permissions import ROLE_RANK
from hazardloop.audit.services import record_event
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.permits import config
from hazardloop.permits.choices import EventKind, PermitStatus
from hazardloop.permits.models import HotWorkPermit, PermitEvent


class PermitChanged(Conflict):
    code = "changed"

    def __init__(self):
        super().__init__(_("This permit changed meanwhile. Reload it and try again."))


class NotAllowedNow(Conflict):
    code = "not_allowed_now"


class UnknownAction(DomainError):
    code = "unknown_action"


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    perm: str | None  # None: the system's (the validity sweep)
    sources: tuple[str, ...]
    target: str | None
    event: str
    # The unit's own people act (apply, approve); the authorities check from outside.
    unit_side: bool = True


S = PermitStatus
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", gettext_lazy("Submit for approval"), "permit.apply",
               (S.DRAFT,), S.SUBMITTED, EventKind.SUBMITTED),
        Action("approve", gettext_lazy("Approve"), "permit.approve",
               (S.SUBMITTED,), S.APPROVED, EventKind.APPROVED),
        Action("refuse", gettext_lazy("Refuse"), "permit.approve",
               (S.SUBMITTED,), S.REFUSED, EventKind.REFUSED),
        Action("gas_test", gettext_lazy("Record a gas test"), "permit.apply",
               (S.DRAFT, S.SUBMITTED, S.APPROVED, S.ACTIVE), None, EventKind.GAS_TEST),
        Action("start", gettext_lazy("Start the work"), "permit.apply",
               (S.APPROVED,), S.ACTIVE, EventKind.STARTED),
        Action("interrupt", gettext_lazy("Interrupt the work"), "permit.apply",
               (S.ACTIVE,), S.APPROVED, EventKind.INTERRUPTED),
        Action("close", gettext_lazy("Close after the after-check"), "permit.apply",
               (S.ACTIVE,), S.CLOSED, EventKind.CLOSED),
        Action("cancel", gettext_lazy("Cancel the permit"), "permit.apply",
               (S.DRAFT, S.SUBMITTED, S.APPROVED), S.CANCELLED, EventKind.CANCELLED),
        Action("site_check", gettext_lazy("Record a check on site"), "permit.check",
               (S.SUBMITTED, S.APPROVED, S.ACTIVE, S.CLOSED, S.EXPIRED), None,
               EventKind.SITE_CHECK, unit_side=False),
        Action("expire", "", None, (S.DRAFT, S.SUBMITTED, S.APPROVED, S.ACTIVE), S.EXPIRED,
               EventKind.EXPIRED),
    ]
}  # fmt: skip
USER_ACTIONS = tuple(name for name, a in ACTIONS.items() if a.perm)


def user_action(name: str) -> Action:
    spec = ACTIONS.get(name)
    if spec is None or spec.perm is None:
        raise UnknownAction(_("Unknown action."))
    return spec


def _unit_rank(user, unit_id: int) -> int:
    ranks = [ROLE_RANK[m.role] for m in memberships_of(user) if m.unit_id == unit_id]
    return max(ranks, default=0)


def approval_refusal(user, permit: HotWorkPermit) -> str | None:
    """Why this user may not sign the permit's next approval step (a sentence), or None."""
    steps = config.approval_steps(permit.grade)
    done = permit.approvals or []
    if permit.applicant_id == user.pk:
        return _("The person who applied for the permit may not approve it.")
    if any(a.get("user") == user.pk for a in done):
        return _("You have signed this permit already: another person signs the next step.")
    role = steps[min(len(done), len(steps) - 1)]
    if _unit_rank(user, permit.unit_id) < ROLE_RANK[role]:
        return _("A %(grade)s permit is signed at this step by the unit's %(role)s.") % {
            "grade": permit.get_grade_display(),
            "role": Role(role).label,
        }
    return None


def refusal(user, action: str, permit: HotWorkPermit) -> str | None:
    """Why the user may not take the action now (a sentence), or None. PermissionDenied when
    their role does not allow it on this permit at all."""
    spec = user_action(action)
    if not can(user, spec.perm, region_code=permit.region_code, unit_id=permit.unit_id):
        raise PermissionDenied(_("Your role does not allow this action here."))
    own = belongs_to_unit(user, permit.unit_id)
    if spec.unit_side and not own:
        raise PermissionDenied(_("Only the unit's own people apply for and approve its permits."))
    if not spec.unit_side and own:
        raise PermissionDenied(_("You hold a role in this unit, so you cannot check its permit."))
    if permit.status not in spec.sources:
        return _("This is not possible while the permit is “%(status)s”.") % {
            "status": permit.get_status_display()
        }
    if action in ("approve", "refuse"):
        return approval_refusal(user, permit)
    return None


def check(user, action: str, permit: HotWorkPermit) -> None:
    try:
        reason = refusal(user, action, permit)
    except PermissionDenied as denied:
        record_event(
            "access.denied", actor=user, obj=permit, message=f"permit.{action} refused: {denied}"
        )
        raise
    if reason:
        raise NotAllowedNow(reason)


def available_actions(user, permit: HotWorkPermit) -> list[Action]:
    out = []
    for name in USER_ACTIONS:
        if permit.status not in ACTIONS[name].sources:
            continue
        try:
            if refusal(user, name, permit) is None:
                out.append(ACTIONS[name])
        except PermissionDenied:
            continue
    return out


def apply(
    permit: HotWorkPermit,
    action: str,
    *,
    actor,
    now,
    note: str = "",
    data: dict | None = None,
    changes: dict | None = None,
    target: str | None = None,
) -> PermitEvent:
    """Compare-and-swap the permit from its (status, version) and append the event. `target`
    overrides the table's (an approval step that is not the last keeps the status; a failed
    approval is a refusal)."""
    spec = ACTIONS[action]
    if permit.status not in spec.sources:
        raise NotAllowedNow(
            _("This is not possible while the permit is “%(status)s”.")
            % {"status": permit.get_status_display()}
        )
    before = permit.status
    after = target or spec.target or before
    changes = dict(changes or {})
    updated = HotWorkPermit.objects.filter(
        pk=permit.pk, version=permit.version, status=before
    ).update(status=after, version=F("version") + 1, **changes)
    if not updated:
        raise PermitChanged()
    for name, value in changes.items():
        setattr(permit, name, value)
    permit.status = after
    permit.version += 1
    kind = spec.event
    if action == "approve" and after == S.REFUSED:
        kind = EventKind.REFUSED
    elif action == "approve" and after == before:
        kind = EventKind.SIGNED
    event = PermitEvent.objects.create(
        permit=permit,
        kind=kind,
        from_status=before,
        to_status=after,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        note=note[:1000],
        data=data or {},
    )
    record_event(
        f"permit.{action}",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label="" if getattr(actor, "is_authenticated", False) else "system",
        obj=permit,
        message=note[:500],
        before={"status": before},
        after={"status": after, **(data or {})},
    )
    return event
