"""An inspection's team: who may be named, in which role."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.inspections.choices import UNIT_OWN_MODES, Mode, TeamRole
from hazardloop.regions import codes as region_codes


def _member_id(value):
    """A team member's account id as given, or None; ValueError when it is not an id."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    number = int(value)
    if not 0 < number < 2**63:
        raise ValueError(value)
    return number


def _may_join(memberships, role: str, unit, mode: str) -> bool:
    """A named account takes part only where one of its active roles covers the unit: a
    department role over the unit's region (the leading cadre must be a leader there), or, in a
    self-inspection or patrol, a role in the unit itself."""
    for m in memberships:
        if m.unit_id is not None:
            if mode in UNIT_OWN_MODES and m.unit_id == unit.pk and role != TeamRole.LEADER:
                return True
            continue
        if role == TeamRole.LEADER and m.role != Role.LEADER:
            continue
        if m.role == Role.ADMIN or region_codes.contains(m.region_id, unit.region_id):
            return True
    return False


def _memberships(user_ids: set[int]) -> dict[int, list]:
    """Active memberships of the active accounts among user_ids (two queries in all)."""
    out: dict[int, list] = {}
    people = User.objects.filter(pk__in=user_ids, is_active=True).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(is_active=True))
    )
    for person in people:
        out[person.pk] = list(person.memberships.all())
    return out


def clean_team(mode: str, team: list[dict], errors: list[str], unit=None, actor=None) -> list[dict]:
    """The team as submitted, checked: names and roles, and every named account one that may
    take part at `unit` in its role (problems are appended to `errors`). The submitting
    actor's own scope is checked by the caller; other accounts cost two queries in all."""
    members = []
    for raw in team or []:
        if not isinstance(raw, dict):
            errors.append(_("Each team member needs a name and a role (cadre, expert, leader)."))
            continue
        name = str(raw.get("name") or "").strip()[:50]
        role = str(raw.get("role") or "")
        if not name or role not in TeamRole.values:
            errors.append(_("Each team member needs a name and a role (cadre, expert, leader)."))
            continue
        try:
            user_id = _member_id(raw.get("user_id"))
        except (TypeError, ValueError):
            user_id = None
            errors.append(_("%(name)s: the account given is not valid.") % {"name": name})
        members.append({"name": name, "role": role, "user_id": user_id})
    if unit is not None:
        actor_id = getattr(actor, "pk", None)
        named = {
            m["user_id"]
            for m in members
            if m["user_id"] and not (m["user_id"] == actor_id and m["role"] != TeamRole.LEADER)
        }
        held = _memberships(named) if named else {}
        for m in members:
            if m["user_id"] in named and not _may_join(
                held.get(m["user_id"], []), m["role"], unit, mode
            ):
                errors.append(
                    _("%(name)s cannot take part in an inspection here in that role.")
                    % {"name": m["name"]}
                )
    roles = {m["role"] for m in members}
    if mode == Mode.LEADER_LED and not any(
        m["role"] == TeamRole.LEADER and m["user_id"] for m in members
    ):
        errors.append(_("A leader-led inspection needs the leader (a user) in the team."))
    if mode == Mode.JOINT and not {TeamRole.CADRE, TeamRole.EXPERT} <= roles:
        errors.append(_("A joint inspection needs at least one cadre and one expert."))
    return members
