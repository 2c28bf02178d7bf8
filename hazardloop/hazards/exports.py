"""The ledger as .xlsx: rows read in chunks, written by openpyxl in write-only mode to a
temporary file, and streamed back in blocks (memory stays flat however many rows)."""

import tempfile

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from hazardloop.audit.services import record_event
from hazardloop.hazards.choices import Grade, Source, Status, SupervisionLevel
from hazardloop.lib.cells import xlsx_row
from hazardloop.regions.models import Region


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def xlsx_response(qs, *, actor) -> FileResponse:
    limit = getattr(settings, "HAZARD_EXPORT_MAX_ROWS", 200_000)
    now = timezone.now()
    grades, statuses = dict(Grade.choices), dict(Status.choices)
    sources, levels = dict(Source.choices), dict(SupervisionLevel.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Hazard ledger"))
    names = {r.code: r.name for r in Region.objects.all()}
    sheet.append(
        [
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
    )
    rows = (
        qs.select_related("unit")
        .order_by("-found_at", "-id")
        .values_list(
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
        )[:limit]
    )
    count = 0
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
        overdue = status not in (Status.VERIFIED, Status.CLOSED) and due is not None and due < now
        sheet.append(
            xlsx_row(
                sheet,
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
                ],
            )
        )
        count += 1
    # The response closes the file when it has been sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(handle)
    handle.seek(0)
    record_event(
        "hazard.export", actor=actor, object_type="hazards.hazard", message=f"{count} rows"
    )
    name = f"hazards-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
