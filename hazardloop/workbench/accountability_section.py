"""The workbench's accountability list: proposals waiting for a regulator's or leader's
decision (confirm or dismiss), oldest first, read through the accountability app's own scope
(`accountability.access.visible_cases` with `accountability.decide`).

Registered in `todo.py` by one call, `register(GROUPS, ACTIONABLE)`, which adds the list to the
office's and the leader's groups and counts it in the menu's to-do count.
"""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hazardloop.accountability.access import DECIDE, visible_cases
from hazardloop.accountability.choices import STATUS_BADGE, CaseStatus
from hazardloop.workbench.items import Action, Item, Section, days_between
from hazardloop.workbench.sections import Ctx, fill

GROUPS_WITH_LIST = ("office", "leader")


def proposals_to_decide(ctx: Ctx) -> Section:
    section = Section(
        "accountability_proposals",
        "office",
        _("Accountability proposals to decide"),
        see_all=reverse("accountability:list") + "?" + urlencode({"status": CaseStatus.PROPOSED}),
        empty=_("No accountability proposal is waiting."),
        hint=_("Open a proposal to confirm or dismiss it."),
        actionable=True,
    )
    qs = (
        visible_cases(ctx.user, DECIDE)
        .filter(status=CaseStatus.PROPOSED)
        .select_related("region")
        .order_by("proposed_at", "pk")
    )

    def item(case) -> Item:
        url = reverse("accountability:detail", args=[case.pk])
        return Item(
            id=case.pk,
            title=case.title,
            url=url,
            unit=case.subject_name,
            since=case.proposed_at,
            since_label=_("proposed"),
            waited_days=days_between(case.proposed_at, ctx.now),
            note=f"{case.region.name} · {case.get_source_kind_display()}",
            badge=case.get_status_display(),
            badge_colour=STATUS_BADGE[CaseStatus.PROPOSED],
            action=Action(_("Confirm or dismiss"), url),
        )

    return fill(section, ctx, qs, item)


def register(groups: list, actionable: set) -> tuple[list, set]:
    """The workbench's GROUPS and ACTIONABLE with this list added to the office's and the
    leader's groups (first in the leader's, after the office's own lists)."""
    out = []
    for key, roles, builders in groups:
        if key == "office":
            builders = (*builders, proposals_to_decide)
        elif key == "leader":
            builders = (proposals_to_decide, *builders)
        out.append((key, roles, builders))
    return out, actionable | {proposals_to_decide}
