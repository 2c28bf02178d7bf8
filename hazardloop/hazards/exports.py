"""The ledger as .xlsx or .csv, written by the background worker, never inside a web request.

`start_export` records the request (the filters, the format, the language) and queues the
task; the worker runs `run_export_once`, which claims the export, writes the rows the creator
may export through the shared table writer (lib/sheets.py: flat memory, text always text,
progress the page polls) and stores the file for its creator alone. At most
HAZARD_EXPORT_MAX_ROWS rows are written (newest first); a capped export says so in its last
row and on its page. `delete_old_export_files_once` forgets the files after
HAZARD_EXPORT_FILE_DAYS.

Per row nothing is translated and no time zone is looked up: the labels are translated once per
export, the times converted with lib.sheets.LocalMinutes (one offset per hour).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Q, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.core.storage import forget_files
from hazardloop.hazards.choices import ExportStatus, Grade, Source, Status, SupervisionLevel
from hazardloop.hazards.filters import HazardFilterForm, apply_filters
from hazardloop.hazards.models import Hazard, HazardExport
from hazardloop.lib.sheets import (
    FORMATS,
    XLSX,
    LocalMinutes,
    LocalMinuteText,
    progress_of,
    save_export,
    write_table,
)
from hazardloop.regions.models import Region

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
CHUNK = 5000


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


def _labels(choices) -> dict[str, str]:
    """A choice's codes → their labels, translated once (not once per row)."""
    return {code: str(label) for code, label in choices.choices}


def capped_note(rows: int, matched: int) -> str:
    return _(
        "Only the newest %(rows)s of the %(matched)s matching hazards are in this file (the "
        "limit HAZARD_EXPORT_MAX_ROWS). Narrow the filters to export the rest."
    ) % {"rows": f"{rows:,}", "matched": f"{matched:,}"}


TIMES = ("found_at", "due_at", "original_due_at", "closed_at")


def ledger_rows(qs, *, now, limit: int):
    """The rows of `qs` (newest first, at most `limit`) as lists of cell values, in the active
    language. On PostgreSQL the times arrive as local text and "overdue" as a boolean, both
    computed by the database (no datetime is parsed per row); elsewhere LocalMinutes converts
    them."""
    grades, statuses = _labels(Grade), _labels(Status)
    sources, levels = _labels(Source), _labels(SupervisionLevel)
    names = {r.code: r.name for r in Region.objects.only("code", "name_zh", "name_en")}
    yes = _("yes")
    done = (Status.VERIFIED, Status.CLOSED)
    qs = qs.order_by("-found_at", "-id")
    if LocalMinuteText.in_database(connection):
        zone = timezone.get_current_timezone_name()
        overdue = Q(due_at__lt=now) & ~Q(status__in=done)
        qs = qs.annotate(
            **{f"{name}_text": LocalMinuteText(name, zone) for name in TIMES},
            overdue=Case(When(overdue, then=True), default=False, output_field=BooleanField()),
        )
        fields = [f"{f}_text" if f in TIMES else f for f in FIELDS]
        fields.insert(fields.index("due_at_text") + 1, "overdue")
        rows = qs.values_list(*fields)[:limit].iterator(chunk_size=CHUNK)

        def local(value):
            return value
    else:
        local = LocalMinutes(timezone.get_current_timezone())
        rows = (
            (*row[:10], row[9] is not None and row[9] < now and row[6] not in done, *row[10:])
            for row in qs.values_list(*FIELDS)[:limit].iterator(chunk_size=CHUNK)
        )
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
        late,
        orig,
        closed,
        level,
        basis,
    ) in rows:
        yield [
            pk,
            unit,
            names.get(region, region),
            title,
            grades.get(grade, grade),
            reason,
            statuses.get(status, status),
            sources.get(source, source),
            local(found),
            local(due),
            local(orig),
            yes if late else "",
            local(closed),
            levels.get(level, level),
            basis,
        ]


def write_ledger(qs, fh, *, now, fmt: str = XLSX, progress=None) -> tuple[int, int]:
    """Write the hazards of `qs` (newest first, at most HAZARD_EXPORT_MAX_ROWS) to the binary
    file `fh` as `fmt`, in the active language; returns (rows written, rows matched)."""
    limit = settings.HAZARD_EXPORT_MAX_ROWS
    matched = qs.count()
    note = capped_note(limit, matched) if matched > limit else ""
    rows = write_table(
        fh,
        fmt,
        title=_("Hazard ledger"),
        header=_header(),
        rows=ledger_rows(qs, now=now, limit=limit),
        note=note,
        total=min(matched, limit),
        progress=progress,
    )
    return rows, matched


def start_export(*, actor, params: dict, fmt: str = XLSX) -> HazardExport:
    """Queue an export of the ledger rows matching `params` (the ledger's filters) that `actor`
    may export, as `fmt` (.xlsx or .csv). ValidationError (nothing written) when a filter or
    the format is not valid."""
    from hazardloop.hazards.jobs import run_hazard_export

    if fmt not in FORMATS:
        raise ValidationError(_("Choose .xlsx or .csv."))
    params = {k: str(v) for k, v in params.items() if k in HazardFilterForm.base_fields and v}
    form = HazardFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.errors)
    params["_language"] = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        export = HazardExport.objects.create(created_by=actor, params=params, format=fmt)
        record_event(
            "hazard.export_requested", actor=actor, obj=export, after={**params, "format": fmt}
        )
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
            fmt = export.format if export.format in FORMATS else XLSX
            stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
            rows, matched = save_export(
                export.file,
                f"hazards-{stamp}-{export.pk}",
                fmt,
                lambda fh: write_ledger(
                    qs,
                    fh,
                    now=now,
                    fmt=fmt,
                    progress=progress_of(HazardExport.objects.filter(pk=export_id)),
                ),
            )
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
            status=ExportStatus.DONE,
            rows=rows,
            matched=matched,
            done=rows,
            total=rows,
            file=export.file.name,
            finished_at=timezone.now(),
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
