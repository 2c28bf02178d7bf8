"""Import and export pages: upload, dry-run report, commit, export, progress, downloads."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accounts.access import get_own_or_404, has_perm_anywhere
from hazardloop.lib.sheets import CONTENT_TYPES, FORMATS
from hazardloop.lib.sheets import XLSX as XLSX_FORMAT
from hazardloop.units import services
from hazardloop.units.choices import JOB_BADGE, JobKind
from hazardloop.units.exports import write_units
from hazardloop.units.filters import UnitFilter
from hazardloop.units.forms import ImportForm
from hazardloop.units.importing.columns import COLUMNS
from hazardloop.units.importing.mapping import cell_lang, mapping_view
from hazardloop.units.models import UnitJob
from hazardloop.units.workflow import JobChangedMeanwhile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAMS = ("region", "sector", "gas", "risk", "key", "crowded", "gathering", "q", "sort")


def _need(request, perm: str) -> None:
    if not has_perm_anywhere(request.user, perm):
        raise PermissionDenied(_("Your role does not allow this action here."))


def _own_job(request, pk: int) -> UnitJob:
    return get_own_or_404(request.user, UnitJob.objects.all(), pk=pk)


@login_required
def import_start(request):
    _need(request, "unit.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.start_import(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("units:job", pk=job.pk)
    recent = UnitJob.objects.filter(created_by=request.user).order_by("-id")[:10]
    status = 400 if form.errors else 200
    return render(
        request,
        "units/import_start.html",
        {"form": form, "columns": COLUMNS, "recent": recent, "badge": JOB_BADGE},
        status=status,
    )


@login_required
def import_template(request):
    """The import template: the header row, one example row, and a sheet explaining columns."""
    _need(request, "unit.import")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append([c.template_header for c in COLUMNS])
    sheet.append([c.example for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = max(12, len(column.template_header) * 2 + 2)
    notes = workbook.create_sheet("说明")
    notes.append(["列", "必填", "说明"])
    for column in COLUMNS:
        notes.append([column.template_header, "是" if column.required else "", str(column.label)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type=XLSX,
    )
    response["Content-Disposition"] = 'attachment; filename="units-template.xlsx"'
    return response


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@login_required
def job_detail(request, pk: int):
    job = _own_job(request, pk)
    context = {"job": job, "badge": JOB_BADGE}
    if job.kind == JobKind.IMPORT and job.is_finished and job.table:
        context["mapping"] = mapping_view(job.table)
    # a problem's column is the sheet's header: marked with its language, like the mapping's
    context["error_rows"] = [{**e, "lang": cell_lang(e.get("column", ""))} for e in job.errors]
    if request.htmx:
        return render(request, "units/partials/_job_progress.html", context)
    return render(request, "units/job_detail.html", context)


@login_required
@require_POST
def job_commit(request, pk: int):
    job = _own_job(request, pk)
    _need(request, "unit.import")
    try:
        services.commit_import(job, actor=request.user)
    except (ValueError, JobChangedMeanwhile) as refusal:
        messages.error(request, str(refusal))
    return redirect("units:job", pk=job.pk)


@login_required
@require_POST
def job_remap(request, pk: int):
    """The mapping step: check the file again with the columns as the user mapped them (one
    `col-<index>` field per column: a field name, or empty to ignore the column)."""
    job = _own_job(request, pk)
    _need(request, "unit.import")
    choices = {
        key.removeprefix("col-"): value
        for key, value in request.POST.items()
        if key.startswith("col-") and key.removeprefix("col-").isdigit()
    }
    try:
        services.remap_import(job, actor=request.user, choices=choices)
    except (ValueError, JobChangedMeanwhile) as refusal:  # MappingError is a ValueError
        messages.error(request, str(refusal))
    return redirect("units:job", pk=job.pk)


@login_required
@require_POST
def export_start(request):
    _need(request, "unit.export")
    params = {k: request.POST[k] for k in EXPORT_PARAMS if request.POST.get(k)}
    fmt = request.POST.get("format") or XLSX_FORMAT
    if fmt not in FORMATS:
        messages.error(request, _("Choose .xlsx or .csv."))
        return redirect("units:list")
    unit_filter = UnitFilter(params, request.user, perm="unit.export")
    unit_filter.queryset()  # validates the parameters
    for error in unit_filter.errors:
        messages.warning(request, error)
    options = unit_filter.values | _sort(params) | ({"format": fmt} if fmt != XLSX_FORMAT else {})
    job = services.start_export(actor=request.user, params=options)
    return redirect("units:job", pk=job.pk)


@login_required
def export_stream(request):
    """The export as a direct download, for a short list only (at most
    UNIT_EXPORT_INLINE_MAX_ROWS units): the same columns, scope (`unit.export`) and filters as
    the export job. A longer list is never written in the request: the page says to use the
    Export button (a background job)."""
    _need(request, "unit.export")
    unit_filter = UnitFilter(request.GET, request.user, perm="unit.export")
    qs = unit_filter.queryset()
    limit = settings.UNIT_EXPORT_INLINE_MAX_ROWS
    if qs[: limit + 1].count() > limit:
        messages.warning(
            request,
            _(
                "More than %(n)s units match: use the Export button; the file is written in "
                "the background and offered for download when it is ready."
            )
            % {"n": f"{limit:,}"},
        )
        return redirect(f"{reverse('units:list')}?{request.GET.urlencode()}")
    services.record_streamed_export(actor=request.user, params=unit_filter.values)
    buffer = io.BytesIO()
    write_units(qs, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="units-{stamp}.xlsx"'
    return response


def _sort(params: dict) -> dict:
    return {"sort": params["sort"]} if params.get("sort") else {}


@login_required
def job_download(request, pk: int):
    job = _own_job(request, pk)
    if job.kind != JobKind.EXPORT or not job.file:
        raise Http404(_("Not found."))
    fmt = "csv" if job.file.name.endswith(".csv") else XLSX_FORMAT
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"units-{job.created_at:%Y%m%d-%H%M}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
