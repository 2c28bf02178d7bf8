"""My unit's certificates expiring soon (within CERTIFICATE_EXPIRING_DAYS) or expired, of staff
who still work there, one tap from renewing."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hazardloop.accounts.access import scope_for
from hazardloop.training import certificates as access
from hazardloop.training.certificates_choices import STATE_BADGE, CertState
from hazardloop.workbench.items import Action, Item, Section
from hazardloop.workbench.own_unit import own_unit_ids
from hazardloop.workbench.sections import Ctx, fill


def certificates_expiring(ctx: Ctx) -> Section:
    ids = own_unit_ids(ctx.user)
    section = Section(
        "certificates_expiring",
        "unit",
        _("Certificates expiring soon"),
        see_all=reverse("certificates:unit", args=[ids[0]]) if len(ids) == 1 else "",
        empty=_("No certificate expires within the next weeks."),
        # Not on the menu's to-do count: the reminder sweep tells the manager in time.
        actionable=False,
    )
    qs = access.expiring(access.visible_certificates(ctx.user), ctx.today).filter(
        holder__unit_id__in=ids
    )
    may_renew = scope_for(ctx.user, "certificate.manage")

    def make(cert):
        state = CertState(access.state_of(cert, ctx.today))
        unit = cert.holder.unit
        renew = None
        if may_renew.covers(unit.region_id, unit.pk):
            renew = Action(_("Renew"), reverse("certificates:renew", args=[cert.pk]))
        return Item(
            id=cert.pk,
            title=f"{cert.holder.name} · {cert.get_kind_display()}",
            url=reverse("certificates:unit", args=[unit.pk]),
            unit=unit.name,
            due=cert.expires_on,
            note=cert.number,
            badge=str(state.label),
            badge_colour=STATE_BADGE[state],
            late=state == CertState.EXPIRED,
            action=renew,
        )

    return fill(section, ctx, qs, make)
