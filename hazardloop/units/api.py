"""/api/v1/units: list (same filters as the page), create, read, change, import."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from hazardloop.accounts.access import can, get_in_scope_or_404, has_perm_anywhere, require
from hazardloop.core.api import ApiError, Pagination
from hazardloop.lib import phones, uscc
from hazardloop.regions.models import Region, Sector
from hazardloop.units import services
from hazardloop.units.choices import GasUse
from hazardloop.units.filters import UnitFilter
from hazardloop.units.importing.rows import UNIT_REGION_LEVELS
from hazardloop.units.importing.run import import_units
from hazardloop.units.messages import phone_message, uscc_message
from hazardloop.units.models import Unit

router = Router(tags=["units"])


class ContactSchema(Schema):
    role_title: str
    name: str
    phone: str


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


class UnitPatch(Schema):
    name: str | None = None
    uscc: str | None = None
    region: str | None = None
    sector: str | None = None
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    floor_area_m2: int | None = None
    floors: int | None = None
    is_high_rise: bool | None = None
    is_underground: bool | None = None
    business_hours: str | None = None
    is_fire_key_unit: bool | None = None
    is_crowded_place: bool | None = None
    is_public_gathering: bool | None = None
    is_important_place: bool | None = None
    gas_use: GasUse | None = None
    lpg_cylinders: int | None = None
    lpg_stored_kg: int | None = None
    principal_name: str | None = None
    principal_phone: str | None = None
    safety_manager_name: str | None = None
    safety_manager_phone: str | None = None
    contacts: list[ContactSchema] | None = None

    @field_validator("lpg_cylinders", "lpg_stored_kg", "floor_area_m2", "floors")
    @classmethod
    def _not_negative(cls, value):
        if value is not None and value < 0:
            raise ValueError("must not be negative")
        return value


class UnitIn(UnitPatch):
    name: str
    uscc: str
    region: str
    sector: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    committed: bool
    errors: list[dict]


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
    region: str = "",
    sector: str = "",
    gas: str = "",
    risk: str = "",
    key: str = "",
    crowded: str = "",
    gathering: str = "",
    q: str = "",
    sort: str = "name",
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
def get_unit(request, unit_id: int):
    return _detail(request, unit_id)


@router.patch("/{int:unit_id}", response=UnitDetailOut)
def patch_unit(request, unit_id: int, payload: UnitPatch):
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


@router.post("/import", response=ImportOut)
def import_file(request, file: File[UploadedFile], dry_run: Form[bool] = True):
    """Check (dry_run, the default) or import a spreadsheet, synchronously; all or nothing.
    Use the web page or `manage.py import_units` for very large files."""
    if not has_perm_anywhere(request.user, "unit.import"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    result = import_units(file, file.name or "", user=request.user, commit=not dry_run)
    return result.as_dict()
