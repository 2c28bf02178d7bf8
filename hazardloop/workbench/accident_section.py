"""The workbench list of accident reports whose chain step waits for the user's level
(to receive, or to report up), the nearest deadline first; the accident list's desk shows the
same rows with live countdowns."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hazardloop.accidents.choices import GRADE_BADGE, AccidentGrade
from hazardloop.accidents.desk import awaiting, waiting_rows
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.workbench.items import LIMIT, Action, Item, Section, capped_count


def awaiting_me(ctx) -> Section:
    section = Section(
        "accidents_waiting",
        "duty",
        _("Accident reports waiting for my level"),
        see_all=reverse("accidents:list"),
        empty=_("No accident report waits for your level."),
        hint=_("Receive each report, then report it up before its deadline."),
        actionable=True,
    )
    if not ctx.items:
        section.count = capped_count(awaiting(ctx.user))
        return section
    rows = waiting_rows(ctx.user, limit=LIMIT + 1)
    section.count = len(rows) if len(rows) <= LIMIT else capped_count(awaiting(ctx.user))
    for w in rows[:LIMIT]:
        accident = w.step.accident
        url = reverse("accidents:detail", args=[accident.pk])
        late = w.deadline is not None and w.deadline < ctx.now
        if w.deadline is None:
            note = _("To receive (the highest level for its grade)")
        else:
            when = timezone.localtime(w.deadline, LOCAL).strftime("%m-%d %H:%M")
            note = (
                _("Receive it; report up by %(time)s")
                if w.action == "receive"
                else _("Report up by %(time)s")
            ) % {"time": when}
        section.items.append(
            Item(
                id=accident.pk,
                title=accident.summary,
                url=url,
                unit=accident.unit.name if accident.unit else "",
                due=w.deadline,
                since=w.step.sent_at,
                since_label=pgettext("reporting chain", "sent"),
                note=note,
                badge=str(AccidentGrade(accident.grade).label),
                badge_colour=GRADE_BADGE[AccidentGrade(accident.grade)],
                late=late,
                action=Action(_("Receive") if w.action == "receive" else _("Report up"), url),
                countdown=w.deadline is not None,
            )
        )
    return section
