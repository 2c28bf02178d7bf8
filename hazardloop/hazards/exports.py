"""The ledger as .xlsx, written by the background worker, never inside a web request.

`start_export` records the request (the filters, the language) and queues the task; the worker
runs `run_export_once`, which claims the export, writes the rows the creator may export with
the streaming writer (memory stays flat, text is always text) and stores the file for its
creator alone. `delete_old_export_files_once` forgets the files after HAZARD_EXPORT_FILE_DAYS.
"""

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.core.storage import forget_files
from hazardloop.hazards.choices import ExportStatus, Grade, Source, Status, SupervisionLevel
from hazardloop.hazards.filters import HazardFilterForm, apply_filters
from hazardloop.hazards.models import Hazard, HazardExport
from hazardloop.regions.models import Region
from hazardloop.units.xlsx import SheetWriter

log = logging.getLogger("hazardloop.hazards")
FIELDS = (
    "pk",
    "unit__name",
    "region_code",
    "title",
    "grade",
    "grade_reason",
    "status",
    "source",
    "found_at",
    "due_at",
    "original_due_at",
    "closed_at",
    "supervision_level",
    "legal_basis",
)


def _header() -> list[str]:
    return [
        _("No."),
        _("Unit"),
        _("Region"),
        _("Title"),
        _("Grade"),
        _("Grading reason"),
        _("Status"),
        _("Source"),
        _("Found"),
        _("Deadline"),
        _("Original deadline"),
        _("Overdue"),
        _("Closed"),
        _("Supervision"),
        _("Legal basis"),
    ]


def _local(value) -> str | None:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def write_ledger(qs, fh, *, now) -> int:
    """Write the hazards of `qs` (newest first, at most HAZARD_EXPORT_MAX_ROWS) as .xlsx to the
    binary file `fh`, in the active language; returns the number of rows."""
    limit = settings.HAZARD_EXPORT_MAX_ROWS
    grades, statuses = dict(Grade.choices), dict(Status.choices)
    sources, levels = dict(Source.choices), dict(SupervisionLevel.choices)
    names = {r.code: r.name for r in Region.objects.all()}
    done = (Status.VERIFIED, Status.CLOSED)
    rows = qs.order_by("-found_at", "-id").values_list(*FIELDS)[:limit]
    count = 0
    with SheetWriter(fh, _("Hazard ledger")) as sheet:
        sheet.append(_header())
        for (
            pk,
            unit,
            region,
            title,
            grade,
            reason,
            status,
            source,
            found,
            due,
            orig,
            closed,
            level,
            basis,
        ) in rows.iterator(chunk_size=2000):
            overdue = status not in done and due is not None and due < now
            sheet.append(
                [
                    pk,
                    unit,
                    names.get(region, region),
                    title,
                    str(grades.get(grade, grade)),
                    reason,
                    str(statuses.get(status, status)),
                    str(sources.get(source, source)),
                    _local(found),
                    _local(due),
                    _local(orig),
                    _("yes") if overdue else "",
                    _local(closed),
                    str(levels.get(level, level)),
                    basis,
                ]
            )
            count += 1
    return count


def start_export(*, actor, params: dict) -> HazardExport:
    """Queue an export of the ledger rows matching `params` (the ledger's filters) that `actor`
    may export. ValidationError (nothing written) when a filter is not valid."""
    from hazardloop.hazards.jobs import run_hazard_export

    params = {k: str(v) for k, v in params.items() if k in HazardFilterForm.base_fields and v}
    form = HazardFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.errors)
    params["_language"] = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        export = HazardExport.objects.create(created_by=actor, params=params)
        record_event("hazard.export_requested", actor=actor, obj=export, after=params)
        transaction.on_commit(lambda: run_hazard_export.enqueue(export.pk), robust=True)
    return export


def run_export_once(export_id: int, now=None) -> str:
    """Write one queued export (claimed by compare-and-swap, so it runs once). Returns the
    status the export is left in."""
    claimed = HazardExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    export = HazardExport.objects.select_related("created_by").filter(pk=export_id).first()
    if export is None:
        return "missing"
    if not claimed:
        return export.status
    now = now or timezone.now()
    params = dict(export.params)
    language = params.pop("_language", settings.LANGUAGE_CODE)
    try:
        with translation.override(language):
            qs = Hazard.objects.visible_to(export.created_by, "hazard.export")
            form = HazardFilterForm(params)
            if form.is_valid():
                qs = apply_filters(qs, form.cleaned_data)
            with tempfile.TemporaryFile() as fh:
                rows = write_ledger(qs, fh, now=now)
                fh.seek(0)
                stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
                export.file.save(f"hazards-{stamp}-{export.pk}.xlsx", File(fh), save=False)
    except Exception:
        log.exception("hazard export %s failed", export_id)
        HazardExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The export could not be written. Try again; if it fails again, tell "
                      "your administrator."),
        )  # fmt: skip
        return ExportStatus.FAILED
    with transaction.atomic():
        HazardExport.objects.filter(pk=export_id).update(
            status=ExportStatus.DONE, rows=rows, file=export.file.name, finished_at=timezone.now()
        )
        record_event("hazard.export", actor=export.created_by, obj=export, message=f"{rows} rows")
    return ExportStatus.DONE


def delete_old_export_files_once(now) -> int:
    """Forget the files of exports finished before now − HAZARD_EXPORT_FILE_DAYS (the rows and
    their audit events stay). Idempotent; returns the number of files deleted."""
    cutoff = now - dt.timedelta(days=settings.HAZARD_EXPORT_FILE_DAYS)

    def audit(pks):
        record_event(
            "hazard_export.files_deleted",
            object_type="hazards.hazardexport",
            message=f"{len(pks)} export file(s) finished before {cutoff.isoformat()}",
            after={"exports": pks[:200]},
            actor_label="sweep",
        )

    return forget_files(HazardExport.objects.filter(finished_at__lt=cutoff), on_batch=audit)
