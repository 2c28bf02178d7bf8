"""A unit's own people's lists: their open hazards with what the regulator asked, their latest
inspections, and the self-inspections a campaign asked of them."""

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hazardloop.accounts.access import memberships_of, scope_for
from hazardloop.accounts.choices import UNIT_ROLES
from hazardloop.campaigns.choices import CampaignStatus
from hazardloop.campaigns.models import SelfInspectionInvite
from hazardloop.hazards.choices import Status
from hazardloop.hazards.workflow import unit_self_closes
from hazardloop.inspections.choices import Mode
from hazardloop.inspections.models import Inspection
from hazardloop.workbench.items import Action, Item, Section, ledger_url
from hazardloop.workbench.sections import (
    Ctx,
    fill,
    hazard_item,
    hazard_url,
    hazards_of,
    inspections_section,
)


def own_unit_ids(user) -> list[int]:
    return sorted({m.unit_id for m in memberships_of(user) if m.unit_id and m.role in UNIT_ROLES})


def unit_hazards(ctx: Ctx) -> Section:
    """My unit's open hazards: deadline first, with what the regulator asked."""
    units = own_unit_ids(ctx.user)
    section = Section(
        "unit_hazards",
        "unit",
        _("My open hazards"),
        see_all=ledger_url(status="open", unit=units[0] if len(units) == 1 else None),
        empty=_("Your unit has no open hazard."),
        actionable=True,
    )
    qs = (
        hazards_of(ctx.user)
        .open()
        .filter(unit_id__in=units)
        .order_by(F("due_at").asc(nulls_last=True), "found_at", "id")
    )
    labels = {
        Status.FOUND: _("Waiting for the regulator's order"),
        Status.ORDERED: _("Start rectification"),
        Status.RECTIFYING: _("Submit rectification"),
        Status.SUBMITTED: _("Waiting for the re-check"),
    }

    if not ctx.items:  # the menu counts what the unit itself must do: start or submit
        qs = qs.filter(status__in=[Status.ORDERED, Status.RECTIFYING])

    def make(h):
        step = labels[Status(h.status)]
        acts = h.status in (Status.ORDERED, Status.RECTIFYING)
        if h.status == Status.FOUND and unit_self_closes(ctx.user, "order", h):
            # A general hazard the unit found itself: it sets its own deadline (workflow).
            step, acts = _("Set your own deadline"), True
        return hazard_item(
            h,
            ctx,
            # What the regulator asked; while it waits for the regulator, that it waits.
            note=h.measures or ("" if acts else step),
            action=Action(step, hazard_url(h)) if acts else None,
            badge=h.get_status_display(),
            badge_colour="danger" if h.is_overdue(ctx.now) else "primary",
        )

    return fill(section, ctx, qs, make)


def latest_inspection(ctx: Ctx) -> Section:
    units = own_unit_ids(ctx.user)
    section = Section(
        "latest_inspection",
        "unit",
        _("Latest inspections of my unit"),
        see_all=reverse("inspections:list"),
        empty=_("Your unit has not been inspected yet."),
    )
    return inspections_section(section, ctx, Q(unit_id__in=units))


def self_inspection_due(ctx: Ctx) -> Section:
    """Campaign invitations to self-inspect that my unit has not answered yet."""
    units = own_unit_ids(ctx.user)
    section = Section(
        "self_inspection_due",
        "unit",
        _("Self-inspection due"),
        empty=_("No self-inspection is asked of your unit now."),
        actionable=True,
    )
    answered = Inspection.objects.filter(
        unit=OuterRef("unit"),
        mode=Mode.SELF_INSPECTION,
        received_at__gte=OuterRef("invited_at"),
    )
    qs = (
        scope_for(ctx.user, "campaign.view")
        .filter(
            SelfInspectionInvite.objects.filter(
                unit_id__in=units, campaign__status=CampaignStatus.ACTIVE
            ),
            "region_code",
            "unit",
        )
        .filter(~Exists(answered))
        .select_related("unit", "campaign")
        .order_by("due_on", "id")
    )

    def make(invite):
        url = reverse("inspections:new") + "?" + urlencode(
            {"u": invite.unit.public_id, "campaign": invite.campaign_id,
             "mode": Mode.SELF_INSPECTION}
        )  # fmt: skip
        return Item(
            id=invite.pk,
            title=invite.campaign.title,
            url=url,
            unit=invite.unit.name,
            due=invite.due_on,
            since=invite.invited_at,
            since_label=_("invited"),
            late=invite.due_on < ctx.today,
            action=Action(_("Start the self-inspection"), url),
        )

    return fill(section, ctx, qs, make)
