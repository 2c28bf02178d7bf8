"""The legal clocks of a document: what must happen by when, and whether it did.

The working-day limits are those of 《消防监督检查规定》 (公安部令第120号, regulations.md §10.2 and
§12.3, all [V]); working days come from the loaded holiday calendars (hazards.HolidayYear)
through `hazardloop.lib.workdays`. A year without a calendar never fails the page: the clock is
estimated with every day of that year counted as a working day (never later than the true
limit, since a make-up working day may fall on any weekend) and names the missing years.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import DeterminationMethod
from hazardloop.hazards.deadlines import calendar_note, recheck_due, work_calendar
from hazardloop.hazards.models import HazardDetermination
from hazardloop.lib.workdays import WorkCalendar
from hazardloop.supervision.choices import CLOCK_BADGE, ClockState, DocumentKind

# 公安部令第120号 [V]: Art. 19 (order within 3 working days of the check), Art. 20 (re-check
# within 3 working days of the deadline or of the party's request, whichever comes first),
# Art. 21 (a major fire hazard: the notice within 3 working days of the determination, the
# handling opinion reported in writing to the government at the same level within 7 working
# days of the check; where the determination was made by an expert review, those periods may
# be extended by 10 working days), Art. 22 (seal-up at most 30 days), Art. 23
# (decision within 3 working days).
ORDER_WORKING_DAYS = 3
RECHECK_WORKING_DAYS = 3
MAJOR_NOTICE_WORKING_DAYS = 3
GOVERNMENT_REPORT_WORKING_DAYS = 7
EXPERT_REVIEW_EXTENSION_WORKING_DAYS = 10
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
    # The years whose holiday calendar was missing: the due day is an estimate.
    estimated_years: tuple[int, ...] = ()

    @property
    def badge(self) -> str:
        return CLOCK_BADGE[ClockState(self.state)]

    @property
    def state_label(self) -> str:
        return ClockState(self.state).label

    @property
    def estimated(self) -> bool:
        return bool(self.estimated_years)

    @property
    def note(self) -> str:
        return calendar_note(self.estimated_years) if self.estimated_years else ""


def _state(due: dt.date | None, done_at: dt.datetime | None, today: dt.date, tracked=True) -> str:
    if due is None:
        return ClockState.UNKNOWN
    if done_at is not None:
        return ClockState.MET if local_date(done_at) <= due else ClockState.LATE
    if today <= due:
        return ClockState.OPEN
    return ClockState.MISSED if tracked else ClockState.PASSED


def _working(calendar: WorkCalendar, start: dt.date | None, days: int):
    """(the day `days` working days after `start`, the years estimated)."""
    if start is None:
        return None, frozenset()
    return calendar.add_working_days_or_estimate(start, days, earliest=True)


def expert_review(hazard) -> bool:
    """Whether the hazard was determined by an expert review (专家论证, Art. 21 para. 2): a
    recorded determination by that method. An expert merely assigned to advise is not one."""
    return HazardDetermination.objects.filter(
        hazard=hazard, method=DeterminationMethod.EXPERT
    ).exists()


def clocks_for(
    doc, *, now=None, calendar: WorkCalendar | None = None, unrecorded: bool = False
) -> list[Clock]:
    """The clocks of one document (its hazard loaded), in the order they run.

    `unrecorded=True` adds the limits whose completion the system does not record (a major
    hazard's report to the government): the document's page and the API show them; a to-do
    list leaves them out, since it could never see them done.
    """
    now = now or timezone.now()
    today = local_date(now)
    calendar = calendar or work_calendar(strict=False)
    hazard = doc.hazard
    checked = local_date(doc.checked_at)
    out: list[Clock] = []

    def add(label, basis, due, done_at, *, tracked=True):
        years: frozenset = frozenset()
        if isinstance(due, tuple):
            due, years = due
        state = _state(due, done_at, today, tracked)
        out.append(Clock(str(label), basis, due, done_at, state, tuple(sorted(years))))

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
        extra = EXPERT_REVIEW_EXTENSION_WORKING_DAYS if expert_review(hazard) else 0
        if extra:
            notice_label = _(
                "Served within 13 working days of the determination (3, extended by 10 "
                "for the expert review)"
            )
            report_label = _(
                "Handling opinion reported to the government within 17 working days of the "
                "inspection (7, extended by 10 for the expert review)"
            )
        else:
            notice_label = _("Served within 3 working days of the determination")
            report_label = _(
                "Handling opinion reported to the government within 7 working days of the "
                "inspection"
            )
        add(
            notice_label,
            "120号令 第二十一条",
            _working(calendar, checked, MAJOR_NOTICE_WORKING_DAYS + extra),
            doc.served_at,
        )
        # The report itself is not recorded here: its clock only says when it falls due.
        if unrecorded:
            add(
                report_label,
                "120号令 第二十一条",
                _working(
                    calendar, local_date(hazard.found_at), GOVERNMENT_REPORT_WORKING_DAYS + extra
                ),
                None,
                tracked=False,
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
        # Art. 20: the deadline or the unit's request (its submitted rectification), whichever
        # comes first; a request made after the deadline does not push the re-check back.
        requested = local_date(hazard.submitted_at)
        add(
            _(
                "Re-check within 3 working days of the deadline or of the unit's request, "
                "whichever is first"
            ),
            "120号令 第二十条",
            recheck_due(calendar, requested, due),
            hazard.verified_at,
        )
    if doc.reply_due_at:
        add(_("Written report on the rectification"), "", local_date(doc.reply_due_at), None)
    return out
