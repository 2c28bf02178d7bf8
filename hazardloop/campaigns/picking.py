"""What a campaign's forms let the user pick (core/picking.py's search picker): the regions of a
campaign's scope, its checklists, the inspectors a task list is assigned to and a task force's
members. Each `…_choices(user, …)` is the one rule: the picker's endpoint searches it and the
form or service checks every submitted value against it again."""

from django.db.models import Q
from django.utils.translation import gettext as _

from hazardloop.accounts.access import scope_for
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.campaigns.assigning import assignable_inspectors, inspecting_roles, office_people
from hazardloop.checklists.access import usable_templates
from hazardloop.core.picking import SHOWN, Option
from hazardloop.regions.models import Region, subtree_filter

# Who may sit on a task force: the office roles whose people inspect, advise or lead.
MEMBER_ROLES = (Role.INSPECTOR, Role.EXPERT, Role.LEADER, Role.REGULATOR)


# --- regions ---------------------------------------------------------------------------------


def region_choices(user):
    """Regions (any level) inside the user's campaign.manage scope."""
    scope = scope_for(user, "campaign.manage")
    if scope.everything:
        return Region.objects.all()
    if not scope.prefixes:
        return Region.objects.none()
    return Region.objects.filter(scope.q("code", None))


def region_options(regions) -> list[Option]:
    regions = list(regions)
    parents = Region.objects.in_bulk({r.parent_id for r in regions if r.parent_id})
    return [
        Option(r.code, r.name, parents[r.parent_id].name if r.parent_id in parents else "")
        for r in regions
    ]


def search_regions(user, query: str, picked=()) -> tuple[list[Option], list[Option]]:
    qs = region_choices(user)
    chosen = region_options(qs.filter(code__in=list(picked)).order_by("code")) if picked else []
    matches = []
    if query:
        match = Q(name_zh__icontains=query) | Q(name_en__icontains=query)
        if query.isdigit():
            match |= Q(code__startswith=query)
        matches = region_options(qs.filter(match).order_by("code")[: SHOWN + 1])
    return chosen, matches


# --- checklists ------------------------------------------------------------------------------


def checklist_options(templates) -> list[Option]:
    names = Region.objects.in_bulk({t.region_code for t in templates if t.region_code})
    return [
        Option(
            str(t.pk),
            t.title,
            names[t.region_code].name if t.region_code in names else _("province-wide"),
        )
        for t in templates
    ]


def search_checklists(user, query: str, picked=()) -> tuple[list[Option], list[Option]]:
    qs = usable_templates(user)
    ids = [int(v) for v in picked if str(v).isdigit() and len(str(v)) < 19]
    chosen = checklist_options(list(qs.filter(pk__in=ids))) if ids else []
    matches = []
    if query:
        match = Q(title_zh__icontains=query) | Q(title_en__icontains=query)
        matches = checklist_options(list(qs.filter(match).order_by("title_zh", "pk")[: SHOWN + 1]))
    return chosen, matches


def unusable_checklists(user, refs) -> list[str]:
    """The checklist references (ids or codes, as the API takes them) the user may not use."""
    refs = [str(r).strip() for r in refs if str(r).strip()]
    usable = usable_templates(user)
    ids = {
        str(pk)
        for pk in usable.filter(
            pk__in=[int(r) for r in refs if r.isdigit() and len(r) < 19]
        ).values_list("pk", flat=True)
    }
    codes = set(usable.filter(code__in=refs).values_list("code", flat=True))
    return [r for r in refs if r not in ids and r not in codes]


# --- people ----------------------------------------------------------------------------------


def member_choices(user, campaign):
    """Active people with an active office role of MEMBER_ROLES in the campaign's region (or
    below), inside the user's own campaign.manage scope."""
    return office_people(
        user, MEMBER_ROLES, subtree_filter("memberships__region", campaign.region.prefix)
    )


def person_options(people, roles=None) -> list[Option]:
    """Each person with their office roles and regions (one query for the whole list)."""
    people = list(people)
    seen: dict[int, list[str]] = {p.pk: [] for p in people}
    memberships = Membership.objects.filter(
        user__in=people, is_active=True, unit__isnull=True
    ).select_related("region")
    if roles:
        memberships = memberships.filter(role__in=roles)
    for m in memberships.order_by("pk"):
        text = f"{m.get_role_display()} · {m.region.name}" if m.region else m.get_role_display()
        if text not in seen[m.user_id]:
            seen[m.user_id].append(text)
    return [Option(str(p.pk), str(p), "; ".join(seen[p.pk][:2])) for p in people]


def _people_search(qs, query: str, picked, roles):
    ids = [int(v) for v in picked if str(v).isdigit() and len(str(v)) < 19]
    chosen = person_options(qs.filter(pk__in=ids), roles) if ids else []
    matches = []
    if query:
        match = (
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(phone__icontains=query)
        )
        matches = person_options(qs.filter(match)[: SHOWN + 1], roles)
    return chosen, matches


def search_inspectors(user, query: str, picked=()):
    return _people_search(assignable_inspectors(user), query, picked, inspecting_roles())


def search_members(user, campaign, query: str, picked=()):
    return _people_search(member_choices(user, campaign), query, picked, MEMBER_ROLES)
