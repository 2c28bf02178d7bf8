"""Background work of the duty app.

- `remind_shifts_once(now)` (sweep step): everyone whose shift starts within
  DUTY_REMINDER_MINUTES is notified once (the notification's key names the assignment and its
  start, so running it again, or a swap, never repeats a reminder to the same person).
- `start_export` / `run_roster_export_once(export_id)`: a month of a roster as .xlsx, written by
  the worker (never in the request), with the safe cell writer (lib/cells.py).
- `delete_old_export_files_once(now)` (sweep step): forgets export files after
  DUTY_EXPORT_FILE_DAYS.
"""

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from hazardloop.audit.services import record_event
from hazardloop.core.storage import forget_files
from hazardloop.duty import patterns
from hazardloop.duty.choices import ExportStatus
from hazardloop.duty.models import Assignment, LeaderDay, Roster, RosterExport
from hazardloop.duty.services import MESSAGES, manage_check
from hazardloop.notifications.services import notify

log = logging.getLogger("hazardloop.duty")


def remind_shifts_once(now) -> int:
    """Notify the people of shifts starting in (now, now + DUTY_REMINDER_MINUTES]. Returns how
    many notifications were created."""
    window = now + dt.timedelta(minutes=settings.DUTY_REMINDER_MINUTES)
    rows = (
        Assignment.objects.filter(starts_at__gt=now, starts_at__lte=window)
        .select_related("user", "shift__roster__department")
        .order_by("starts_at", "id")
    )
    sent = 0
    for a in rows.iterator(chunk_size=500):
        sent += len(
            notify(
                [a.user],
                key=f"duty:reminder:{a.pk}:{a.starts_at:%Y%m%d%H%M}",
                message=MESSAGES["reminder"],
                params={
                    "department": a.shift.roster.department.name_zh,
                    "start": date_format(timezone.localtime(a.starts_at), "Y-m-d H:i"),
                },
                link=reverse("duty:shift", args=[a.shift_id]),
                region_code=a.region_code,
            )
        )
    return sent


# --- the month export ------------------------------------------------------------------------


def start_export(roster: Roster, month: dt.date, *, actor) -> RosterExport:
    """Queue the export of a month of the roster (its managers only)."""
    manage_check(actor, roster)
    with transaction.atomic():
        export = RosterExport.objects.create(
            created_by=actor,
            roster=roster,
            month=month.replace(day=1),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        record_event("duty.export_requested", actor=actor, obj=roster, message=f"{month:%Y-%m}")
        transaction.on_commit(lambda: run_roster_export.enqueue(export.pk), robust=True)
    return export


def _header() -> list[str]:
    return [
        _("Duty day"),
        _("Starts"),
        _("Ends"),
        _("Post"),
        _("Person"),
        _("Phone"),
        _("Checked in"),
        _("Leader on duty"),
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def write_month(roster: Roster, month: dt.date, fh) -> int:
    """Write the month's shifts (one row per person, a row for a shift without people) as
    .xlsx to `fh`; returns the number of rows."""
    from openpyxl import Workbook

    from hazardloop.lib.cells import xlsx_row

    days = patterns.month_days(month)
    leaders = {
        ld.day: str(ld.user)
        for ld in LeaderDay.objects.filter(
            roster=roster, day__gte=days[0], day__lte=days[-1]
        ).select_related("user")
    }
    shifts = (
        roster.shifts.filter(day__gte=days[0], day__lte=days[-1])
        .prefetch_related("assignments__user", "assignments__post")
        .order_by("starts_at")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Duty roster")[:31])
    sheet.append(xlsx_row(sheet, [str(roster.department)]))
    sheet.append(xlsx_row(sheet, [_("Duty phone"), roster.duty_phone]))
    sheet.append(xlsx_row(sheet, _header()))
    rows = 0
    for shift in shifts:
        people = list(shift.assignments.all()) or [None]
        for a in people:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        shift.day.isoformat(),
                        _when(shift.starts_at),
                        _when(shift.ends_at),
                        (a.post.name if a and a.post else _("Duty officer")) if a else "",
                        str(a.user) if a else _("Nobody"),
                        a.user.phone if a else "",
                        _when(a.checked_in_at) if a else "",
                        leaders.get(shift.day, ""),
                    ],
                )
            )
            rows += 1
    book.save(fh)
    return rows


def run_roster_export_once(export_id: int) -> str:
    """Write one queued export (claimed by compare-and-swap, so it runs once)."""
    claimed = RosterExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    export = RosterExport.objects.select_related("roster__department").filter(pk=export_id).first()
    if export is None:
        return "missing"
    if not claimed:
        return export.status
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as fh:
            rows = write_month(export.roster, export.month, fh)
            fh.seek(0)
            export.file.save(
                f"duty-{export.roster_id}-{export.month:%Y%m}-{export.pk}.xlsx",
                File(fh),
                save=False,
            )
    except Exception:
        log.exception("duty export %s failed", export_id)
        RosterExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The export could not be written. Try again; if it fails again, tell "
                      "your administrator."),
        )  # fmt: skip
        return ExportStatus.FAILED
    with transaction.atomic():
        RosterExport.objects.filter(pk=export_id).update(
            status=ExportStatus.DONE, rows=rows, file=export.file.name, finished_at=timezone.now()
        )
        record_event(
            "duty.export", actor=export.created_by, obj=export.roster, message=f"{rows} rows"
        )
    return ExportStatus.DONE


@task()
def run_roster_export(export_id: int) -> str:
    return run_roster_export_once(export_id)


def delete_old_export_files_once(now) -> int:
    cutoff = now - dt.timedelta(days=settings.DUTY_EXPORT_FILE_DAYS)

    def audit(pks):
        record_event(
            "duty_export.files_deleted",
            object_type="duty.rosterexport",
            message=f"{len(pks)} export file(s) finished before {cutoff.isoformat()}",
            after={"exports": pks[:200]},
            actor_label="sweep",
        )

    return forget_files(RosterExport.objects.filter(finished_at__lt=cutoff), on_batch=audit)
