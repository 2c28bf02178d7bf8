"""/api/v1/units: list (same filters as the page), create, read, change; imports run as
background jobs (202 and a status URL)."""

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hazardloop.accounts.access import (
    can,
    get_in_scope_or_404,
    get_own_or_404,
    has_perm_anywhere,
    require,
)
from hazardloop.core.api import (
    MAX_INT,
    ApiError,
    Code,
    Error,
    FormBool,
    Id,
    ObjectIn,
    Pagination,
    RegionCode,
    Text,
)
from hazardloop.lib import phones, uscc
from hazardloop.regions.models import Region, Sector
from hazardloop.units import services
from hazardloop.units.choices import GasUse, JobKind
from hazardloop.units.filters import UnitFilter
from hazardloop.units.importing.mapping import MappingError, clean_choices
from hazardloop.units.importing.rows import UNIT_REGION_LEVELS
from hazardloop.units.messages import phone_message, uscc_message
from hazardloop.units.models import Unit, UnitJob
from hazardloop.units.workflow import JobChangedMeanwhile

router = Router(tags=["units"])


NAME = Text(50)
PHONE = Text(32)
SMALL = Annotated[int, Field(ge=0, le=32767)]  # PositiveSmallIntegerField
COUNT = Annotated[int, Field(ge=0, le=MAX_INT)]  # PositiveIntegerField
LATITUDE = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
LONGITUDE = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]


class ContactSchema(Schema):
    role_title: NAME
    name: NAME
    phone: PHONE


class UnitOut(Schema):
    id: int
    public_id: str
    name: str
    uscc: str
    region: str
    region_name: str
    sector: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    floor_area_m2: int | None
    floors: int | None
    is_high_rise: bool
    is_underground: bool
    business_hours: str
    is_fire_key_unit: bool
    is_crowded_place: bool
    is_public_gathering: bool
    is_important_place: bool
    gas_use: str
    lpg_cylinders: int
    lpg_stored_kg: int
    principal_name: str
    principal_phone: str
    safety_manager_name: str
    safety_manager_phone: str
    risk_level: str
    risk_computed: str
    risk_score: int
    risk_override: str
    risk_override_reason: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.sector_id


class UnitDetailOut(UnitOut):
    contacts: list[ContactSchema]
    supervising_departments: list[int]

    @staticmethod
    def resolve_contacts(obj) -> list[dict]:
        return [
            {"role_title": c.role_title, "name": c.name, "phone": c.phone}
            for c in obj.contacts.all()
        ]

    @staticmethod
    def resolve_supervising_departments(obj) -> list[int]:
        return [d.pk for d in obj.supervising_departments.all()]


class UnitPatch(ObjectIn):
    name: Text(200) | None = None
    uscc: Text(18) | None = None
    region: RegionCode | None = None
    sector: Code | None = None
    address: Text(300) | None = None
    latitude: LATITUDE | None = None
    longitude: LONGITUDE | None = None
    floor_area_m2: COUNT | None = None
    floors: SMALL | None = None
    is_high_rise: bool | None = None
    is_underground: bool | None = None
    business_hours: Text(100) | None = None
    is_fire_key_unit: bool | None = None
    is_crowded_place: bool | None = None
    is_public_gathering: bool | None = None
    is_important_place: bool | None = None
    gas_use: GasUse | None = None
    lpg_cylinders: SMALL | None = None
    lpg_stored_kg: COUNT | None = None
    principal_name: NAME | None = None
    principal_phone: PHONE | None = None
    safety_manager_name: NAME | None = None
    safety_manager_phone: PHONE | None = None
    contacts: Annotated[list[ContactSchema], Field(max_length=50)] | None = None


class UnitIn(UnitPatch):
    name: Text(200)
    uscc: Text(18)
    region: RegionCode
    sector: Code


class ImportProgressOut(Schema):
    done: int
    total: int
    percent: int


class ImportCountsOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: int


class ImportRowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportColumnOut(Schema):
    index: int
    letter: str
    header: str
    field: str
    how: str
    samples: list[str]


class ImportJobOut(Schema):
    """An import job: its state, progress, counts, problems and the column mapping."""

    id: int
    state: str
    state_label: str
    dry_run: bool
    file_name: str
    progress: ImportProgressOut
    counts: ImportCountsOut
    errors: list[ImportRowErrorOut]
    message: str
    header_row: int | None
    columns: list[ImportColumnOut]
    unknown_columns: list[str]
    missing_fields: list[str]
    status_url: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("The request is not valid."),
        [{"field": field, "message": message, "type": "invalid"}],
    )


# What only a regulator changes: the unit's identity and its designations.
REGULATOR_ONLY = ("uscc", "region", "sector", "is_fire_key_unit", "is_important_place")


def _clean(payload: UnitPatch, *, regulator: bool, scope_user) -> tuple[dict, list | None]:
    """Validated PROFILE_FIELDS data from the fields that were sent."""
    sent = payload.model_dump(exclude_unset=True)
    contacts = sent.pop("contacts", None)
    data = {}
    for key, value in sent.items():
        if value is None and key not in ("latitude", "longitude", "floor_area_m2", "floors"):
            continue
        if key in REGULATOR_ONLY and not regulator:
            raise PermissionDenied(_("Only a regulator may change %(field)s.") % {"field": key})
        if key == "uscc":
            try:
                value = uscc.validate(value)
            except uscc.USCCError as error:
                raise _invalid("uscc", uscc_message(error)) from None
        elif key == "region":
            if not Region.objects.filter(code=value, level__in=UNIT_REGION_LEVELS).exists():
                raise _invalid("region", _("Give the code of a county, district or township."))
            if not can(scope_user, "unit.create", region_code=value) and not can(
                scope_user, "unit.edit", region_code=value
            ):
                raise _invalid("region", _("This region is outside your jurisdiction."))
            key = "region_id"
        elif key == "sector":
            if not Sector.objects.filter(code=value).exists():
                raise _invalid("sector", _("Unknown sector %(code)s.") % {"code": value})
            key = "sector_id"
        elif key in ("principal_phone", "safety_manager_phone") and value:
            try:
                value = phones.validate(value)
            except phones.PhoneError as error:
                raise _invalid(key, phone_message(error)) from None
        elif key == "gas_use":
            value = GasUse(value).value
        data[key] = value
    if contacts is not None:
        for index, contact in enumerate(contacts):
            try:
                contact["phone"] = phones.validate(contact["phone"])
            except phones.PhoneError as error:
                raise _invalid(f"contacts.{index}.phone", phone_message(error)) from None
    return data, contacts


def _duplicate(request, error: services.DuplicateUSCC) -> ApiError:
    existing = error.existing
    visible = existing is not None and can(
        request.user, "unit.view", region_code=existing.region_id, unit_id=existing.pk
    )
    detail = (
        _("A unit with this unified social credit code already exists: id %(id)d.")
        % {"id": existing.pk}
        if visible
        else _("This code is already registered to a unit outside your jurisdiction.")
    )
    return ApiError(409, "duplicate_uscc", detail)


def _detail(request, pk: int) -> Unit:
    qs = Unit.objects.select_related("region", "sector").prefetch_related(
        "contacts", "supervising_departments"
    )
    return get_in_scope_or_404(request.user, qs, perm="unit.view", unit_field="pk", pk=pk)


@router.get("", response=list[UnitOut])
@paginate(Pagination)
def list_units(
    request,
    region: RegionCode = "",
    sector: Code = "",
    gas: Code = "",
    risk: Code = "",
    key: Code = "",
    crowded: Code = "",
    gathering: Code = "",
    q: Text(100) = "",
    sort: Code = "name",
):
    """Units in the caller's scope. Filters as on the list page: region (subtree), sector, gas,
    risk, key / crowded / gathering (1 or 0), q (name, USCC, address), sort."""
    params = {k: v for k, v in locals().items() if k != "request" and v}
    unit_filter = UnitFilter(params, request.user)
    qs = unit_filter.queryset()
    if unit_filter.errors:
        raise ApiError(
            422,
            "invalid",
            _("The request is not valid."),
            [{"field": "", "message": m, "type": "invalid"} for m in unit_filter.errors],
        )
    return unit_filter.ordered(qs.select_related("region"))


@router.post("", response={201: UnitDetailOut})
def create_unit(request, payload: UnitIn):
    """Register a unit (regulators, in their jurisdiction). 409 if the USCC exists."""
    if not has_perm_anywhere(request.user, "unit.create"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    data, contacts = _clean(payload, regulator=True, scope_user=request.user)
    require(request.user, "unit.create", region_code=data["region_id"])
    try:
        unit = services.create_unit(actor=request.user, data=data, contacts=contacts)
    except services.DuplicateUSCC as error:
        raise _duplicate(request, error) from None
    return 201, _detail(request, unit.pk)


@router.get("/{int:unit_id}", response=UnitDetailOut)
def get_unit(request, unit_id: Id):
    return _detail(request, unit_id)


@router.patch("/{int:unit_id}", response=UnitDetailOut)
def patch_unit(request, unit_id: Id, payload: UnitPatch):
    """Change the fields sent. Unit managers may not change the USCC, region, sector or the
    fire-safety key unit designation."""
    unit = _detail(request, unit_id)
    require(request.user, "unit.edit", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    regulator = can(request.user, "unit.edit", region_code=unit.region_id)
    data, contacts = _clean(payload, regulator=regulator, scope_user=request.user)
    try:
        services.update_unit(unit, actor=request.user, data=data, contacts=contacts)
    except services.DuplicateUSCC as error:
        raise _duplicate(request, error) from None
    return _detail(request, unit_id)


IMPORT_FILE_TYPES = (".xlsx", ".xlsm", ".csv")
# The import form's fields (a yes/no that is "true" or "false" only; ninja keeps the default
# only when it is given this way for an annotated type).
DRY_RUN = Form(True)
NO_MAPPING = Form("")


def _job_out(job: UnitJob) -> dict:
    table = job.table
    finished = job.is_finished
    return {
        "id": job.pk,
        "state": job.status,
        "state_label": str(job.get_status_display()),
        "dry_run": not job.commit_requested,
        "file_name": job.filename,
        "progress": {"done": job.done, "total": job.total, "percent": job.percent},
        "counts": {
            "rows": job.total if finished else job.done,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "errors": len(job.errors or []),
        },
        "errors": [
            {"row": e.get("row") or 0, "column": e.get("column", ""), "message": e["message"]}
            for e in job.errors or []
        ],
        "message": job.message,
        "header_row": table.get("header_row"),
        "columns": table.get("columns", []),
        "unknown_columns": table.get("unknown", []),
        "missing_fields": table.get("missing", []),
        "status_url": f"/api/v1/units/imports/{job.pk}",
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _mapping(raw: str) -> dict[str, str] | None:
    """The `mapping` form field: a JSON object {header text: field, or "" to ignore}."""
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _invalid(
            "mapping",
            _('Give the mapping as a JSON object: {"header in the sheet": "field", …}.'),
        )
    try:
        clean_choices(dict(enumerate(value.values())), len(value))
    except MappingError as error:
        raise _invalid("mapping", str(error)) from None
    return {k: v.strip() for k, v in value.items()}


@router.post(
    "/import",
    response={202: ImportJobOut, 401: Error, 403: Error, 413: Error, 422: Error},
)
def import_file(
    request,
    file: File[UploadedFile],
    dry_run: FormBool = DRY_RUN,
    mapping: Text(20000) = NO_MAPPING,
):
    """Queue a check (dry_run, the default) or an import of a spreadsheet (.xlsx, or .csv in
    UTF-8 or GB18030); all rows or none. Answers 202 at once with the job and its `status_url`
    (`GET /api/v1/units/imports/{id}`), which gives its state, progress, counts, per-row
    problems and the column mapping; `POST /api/v1/units/imports/{id}/commit` then imports a
    dry run without problems. Columns are recognised by name and meaning; `mapping`, a
    JSON object {"header in the sheet": "field", …} ("" to ignore a column), corrects them.

    401 without a valid token; 403 for a role that may not import; 413 for a file over
    IMPORT_MAX_BYTES; 422 for a file that is not .xlsx/.csv or a bad `mapping`."""
    if not has_perm_anywhere(request.user, "unit.import"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    if not (file.name or "").lower().endswith(IMPORT_FILE_TYPES):
        raise _invalid("file", _("Upload an .xlsx or a .csv file."))
    limit = settings.IMPORT_MAX_BYTES
    if file.size > limit:
        raise ApiError(
            413,
            "file_too_large",
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported. Split it.")
            % {"size": f"{file.size / 1024 / 1024:.0f}", "limit": f"{limit / 1024 / 1024:.0f}"},
        )
    job = services.start_import(
        actor=request.user, upload=file, dry_run=dry_run, mapping=_mapping(mapping)
    )
    job.refresh_from_db()
    return 202, _job_out(job)


@router.get("/imports/{int:job_id}", response={200: ImportJobOut, 401: Error, 404: Error})
def import_status(request, job_id: Id):
    """An import job started by the caller (through this API or the web page): state
    (queued, checking, checked, committing, committed, failed), progress, counts, per-row
    problems, the column mapping and the columns not imported. Anyone else's job is 404."""
    job = get_own_or_404(request.user, UnitJob.objects.filter(kind=JobKind.IMPORT), pk=job_id)
    return _job_out(job)


@router.post(
    "/imports/{int:job_id}/commit",
    response={202: ImportJobOut, 401: Error, 403: Error, 404: Error, 409: Error},
)
def import_commit(request, job_id: Id):
    """Import a file whose dry run (this job) found no problem, without uploading it again:
    queues the import and answers 202 with the job (follow its `status_url`). 409 when the job
    is not a checked dry run without problems (or its file was deleted after the retention
    period); 404 for anyone else's job."""
    job = get_own_or_404(request.user, UnitJob.objects.filter(kind=JobKind.IMPORT), pk=job_id)
    if not has_perm_anywhere(request.user, "unit.import"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    try:
        services.commit_import(job, actor=request.user)
    except (ValueError, JobChangedMeanwhile) as refusal:
        raise ApiError(409, "not_committable", str(refusal)) from None
    job.refresh_from_db()
    return 202, _job_out(job)
