"""The duty officer's lists on the workbench: my current or next shift (with its check-in), the
handovers waiting for me, and who is on duty now in my region (duty.queries.on_duty)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hazardloop.accounts.access import memberships_of, scope_for
from hazardloop.duty.models import Assignment, Handover, LeaderDay
from hazardloop.duty.queries import on_duty
from hazardloop.workbench.items import Action, Item, Section

# A shift that ended this long ago still asks for its handover.
HANDOVER_HOURS = 12


def _span(start, end) -> str:
    a, b = timezone.localtime(start), timezone.localtime(end)
    end_format = "H:i" if a.date() == b.date() else "m-d H:i"
    return f"{date_format(a, 'm-d H:i')}–{date_format(b, end_format)}"


def my_shift(ctx) -> Section:
    """My shift now (or the next one), its check-in, and the handovers I must write or
    confirm."""
    section = Section(
        "my_shift",
        "duty",
        _("My duty"),
        see_all=reverse("duty:mine"),
        empty=_("You are on no shift in the coming days."),
    )
    if not ctx.items:
        return section
    user, now = ctx.user, ctx.now
    mine = list(
        Assignment.objects.filter(user=user, ends_at__gt=now - dt.timedelta(hours=HANDOVER_HOURS))
        .select_related("shift__roster__department", "shift__handover")
        .order_by("starts_at")[:3]
    )
    items = []
    current = next((a for a in mine if a.starts_at <= now < a.ends_at), None)
    upcoming = next((a for a in mine if a.starts_at > now), None)
    for a, label in ((current, _("On duty now")), (upcoming, _("Next shift"))):
        if a is None:
            continue
        shift = a.shift
        early = dt.timedelta(minutes=_early())
        can_check_in = not a.checked_in_at and shift.starts_at - early <= now < shift.ends_at
        note = str(shift.roster.department)
        if a.checked_in_at:
            note += " · " + (_("Checked in late") if a.check_in_late else _("Checked in"))
        items.append(
            Item(
                id=shift.pk,
                title=_("%(label)s: %(span)s")
                % {"label": label, "span": _span(shift.starts_at, shift.ends_at)},
                url=reverse("duty:shift", args=[shift.pk]),
                note=note,
                late=bool(current is a and not a.checked_in_at),
                action=Action(
                    _("Check in"), reverse("duty:check_in", args=[shift.pk]), "post", "check_in"
                )
                if can_check_in
                else None,
            )
        )
    # The handover the previous shift wrote for my current shift, not yet confirmed.
    if current is not None:
        incoming = (
            Handover.objects.filter(
                shift__roster_id=current.shift.roster_id,
                shift__ends_at=current.starts_at,
                confirmed_at__isnull=True,
            )
            .exclude(written_by=user)
            .first()
        )
        if incoming:
            items.append(
                Item(
                    id=incoming.shift_id,
                    title=_("Handover to confirm"),
                    url=reverse("duty:shift", args=[current.shift_id]),
                    note=incoming.note[:80],
                    late=True,
                    action=Action(_("Open"), reverse("duty:shift", args=[current.shift_id])),
                )
            )
    # My shift that ended (or ends within the hour) without its handover written.
    for a in mine:
        ended_soon = a.ends_at <= now + dt.timedelta(hours=1)
        if ended_soon and a.starts_at <= now and not hasattr(a.shift, "handover"):
            items.append(
                Item(
                    id=a.shift_id,
                    title=_("Write the handover"),
                    url=reverse("duty:shift", args=[a.shift_id]),
                    note=_span(a.starts_at, a.ends_at),
                    action=Action(_("Open"), reverse("duty:shift", args=[a.shift_id])),
                )
            )
    leads = LeaderDay.objects.filter(user=user, day=ctx.today).select_related("roster__department")
    for ld in leads[:2]:
        items.append(
            Item(
                id=ld.pk,
                title=_("Leader on duty today"),
                url=f"{reverse('duty:roster', args=[ld.roster_id])}?month={ld.day:%Y-%m}",
                note=str(ld.roster.department),
            )
        )
    section.items = items
    section.count = len(items)
    return section


def _early() -> int:
    from django.conf import settings

    return settings.DUTY_CHECK_IN_EARLY_MINUTES


def _my_region(user) -> str:
    view = scope_for(user, "duty.view")
    for m in memberships_of(user):
        if m.unit_id is None and view.covers_region(m.region_id):
            return m.region_id
    return ""


def on_duty_now(ctx) -> Section:
    """Who is on duty now for my region (the officers of the shift, then the leader)."""
    code = _my_region(ctx.user)
    section = Section(
        "on_duty_now",
        "duty",
        _("On duty now"),
        see_all=reverse("duty:now") + (f"?region={code}" if code else ""),
        empty=_("No shift covers this moment."),
    )
    if not ctx.items or not code:
        return section
    found = on_duty(code, ctx.now)
    if found.roster is None:
        section.empty = _("No duty roster covers this region.")
        return section
    now_url = section.see_all
    items = []
    for p in found.officers:
        items.append(
            Item(
                id=p.user.pk,
                title=str(p.user),
                url=now_url,
                unit=p.post or _("Duty officer"),
                note=p.user.phone,
                badge=_("Checked in") if p.checked_in_at else _("Not checked in"),
                badge_colour="success" if p.checked_in_at else "secondary",
            )
        )
    if found.leader is not None:
        items.append(
            Item(
                id=found.leader.pk,
                title=str(found.leader),
                url=now_url,
                unit=_("Leader on duty"),
                note=found.leader.phone,
            )
        )
    section.items = items
    section.count = len(items)
    if found.duty_phone:
        section.hint = _("Duty phone: %(phone)s") % {"phone": found.duty_phone}
    return section
