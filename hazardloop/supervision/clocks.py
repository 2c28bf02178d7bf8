"""The legal clocks of a document: what must happen by when, and whether it did.

The working-day limits are those of 《消防监督检查规定》 (公安部令第120号, regulations.md §10.2,
all [V]); working days come from the loaded holiday calendars (hazards.HolidayYear) through
`hazardloop.lib.workdays`. A year without a calendar shows the clock as "no holiday
calendar" rather than guessing.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.deadlines import work_calendar
from hazardloop.lib.workdays import CalendarMissing, WorkCalendar
from hazardloop.supervision.choices import CLOCK_BADGE, ClockState, DocumentKind

# 公安部令第120号 [V]: Art. 19 (order within 3 working days of the check), Art. 20 (re-check
# within 3 working days of the deadline), Art. 21 (major-hazard notice within 3 working days of
# the determination), Art. 22 (seal-up at most 30 days), Art. 23 (decision within 3 working days).
ORDER_WORKING_DAYS = 3
RECHECK_WORKING_DAYS = 3
MAJOR_NOTICE_WORKING_DAYS = 3
SEAL_DECISION_WORKING_DAYS = 3
SEAL_MAX_DAYS = 30


def local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


@dataclass(frozen=True)
class Clock:
    label: str
    basis: str
    due: dt.date | None
    done_at: dt.datetime | None
    state: str

    @property
    def badge(self) -> str:
        return CLOCK_BADGE[ClockState(self.state)]

    @property
    def state_label(self) -> str:
        return ClockState(self.state).label


def _state(due: dt.date | None, done_at: dt.datetime | None, today: dt.date) -> str:
    if due is None:
        return ClockState.UNKNOWN
    if done_at is not None:
        return ClockState.MET if local_date(done_at) <= due else ClockState.LATE
    return ClockState.OPEN if today <= due else ClockState.MISSED


def _working(calendar: WorkCalendar, start: dt.date | None, days: int) -> dt.date | None:
    if start is None:
        return None
    try:
        return calendar.add_working_days(start, days)
    except CalendarMissing:
        return None


def clocks_for(doc, *, now=None, calendar: WorkCalendar | None = None) -> list[Clock]:
    """The clocks of one document (its hazard loaded), in the order they run."""
    now = now or timezone.now()
    today = local_date(now)
    calendar = calendar or work_calendar()
    hazard = doc.hazard
    checked = local_date(doc.checked_at)
    out: list[Clock] = []

    def add(label, basis, due, done_at):
        out.append(Clock(str(label), basis, due, done_at, _state(due, done_at, today)))

    kind = doc.kind
    if kind == DocumentKind.IMMEDIATE_ORDER:
        add(_("Served on the spot"), "120号令 第十九条", checked, doc.served_at)
    elif kind == DocumentKind.DEADLINE_ORDER:
        add(
            _("Served within 3 working days of the inspection"),
            "120号令 第十九条",
            _working(calendar, checked, ORDER_WORKING_DAYS),
            doc.served_at,
        )
    elif kind == DocumentKind.MAJOR_HAZARD_NOTICE:
        add(
            _("Served within 3 working days of the determination"),
            "120号令 第二十一条",
            _working(calendar, checked, MAJOR_NOTICE_WORKING_DAYS),
            doc.served_at,
        )
    elif kind == DocumentKind.TEMPORARY_SEAL:
        add(
            _("Decision served within 3 working days"),
            "120号令 第二十三条",
            _working(calendar, checked, SEAL_DECISION_WORKING_DAYS),
            doc.served_at,
        )
        if doc.seal_until:
            ended = (
                timezone.make_aware(dt.datetime.combine(doc.seal_until, dt.time(23, 59)))
                if doc.seal_until < today
                else None
            )
            add(_("Seal-up ends (at most 30 days)"), "120号令 第二十二条", doc.seal_until, ended)
    else:
        add(_("Delivered to the unit"), "", local_date(doc.issued_at), doc.served_at)
    due = local_date(doc.rectify_due_at)
    if due is not None:
        rectified = hazard.submitted_at if hazard.submitted_at else hazard.verified_at
        add(_("Rectified by the deadline"), "", due, rectified)
    if kind in (DocumentKind.DEADLINE_ORDER, DocumentKind.MAJOR_HAZARD_NOTICE) and due:
        add(
            _("Re-check within 3 working days of the deadline"),
            "120号令 第二十条",
            _working(calendar, due, RECHECK_WORKING_DAYS),
            hazard.verified_at,
        )
    if doc.reply_due_at:
        add(_("Written report on the rectification"), "", local_date(doc.reply_due_at), None)
    return out
