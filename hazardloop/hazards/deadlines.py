"""Default deadlines (configured per province, grade and category), the work calendar, and the
clock of every open hazard state.

The clocks (regulations.md §10.2 and §12.3, 公安部令第120号):

- found → ordered: within settings.HAZARD_ORDER_WORKDAYS working days of the finding (Art. 19:
  the 责令限期改正通知书 within 3 working days of the check; Art. 21: a major hazard's notice
  within 3 working days of the determination); a category listed in
  settings.HAZARD_ORDER_ON_SPOT_CATEGORIES is ordered on the spot (责令立即改正), by the end
  of the finding's day.
- ordered / rectifying → the rectification deadline `due_at` (the unit's clock: "overdue").
- submitted → re-checked within 3 working days of the deadline or of the unit's request,
  whichever comes first (Art. 20 「在责令限期改正期限届满或者收到当事人的复查申请之日起三个工作日
  内」: a unit that submits early is re-checked within 3 working days of its submission; one that
  submits after its deadline was due for the re-check 3 working days after the deadline); a
  major hazard's on-site acceptance within settings.HAZARD_ACCEPTANCE_DAYS days of the request.

A missing holiday calendar never fails a request. A clock that crosses a year without one is
estimated and flagged (`clock_estimated`; `missing_years` names the years):

- the regulator's own limits (order, re-check) count every day of that year as a working day,
  so the estimate is never later than the true limit (a make-up working day can fall on any
  weekend);
- a default rectification deadline from a working-day DeadlinePolicy counts Monday to Friday
  (the person ordering sees the date and may change it); the hazard's rectification clock is
  flagged until the calendar is loaded, and the order's event records the missing years.
"""

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import User
from hazardloop.core.prepared import Prepared
from hazardloop.hazards.choices import ClockKind, ClockRung, Grade, Status
from hazardloop.hazards.models import DeadlinePolicy, Hazard, HolidayYear
from hazardloop.lib.workdays import WorkCalendar, parse_year
from hazardloop.notifications.services import notify

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
log = logging.getLogger("hazardloop.hazards")


# Compiled once (core/prepared.py): every new hazard's default deadline reads the calendars.
_HOLIDAY_YEARS = Prepared(lambda: HolidayYear.objects.all())


def work_calendar(strict: bool = True) -> WorkCalendar:
    """The holiday calendars loaded with `manage.py load_holidays` (one small query)."""
    calendar = WorkCalendar(strict=strict)
    for row in _HOLIDAY_YEARS():
        calendar.add(parse_year(row.document))
    return calendar


def end_of_local_day(day: dt.date) -> dt.datetime:
    """23:59:59 Asia/Shanghai on day: deadlines fall at the end of a local day."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LOCAL)


def policy_for(region_code: str, grade: str, category: str) -> DeadlinePolicy | None:
    prefixes = [region_code[:n] for n in range(2, len(region_code) + 1)]
    rows = list(DeadlinePolicy.objects.filter(region_prefix__in=prefixes, grade=grade))
    rows = [r for r in rows if r.category in ("", category)]
    if not rows:
        return None
    return max(rows, key=lambda r: (len(r.region_prefix), r.category != ""))


def default_deadline(
    region_code: str, grade: str, category: str, start: dt.datetime
) -> tuple[dt.datetime, list[int]]:
    """(the default deadline for a hazard ordered at `start`, the years it had to estimate).

    End of the local day N days later. A DeadlinePolicy row for the region (the most specific
    one) wins over settings.HAZARD_DEFAULT_DEADLINE_DAYS. A working-day policy that crosses a
    year without a loaded calendar counts Monday to Friday there and names that year, rather
    than failing the order.
    """
    policy = policy_for(region_code, grade, category)
    local_day = timezone.localtime(start, LOCAL).date()
    if policy is None:
        days = settings.HAZARD_DEFAULT_DEADLINE_DAYS.get(grade, 15)
        return end_of_local_day(local_day + dt.timedelta(days=days)), []
    if policy.working_days:
        last, missing = work_calendar(strict=False).add_working_days_or_estimate(
            local_day, policy.days
        )
        if missing:
            log.warning("deadline estimated without the holiday calendar of %s", sorted(missing))
        return end_of_local_day(last), sorted(missing)
    return end_of_local_day(local_day + dt.timedelta(days=policy.days)), []


def default_due_at(region_code: str, grade: str, category: str, start: dt.datetime):
    """The default deadline alone (see `default_deadline`)."""
    return default_deadline(region_code, grade, category, start)[0]


CALENDAR_MISSING = gettext_noop(
    "The holiday calendar for %(year)s is not loaded: time limits that reach into %(year)s "
    "are estimates until it is entered from the State Council's holiday notice for that year."
)


def missing_calendar_years(today: dt.date) -> list[int]:
    """This year, and from November next year (the State Council publishes it around then),
    when their holiday calendars are not loaded."""
    wanted = {today.year} | ({today.year + 1} if today.month >= 11 else set())
    return sorted(wanted - set(HolidayYear.objects.values_list("year", flat=True)))


def warn_missing_calendars(now) -> int:
    """Tell the administrators, once per year, about a missing holiday calendar (regulations.md
    §12.3: warned in advance). Returns the notifications created."""
    years = missing_calendar_years(timezone.localtime(now, LOCAL).date())
    if not years:
        return 0
    admins = list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Role.ADMIN, memberships__is_active=True))
        .distinct()
    )
    return sum(
        len(
            notify(
                admins,
                key=f"calendar-missing:{year}",
                message=CALENDAR_MISSING,
                params={"year": year},
                link=reverse("hazards:calendar_year", args=[year]),
            )
        )
        for year in years
    )


# 公安部令第120号 Art. 20 [V]: the re-check within 3 working days of the deadline or of the
# unit's request, whichever comes first.
RECHECK_WORKING_DAYS = 3

CALENDAR_NOTE = gettext_noop(
    "Estimated: the holiday calendar for %(years)s is not loaded. The time limit counts "
    "every day of that year as a working day (never later than the true limit); a deadline "
    "proposed to a unit counts Monday to Friday."
)
CALENDAR_NOTE_LOADED = gettext_noop(
    "Estimated when a holiday calendar it needed was not loaded; check it against the loaded "
    "calendar."
)


def loaded_years() -> set[int]:
    return set(HolidayYear.objects.values_list("year", flat=True))


def clock_start(hazard) -> dt.datetime | None:
    """When the hazard's current clock started counting (for naming the years it crosses)."""
    if hazard.clock == ClockKind.ORDER:
        return hazard.found_at
    if hazard.clock == ClockKind.RECTIFY:
        return hazard.ordered_at or hazard.found_at
    if hazard.clock == ClockKind.VERIFY:
        moments = [m for m in (hazard.submitted_at, hazard.due_at) if m is not None]
        return min(moments) if moments else None
    return None


def missing_years(hazard, loaded: set[int] | None = None) -> list[int]:
    """The years without a loaded holiday calendar that the hazard's estimated clock crosses."""
    if not hazard.clock_estimated or hazard.clock_due_at is None:
        return []
    start = clock_start(hazard) or hazard.clock_due_at
    first = timezone.localtime(start, LOCAL).year
    last = timezone.localtime(hazard.clock_due_at, LOCAL).year
    loaded = loaded_years() if loaded is None else loaded
    return [y for y in range(first, last + 1) if y not in loaded]


def calendar_note(years) -> str:
    """What an estimated clock says (translated): which years' calendars are missing."""
    from django.utils.translation import gettext

    if not years:
        return gettext(CALENDAR_NOTE_LOADED)
    return gettext(CALENDAR_NOTE) % {"years": ", ".join(str(y) for y in years)}


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, LOCAL).date()


def order_clock(found_at: dt.datetime, category: str, calendar: WorkCalendar):
    """(time limit, estimated) for ordering the rectification of a hazard found at `found_at`."""
    day = _local_day(found_at)
    if category in settings.HAZARD_ORDER_ON_SPOT_CATEGORIES:
        return end_of_local_day(day), False
    last, missing = calendar.add_working_days_or_estimate(
        day, settings.HAZARD_ORDER_WORKDAYS, earliest=True
    )
    return end_of_local_day(last), bool(missing)


def recheck_due(
    calendar: WorkCalendar, requested: dt.date | None, deadline: dt.date | None
) -> tuple[dt.date | None, frozenset[int]]:
    """(the re-check's last day, the years estimated): 3 working days after the deadline or
    after the unit's request, whichever comes first (公安部令第120号 Art. 20)."""
    options = []
    for start in (requested, deadline):
        if start is not None:
            options.append(
                calendar.add_working_days_or_estimate(start, RECHECK_WORKING_DAYS, earliest=True)
            )
    if not options:
        return None, frozenset()
    return min(options, key=lambda option: option[0])


def verify_clock(submitted_at: dt.datetime, grade: str, calendar: WorkCalendar, due_at=None):
    """(time limit, estimated) for the re-check (general) or the acceptance (major)."""
    if grade == Grade.MAJOR:
        # The same instant as the acceptance's Verification.due_by (services.verify_hazard).
        return submitted_at + dt.timedelta(days=settings.HAZARD_ACCEPTANCE_DAYS), False
    last, missing = recheck_due(
        calendar, _local_day(submitted_at), _local_day(due_at) if due_at else None
    )
    return end_of_local_day(last), bool(missing)


def clock_for(
    status,
    *,
    found_at,
    due_at,
    submitted_at,
    grade,
    category,
    calendar=None,
    due_estimated=False,
) -> dict:
    """The clock columns of a hazard in `status` with these facts (a fresh clock, not lapsed).

    `calendar` (a lenient WorkCalendar) is read from the database when needed and not given;
    `due_estimated`: the rectification deadline was a default estimated without a calendar.
    """
    values = {"clock": "", "clock_due_at": None, "clock_estimated": False}
    if status == Status.FOUND:
        calendar = calendar or work_calendar(strict=False)
        due, estimated = order_clock(found_at, category, calendar)
        values.update(clock=ClockKind.ORDER, clock_due_at=due, clock_estimated=estimated)
    elif status in (Status.ORDERED, Status.RECTIFYING):
        values.update(clock=ClockKind.RECTIFY, clock_due_at=due_at, clock_estimated=due_estimated)
    elif status == Status.SUBMITTED and submitted_at is not None:
        if grade != Grade.MAJOR:
            calendar = calendar or work_calendar(strict=False)
        due, estimated = verify_clock(submitted_at, grade, calendar, due_at=due_at)
        values.update(clock=ClockKind.VERIFY, clock_due_at=due, clock_estimated=estimated)
    values["clock_rung"] = ClockRung.NONE
    return values


def clock_changes(hazard, status: str, changes: dict) -> dict:
    """The clock columns to write with `changes` when `hazard` goes to `status` ({}: unchanged).

    A new status starts a new clock (and clears a lapse's rung); a new deadline moves the
    rectification clock. `workflow.apply` writes them in the same compare-and-swap UPDATE.
    """
    if status == hazard.status and "due_at" not in changes:
        return {}
    if status == hazard.status and hazard.clock != ClockKind.RECTIFY:
        return {}

    def value(name):
        return changes.get(name, getattr(hazard, name))

    if "due_at" in changes:
        # A new deadline: estimated only when it is a default computed without a calendar.
        due_estimated = bool(changes.get("clock_estimated", False))
    else:
        due_estimated = hazard.clock == ClockKind.RECTIFY and hazard.clock_estimated
    return clock_for(
        status,
        found_at=value("found_at"),
        due_at=value("due_at"),
        submitted_at=value("submitted_at"),
        grade=value("grade"),
        category=value("category"),
        due_estimated=due_estimated,
    )


def refresh_estimated_clocks() -> int:
    """Compute again the clocks that were estimated for want of a holiday calendar (call after
    loading one): a clock that is now exact keeps its rung only if its time limit is unchanged.
    Returns the hazards whose clock changed."""
    calendar = work_calendar(strict=False)
    changed = []
    # A rectification deadline stays what was ordered (it is on the unit's notice): once the
    # calendars it crossed are loaded, only its flag goes.
    loaded = set(calendar.years)
    for hazard in Hazard.objects.filter(clock=ClockKind.RECTIFY, clock_estimated=True).only(
        "pk", "clock", "clock_estimated", "clock_due_at", "ordered_at", "found_at"
    ):
        if not missing_years(hazard, loaded):
            Hazard.objects.filter(pk=hazard.pk, clock=ClockKind.RECTIFY).update(
                clock_estimated=False
            )
            changed.append(hazard.pk)
    rows = Hazard.objects.filter(status__in=[Status.FOUND, Status.SUBMITTED], clock_estimated=True)
    for hazard in rows.only(
        "pk",
        "status",
        "found_at",
        "due_at",
        "submitted_at",
        "grade",
        "category",
        "clock_due_at",
        "clock_rung",
    ):
        values = clock_for(
            hazard.status,
            found_at=hazard.found_at,
            due_at=hazard.due_at,
            submitted_at=hazard.submitted_at,
            grade=hazard.grade,
            category=hazard.category,
            calendar=calendar,
        )
        if values["clock_due_at"] == hazard.clock_due_at:
            values["clock_rung"] = hazard.clock_rung
        updated = Hazard.objects.filter(
            pk=hazard.pk, status=hazard.status, clock_due_at=hazard.clock_due_at
        ).update(**values)
        if updated:
            changed.append(hazard.pk)
    return len(changed)
