"""Every unit page and API endpoint against the standard cast (hazardloop/testing.py)."""

import io
import re

from django.core.files.base import ContentFile

from hazardloop.lib import uscc
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    INVALID,
    LOGIN,
    ScopeCase,
    everyone,
    expect,
    file_of,
    scope_expectations,
)
from hazardloop.units.choices import JobKind, JobStatus
from hazardloop.units.models import UnitJob

# A detail page of cast.unit (Nanguan): every department role of Changchun or Nanguan may look.
DETAIL = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
# Lists: out-of-scope users get the page without the row.
LIST = DETAIL
# Editing cast.unit: regulators of Nanguan and above, and the unit's own manager.
EDIT = scope_expectations(inspector=DENY, duty_officer=DENY, expert=DENY, leader=DENY)
# Regulator-only actions on the unit (risk override): the unit manager may see but not act.
OVERRIDE = scope_expectations(
    inspector=DENY, duty_officer=DENY, expert=DENY, leader=DENY, unit_manager=DENY
)
# Actions that need a regulator somewhere: others are refused (403), not hidden.
REGULATOR_ACTION = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=DENY,
    neighbour_inspector=DENY,
    neighbour_regulator=ALLOW,
    duty_officer=DENY,
    expert=DENY,
    leader=DENY,
    unit_manager=DENY,
    other_unit_manager=DENY,
)
# Registering a unit in Nanguan: a neighbouring regulator gets the form back (Nanguan is not
# among their regions).
CREATE_IN_NANGUAN = {**REGULATOR_ACTION, "neighbour_regulator": INVALID}
# Exports: whoever may export gets their own scope's rows (a neighbour's export is empty).
EXPORT_ACTION = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=ALLOW,
    neighbour_regulator=ALLOW,
    duty_officer=DENY,
    expert=DENY,
    leader=ALLOW,
    unit_manager=DENY,
    other_unit_manager=DENY,
)
# A job belongs to its creator (the Nanguan regulator): to anyone else it does not exist.
OWN_JOB = {**everyone(HIDE), "regulator": ALLOW}
PUBLIC = everyone(ALLOW, anonymous=ALLOW)
XLSX = file_of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
JOB_PAGE = re.compile(r"/units/jobs/\d+/")


def _unit(cast):
    return cast.unit


def _marker(unit):
    return unit.uscc


def _checked_job(cast):
    data = "单位名称,统一社会信用代码,所属区域,行业\n新饭店,{},南关区,餐饮\n".format(
        uscc.generate("220102")
    )
    job = UnitJob(
        kind=JobKind.IMPORT,
        status=JobStatus.CHECKED,
        created_by=cast.regulator,
        filename="units.csv",
        total=1,
        done=1,
        created=1,
    )
    job.file.save("scope-case.csv", ContentFile(data.encode()), save=False)
    job.save()
    return job


def _mapped_job(cast):
    """A checked import whose dry run recorded the columns: its mapping may be corrected."""
    job = _checked_job(cast)
    headers = ["单位名称", "统一社会信用代码", "所属区域", "行业"]
    fields = ["name", "uscc", "region", "sector"]
    columns = [
        {"index": i, "letter": "ABCD"[i], "header": h, "field": f, "how": "exact", "samples": []}
        for i, (h, f) in enumerate(zip(headers, fields, strict=True))
    ]
    table = {"header_row": 1, "signature": "s", "columns": columns, "unknown": [], "missing": []}
    job.params = {"header_row": 1, "table": table}
    job.save(update_fields=["params"])
    return job


def _export_job(cast):
    job = UnitJob(kind=JobKind.EXPORT, status=JobStatus.DONE, created_by=cast.regulator)
    job.file.save("scope-case.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    return job


def _new_unit_form(cast, obj):
    return {
        "name": "新登记饭店",
        "uscc": uscc.generate("220102"),
        "region": "220102",
        "sector": "catering",
        "gas_use": "pipeline",
        "lpg_cylinders": "0",
        "lpg_stored_kg": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }


def _edit_form(cast, obj):
    unit = cast.unit
    return {
        "name": unit.name + "（改）",
        "uscc": unit.uscc,
        "region": unit.region_id,
        "sector": unit.sector_id,
        "gas_use": unit.gas_use,
        "lpg_cylinders": "0",
        "lpg_stored_kg": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }


def _csv_upload(cast, obj):
    text = "单位名称,统一社会信用代码,所属区域,行业\n检查用饭店,{},南关区,餐饮\n".format(
        uscc.generate("220102")
    )
    upload = io.BytesIO(text.encode())
    upload.name = "units.csv"
    return {"file": upload}


def _api_new_unit(cast, obj):
    return {
        "name": "接口登记饭店",
        "uscc": uscc.generate("220102"),
        "region": "220102",
        "sector": "catering",
    }


def _json_row(unit):
    return f'"id": {unit.pk},'


def _unit_page(cast, unit):
    return f"/units/{unit.pk}/"


CASES = [
    ScopeCase(
        "unit list",
        "units:list",
        lambda c, o: "/units/",
        LIST,
        make=_unit,
        is_list=True,
        marker=_marker,
    ),
    # The unit picker (ledger filter and other forms): the same scope as the unit list.
    ScopeCase(
        "unit picker",
        "units:pick",
        lambda c, o: f"/units/pick/?field=unit&unit-q={o.uscc}",
        LIST,
        make=_unit,
        is_list=True,
        marker=_marker,
    ),
    ScopeCase(
        "unit page",
        "units:detail",
        lambda c, o: f"/units/{o.pk}/",
        DETAIL,
        make=_unit,
        marker=_marker,
    ),
    ScopeCase(
        "unit QR (SVG)",
        "units:qr_svg",
        lambda c, o: f"/units/{o.pk}/qr.svg",
        DETAIL,
        make=_unit,
        check=file_of("image/svg+xml"),
    ),
    ScopeCase(
        "unit QR (PNG)",
        "units:qr_png",
        lambda c, o: f"/units/{o.pk}/qr.png",
        DETAIL,
        make=_unit,
        check=file_of("image/png"),
    ),
    ScopeCase(
        "edit form",
        "units:edit",
        lambda c, o: f"/units/{o.pk}/edit/",
        EDIT,
        make=_unit,
        marker=_marker,
    ),
    ScopeCase(
        "edit (save)",
        "units:edit",
        lambda c, o: f"/units/{o.pk}/edit/",
        EDIT,
        make=_unit,
        method="post",
        data=_edit_form,
        redirect=_unit_page,
    ),
    ScopeCase(
        "risk override",
        "units:risk",
        lambda c, o: f"/units/{o.pk}/risk/",
        OVERRIDE,
        make=_unit,
        method="post",
        data={"level": "red", "reason": "检查发现多处隐患"},
        redirect=_unit_page,
    ),
    ScopeCase(
        "new unit form",
        "units:create",
        lambda c, o: "/units/new/",
        REGULATOR_ACTION,
        marker=lambda o: 'name="uscc"',
    ),
    ScopeCase(
        "new unit (save)",
        "units:create",
        lambda c, o: "/units/new/",
        CREATE_IN_NANGUAN,
        method="post",
        data=_new_unit_form,
        redirect=lambda c, o: re.compile(r"/units/\d+/"),
    ),
    ScopeCase(
        "public page (no sign-in)",
        "units:public",
        lambda c, o: f"/u/{o.public_id}/",
        PUBLIC,
        make=_unit,
        marker=lambda o: o.name,
    ),
    ScopeCase(
        "import page",
        "units:import",
        lambda c, o: "/units/import/",
        REGULATOR_ACTION,
        marker=lambda o: 'type="file"',
    ),
    ScopeCase(
        "import upload",
        "units:import",
        lambda c, o: "/units/import/",
        REGULATOR_ACTION,
        method="post",
        data=_csv_upload,
        redirect=lambda c, o: JOB_PAGE,
    ),
    ScopeCase(
        "import template",
        "units:import_template",
        lambda c, o: "/units/import/template.xlsx",
        REGULATOR_ACTION,
        check=XLSX,
    ),
    ScopeCase(
        "export",
        "units:export",
        lambda c, o: "/units/export/",
        EXPORT_ACTION,
        method="post",
        data={"region": "220102"},
        redirect=lambda c, o: JOB_PAGE,
    ),
    ScopeCase(
        "streamed export",
        "units:export_stream",
        lambda c, o: "/units/export.xlsx?region=220102",
        EXPORT_ACTION,
        check=XLSX,
    ),
    ScopeCase(
        "job page",
        "units:job",
        lambda c, o: f"/units/jobs/{o.pk}/",
        OWN_JOB,
        make=_mapped_job,  # with its mapping step, rendered in both languages
        marker=lambda o: o.filename,
    ),
    ScopeCase(
        "job commit",
        "units:job_commit",
        lambda c, o: f"/units/jobs/{o.pk}/commit/",
        OWN_JOB,
        make=_checked_job,
        method="post",
        redirect=lambda c, o: f"/units/jobs/{o.pk}/",
    ),
    ScopeCase(
        "job column mapping",
        "units:job_remap",
        lambda c, o: f"/units/jobs/{o.pk}/mapping/",
        OWN_JOB,
        make=_mapped_job,
        method="post",
        data={"col-0": "name", "col-1": "uscc", "col-2": "region", "col-3": "sector"},
        redirect=lambda c, o: f"/units/jobs/{o.pk}/",
    ),
    ScopeCase(
        "export download",
        "units:job_download",
        lambda c, o: f"/units/jobs/{o.pk}/download/",
        OWN_JOB,
        make=_export_job,
        check=lambda r, c, o: r["Content-Disposition"].startswith("attachment"),
    ),
    ScopeCase(
        "API: units",
        "GET /api/v1/units",
        lambda c, o: "/api/v1/units?limit=500",
        LIST,
        make=_unit,
        api=True,
        is_list=True,
        marker=_marker,
    ),
    ScopeCase(
        "API: one unit",
        "GET /api/v1/units/{unit_id}",
        lambda c, o: f"/api/v1/units/{o.pk}",
        DETAIL,
        make=_unit,
        api=True,
        marker=_json_row,
    ),
    ScopeCase(
        "API: change a unit",
        "PATCH /api/v1/units/{unit_id}",
        lambda c, o: f"/api/v1/units/{o.pk}",
        EDIT,
        make=_unit,
        api=True,
        method="patch",
        data={"address": "人民大街1号"},
        content_type="application/json",
        check=lambda r, c, o: r.json()["id"] == o.pk and r.json()["address"] == "人民大街1号",
    ),
    ScopeCase(
        "API: register a unit",
        "POST /api/v1/units",
        lambda c, o: "/api/v1/units",
        CREATE_IN_NANGUAN,
        api=True,
        method="post",
        data=_api_new_unit,
        content_type="application/json",
        check=lambda r, c, o: r.status_code == 201 and r.json()["name"] == "接口登记饭店",
    ),
    ScopeCase(
        "API: import (dry run)",
        "POST /api/v1/units/import",
        lambda c, o: "/api/v1/units/import",
        REGULATOR_ACTION,
        api=True,
        method="post",
        data=_csv_upload,
        # The row is reported on either way: created, or refused (outside a neighbour's scope).
        # 202 and a queued dry run of the caller's own: the file is read by the worker
        check=lambda r, c, o: (
            r.status_code == 202
            and r.json()["dry_run"] is True
            and UnitJob.objects.filter(pk=r.json()["id"], status=JobStatus.QUEUED).exists()
        ),
    ),
    ScopeCase(
        "API: an import's status",
        "GET /api/v1/units/imports/{job_id}",
        lambda c, o: f"/api/v1/units/imports/{o.pk}",
        OWN_JOB,
        make=_checked_job,
        api=True,
        check=lambda r, c, o: r.json()["id"] == o.pk and r.json()["state"] == "checked",
    ),
    ScopeCase(
        "API: import a checked dry run",
        "POST /api/v1/units/imports/{job_id}/commit",
        lambda c, o: f"/api/v1/units/imports/{o.pk}/commit",
        OWN_JOB,
        make=_checked_job,
        api=True,
        method="post",
        check=lambda r, c, o: (
            r.status_code == 202 and UnitJob.objects.filter(pk=o.pk, commit_requested=True).exists()
        ),
    ),
]
