"""The office's list of public tips waiting for an answer, earliest answer deadline first.

Read through `tips.access.visible_tips` with `tip.triage`: only tips the person may answer,
never a unit's own people."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hazardloop.tips.access import visible_tips
from hazardloop.tips.choices import TipStatus
from hazardloop.workbench.items import Action, Item, Section
from hazardloop.workbench.sections import Ctx, fill


def tips_to_triage(ctx: Ctx) -> Section:
    section = Section(
        "tips_to_triage",
        "office",
        _("Public tips to answer"),
        see_all=reverse("tips:list") + "?" + urlencode({"status": TipStatus.RECEIVED}),
        empty=_("No public tip is waiting for an answer."),
        actionable=True,
    )
    qs = (
        visible_tips(ctx.user, "tip.triage")
        .filter(status=TipStatus.RECEIVED)
        .select_related("unit")
        .order_by("due_at", "id")
    )

    def make(tip) -> Item:
        url = reverse("tips:detail", args=[tip.pk])
        late = tip.due_at < ctx.now
        return Item(
            id=tip.pk,
            title=tip.get_category_display(),
            url=url,
            unit=tip.unit.name if tip.unit_id else tip.address,
            due=tip.due_at,
            since=tip.received_at,
            since_label=_("received"),
            waited_days=(ctx.now - tip.received_at).days,
            badge=_("Late") if late else "",
            badge_colour="danger" if late else "secondary",
            late=late,
            action=Action(_("Answer"), url),
        )

    return fill(section, ctx, qs, make)
