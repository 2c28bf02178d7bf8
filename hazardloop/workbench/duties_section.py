"""The unit's duties today (61号令 patrols, inspections, training, drills): what is due now and
what lapsed today, one tap to do a patrol, and links to the door QR code poster and the
unit's certificates."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from hazardloop.obligations.choices import DutyKind, DutyState
from hazardloop.obligations.schedule import calendar, day_bounds
from hazardloop.units.models import Unit
from hazardloop.workbench.items import LIMIT, Action, Item, Section
from hazardloop.workbench.own_unit import own_unit_ids
from hazardloop.workbench.sections import Ctx

SHOWN = (DutyState.DUE, DutyState.LAPSED)


def duties_today(ctx: Ctx) -> Section:
    ids = own_unit_ids(ctx.user)
    section = Section(
        "duties_today",
        "unit",
        _("Duties today"),
        see_all=reverse("obligations:unit", args=[ids[0]]) if len(ids) == 1 else "",
        empty=_("Nothing is due now."),
        # Not on the menu's to-do count: that would compute the calendar on every page.
        actionable=False,
    )
    if len(ids) == 1:  # the unit's everyday pages, under the list
        section.links = [
            Action(_("Door QR code poster"), reverse("units:qr_png", args=[ids[0]])),
            Action(
                _("Certificates and fire-control room"), reverse("certificates:unit", args=[ids[0]])
            ),
        ]
    units = list(Unit.objects.filter(pk__in=ids))
    start, end = day_bounds(ctx.today)
    cal = calendar(units, start, end, now=ctx.now)
    rows = []
    for unit in units:
        for w in cal[unit.pk]:
            if w.state in SHOWN and (w.state == DutyState.DUE or w.end <= ctx.now):
                rows.append((unit, w))
    rows.sort(key=lambda r: (r[1].state != DutyState.DUE, r[1].end))
    section.count = len(rows)
    if not ctx.items:
        return section
    for unit, w in rows[:LIMIT]:
        url = reverse("obligations:unit", args=[unit.pk])
        action = None
        if w.kind == DutyKind.PATROL and w.state == DutyState.DUE:
            action = Action(_("Start a patrol"), reverse("obligations:patrol", args=[unit.pk]))
        lapsed = w.state == DutyState.LAPSED
        section.items.append(
            Item(
                id=unit.pk * 1000 + len(section.items),
                title=str(DutyKind(w.kind).label),
                url=url,
                unit=unit.name,
                due=w.end - dt.timedelta(microseconds=1),  # the last moment of the window
                note=w.rule.article,
                badge=str(DutyState(w.state).label),
                badge_colour="danger" if lapsed else "primary",
                late=lapsed,
                action=action,
            )
        )
    return section
