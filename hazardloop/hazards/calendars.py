"""Holiday calendars and deadline policies, managed on pages and through the API.

Who may do what (the same answer on the pages, the API and in scope_cases):

- read (the calendars loaded, the missing years, the deadline policies): anyone holding a
  department role (`region.view` anywhere): administrators, regulators, inspectors, experts,
  leaders, duty officers. Units' own people see neither (they see the dates on their hazards).
- change (a year's calendar, a deadline policy): the province level only — a membership that
  holds the province's rule configuration permission (`checklist.manage`) over a whole
  province: administrators and the provincial regulators. A city or county office reads.

A year's calendar is the State Council's holiday notice for that year (国务院办公厅关于YYYY年部分
节假日安排的通知): its holidays (dates or ranges) and its make-up working days (调休上班, which
always fall on a Saturday or Sunday). Saving one recomputes the clocks that were estimated for
want of it (deadlines.refresh_estimated_clocks). Every change is audited.
"""

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import deny, has_perm_anywhere, scope_for
from hazardloop.audit.services import record_event
from hazardloop.core.errors import DomainError
from hazardloop.hazards.choices import Category, Grade
from hazardloop.hazards.deadlines import (
    LOCAL,
    missing_calendar_years,
    refresh_estimated_clocks,
)
from hazardloop.hazards.models import DeadlinePolicy, HolidayYear
from hazardloop.lib.workdays import CalendarError, parse_year
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import Region

READ_PERM = "region.view"
# The province's rule configuration (checklists, rule sets, calendars, deadline policies).
EDIT_PERM = "checklist.manage"
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_UPLOAD_BYTES = 64 * 1024
MAX_POLICY_DAYS = 365


class CalendarInvalid(DomainError):
    """A calendar or a policy that cannot be saved; `errors` lists every problem."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors


# --- who may ---------------------------------------------------------------------------------


def may_read(user) -> bool:
    return user.is_authenticated and has_perm_anywhere(user, READ_PERM)


def may_edit(user) -> bool:
    """Province level: the rule configuration permission over a whole province."""
    if not user.is_authenticated:
        return False
    scope = scope_for(user, EDIT_PERM)
    if scope.everything:
        return True
    province = region_codes.PREFIX_LENGTHS[region_codes.PROVINCE]
    return any(len(prefix) <= province for prefix in scope.prefixes)


def require_read(user) -> None:
    if not may_read(user):
        raise PermissionDenied(_("Your role does not allow this action here."))


def require_edit(user) -> None:
    require_read(user)
    if not may_edit(user):
        deny(user, "calendar.manage")


# --- holiday calendars -----------------------------------------------------------------------


def _dates(items, year: int, what: str, errors: list[str]) -> set[dt.date]:
    out: set[dt.date] = set()
    if not isinstance(items, list):
        errors.append(_("%(what)s: give a list of dates.") % {"what": what})
        return out
    for raw in items:
        item = str(raw).strip()
        if not item:
            continue
        try:
            if "/" in item:
                first, last = (dt.date.fromisoformat(p.strip()) for p in item.split("/", 1))
            else:
                first = last = dt.date.fromisoformat(item)
        except ValueError:
            errors.append(
                _(
                    "%(what)s: “%(item)s” is not a date like 2027-01-01 or a range like "
                    "2027-02-05/2027-02-13."
                )
                % {"what": what, "item": item[:40]}
            )
            continue
        if last < first:
            errors.append(
                _("%(what)s: the range “%(item)s” ends before it starts.")
                % {"what": what, "item": item}
            )
            continue
        if first.year != year or last.year != year:
            errors.append(
                _("%(what)s: “%(item)s” is not in %(year)s.")
                % {"what": what, "item": item, "year": year}
            )
            continue
        day = first
        while day <= last:
            out.add(day)
            day += dt.timedelta(days=1)
    return out


def check_document(document) -> dict:
    """The calendar document, normalised, or CalendarInvalid listing every problem.

    {"year": 2027, "name": "...", "source": "...", "holidays": [...], "workdays": [...]}
    """
    if not isinstance(document, dict):
        raise CalendarInvalid([_("The calendar must be an object with a year and its dates.")])
    errors: list[str] = []
    try:
        year = int(document.get("year"))
    except (TypeError, ValueError):
        raise CalendarInvalid([_("Give the calendar's year.")]) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarInvalid(
            [
                _("The year must be between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
        )
    name = str(document.get("name") or "").strip()
    source = str(document.get("source") or "").strip()
    if not name:
        errors.append(_("Give the notice's title (e.g. the State Council's holiday notice)."))
    if len(name) > 200:
        errors.append(_("The title is longer than 200 characters."))
    if len(source) > 300:
        errors.append(_("The source is longer than 300 characters."))
    holidays = _dates(document.get("holidays", []), year, _("Holidays"), errors)
    workdays = _dates(document.get("workdays", []), year, _("Make-up working days"), errors)
    if not holidays and not errors:
        errors.append(_("List the year's public holidays."))
    weekdays = sorted(d for d in workdays if d.weekday() < 5)
    if weekdays:
        errors.append(
            _("Make-up working days fall on a Saturday or Sunday; these do not: %(days)s.")
            % {"days": ", ".join(d.isoformat() for d in weekdays)}
        )
    both = sorted(holidays & workdays)
    if both:
        errors.append(
            _("These dates are both a holiday and a working day: %(days)s.")
            % {"days": ", ".join(d.isoformat() for d in both)}
        )
    if errors:
        raise CalendarInvalid(errors)
    normalised = {
        "year": year,
        "name": name,
        "source": source,
        "holidays": _ranges(sorted(holidays)),
        "workdays": [d.isoformat() for d in sorted(workdays)],
    }
    try:
        parse_year(normalised)  # the one parser the clocks use
    except CalendarError as exc:  # pragma: no cover - the checks above are stricter
        raise CalendarInvalid([str(exc)]) from exc
    return normalised


def _ranges(days: list[dt.date]) -> list[str]:
    """Consecutive days as "first/last" ranges, single days as dates."""
    out: list[str] = []
    start = prev = None
    for day in [*days, None]:
        if day is not None and prev is not None and day == prev + dt.timedelta(days=1):
            prev = day
            continue
        if start is not None:
            out.append(start.isoformat() if start == prev else f"{start}/{prev}")
        start = prev = day
    return out


def read_upload(data: bytes) -> dict:
    """A calendar file's document (the format of hazards/data/calendars/*.json)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise CalendarInvalid([_("The file is too large for a holiday calendar.")])
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CalendarInvalid(
            [_("The file is not a holiday calendar: it must be a JSON file like the shipped ones.")]
        ) from None
    return document


def save_year(document, *, actor) -> tuple[HolidayYear, bool, int]:
    """Create or replace a year's calendar. Returns (row, created, clocks recomputed)."""
    require_edit(actor)
    checked = check_document(document)
    with transaction.atomic():
        before = HolidayYear.objects.select_for_update().filter(year=checked["year"]).first()
        row, created = HolidayYear.objects.update_or_create(
            year=checked["year"],
            defaults={"name": checked["name"], "source": checked["source"], "document": checked},
        )
        record_event(
            "hazard.holidays_loaded",
            actor=actor,
            obj=row,
            message=f"{row.year} {'created' if created else 'replaced'} on a page or the API",
            before=_year_audit(before.document) if before else None,
            after=_year_audit(checked),
        )
        refreshed = refresh_estimated_clocks()
    return row, created, refreshed


def _year_audit(document: dict) -> dict:
    return {
        "name": str(document.get("name", "")),
        "holidays": ", ".join(document.get("holidays", [])),
        "workdays": ", ".join(document.get("workdays", [])),
    }


def years_overview(now=None) -> dict:
    """The loaded years and the ones missing (this year; next year from 1 November)."""
    today = timezone.localtime(now or timezone.now(), LOCAL).date()
    rows = list(HolidayYear.objects.order_by("year"))
    for row in rows:
        try:
            parsed = parse_year(row.document)
        except CalendarError:  # pragma: no cover - saved documents were checked
            row.holiday_days = row.workday_days = None
        else:
            row.holiday_days, row.workday_days = len(parsed.holidays), len(parsed.workdays)
    return {"years": rows, "missing": missing_calendar_years(today), "today": today}


def year_lines(row: HolidayYear | None) -> dict:
    """A loaded year as the page's form shows it: one date or range per line."""
    document = row.document if row else {}
    return {
        "holidays": "\n".join(document.get("holidays", [])),
        "workdays": "\n".join(document.get("workdays", [])),
    }


def document_from_lines(year, name, source, holidays: str, workdays: str) -> dict:
    def lines(text: str) -> list[str]:
        return [
            p.strip()
            for p in (text or "").replace(",", "\n").replace("，", "\n").splitlines()
            if p.strip()
        ]

    return {
        "year": year,
        "name": name,
        "source": source,
        "holidays": lines(holidays),
        "workdays": lines(workdays),
    }


# --- deadline policies -----------------------------------------------------------------------


def region_choices() -> list[Region]:
    """The regions a policy may be set for: the province, its cities and counties."""
    return list(
        Region.objects.filter(level__in=("province", "prefecture", "county", "zone")).order_by(
            "code"
        )
    )


def region_of_prefix(prefix: str) -> Region | None:
    return Region.objects.filter(prefix=prefix).order_by("code").first()


def check_policy(values: dict) -> dict:
    errors: list[str] = []
    prefix = str(values.get("region_prefix") or "").strip()
    if not prefix or region_of_prefix(prefix) is None:
        errors.append(_("Choose the region the policy applies to."))
    grade = str(values.get("grade") or "")
    if grade not in Grade.values:
        errors.append(_("Choose a grade."))
    category = str(values.get("category") or "")
    if category and category not in Category.values:
        errors.append(_("Choose a category, or none for every category."))
    try:
        days = int(values.get("days"))
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_POLICY_DAYS:
        errors.append(
            _("The deadline must be between 1 and %(max)s days.") % {"max": MAX_POLICY_DAYS}
        )
    note = str(values.get("note") or "").strip()
    if len(note) > 200:
        errors.append(_("The note is longer than 200 characters."))
    if errors:
        raise CalendarInvalid(errors)
    return {
        "region_prefix": prefix,
        "grade": grade,
        "category": category,
        "days": days,
        "working_days": bool(values.get("working_days")),
        "note": note,
    }


def _policy_audit(policy: DeadlinePolicy) -> dict:
    return {
        "region_prefix": policy.region_prefix,
        "grade": policy.grade,
        "category": policy.category,
        "days": policy.days,
        "working_days": policy.working_days,
        "note": policy.note,
    }


def _duplicate() -> CalendarInvalid:
    return CalendarInvalid(
        [_("A policy for this region, grade and category exists already: change that one.")]
    )


def save_policy(values: dict, *, actor, policy: DeadlinePolicy | None = None) -> DeadlinePolicy:
    """Create (policy None) or change a deadline policy."""
    require_edit(actor)
    checked = check_policy(values)
    try:
        with transaction.atomic():
            before = _policy_audit(policy) if policy else None
            if policy is None:
                policy = DeadlinePolicy.objects.create(**checked)
            else:
                for name, value in checked.items():
                    setattr(policy, name, value)
                policy.save()
            record_event(
                "hazard.deadline_policy_saved",
                actor=actor,
                obj=policy,
                region_code=_policy_region(policy),
                message=str(policy),
                before=before,
                after=_policy_audit(policy),
            )
    except IntegrityError:
        raise _duplicate() from None
    return policy


def delete_policy(policy: DeadlinePolicy, *, actor) -> None:
    require_edit(actor)
    with transaction.atomic():
        record_event(
            "hazard.deadline_policy_deleted",
            actor=actor,
            obj=policy,
            region_code=_policy_region(policy),
            message=str(policy),
            before=_policy_audit(policy),
        )
        policy.delete()


def _policy_region(policy: DeadlinePolicy) -> str:
    region = region_of_prefix(policy.region_prefix)
    return region.code if region else ""


def policies() -> list[DeadlinePolicy]:
    return list(DeadlinePolicy.objects.order_by("region_prefix", "grade", "category"))
