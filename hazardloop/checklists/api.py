"""Checklist API: the templates a user may use, and one version with its items (phone form)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from hazardloop.checklists.access import get_usable_template_or_404, usable_templates
from hazardloop.checklists.models import ChecklistVersion
from hazardloop.core.api import Code, Id, Pagination, Version

router = Router(tags=["checklists"])


class ItemOut(Schema):
    id: int
    code: str
    section_zh: str
    section_en: str
    text_zh: str
    text_en: str
    violation_zh: str
    violation_en: str
    guidance_zh: str
    guidance_en: str
    legal_basis: str
    basis_status: str
    basis_source: str
    other_duty_zh: str
    category: str
    default_grade: str
    rule_refs: list[str]
    element_limits: list[dict]
    answer_type: str
    number_min: Decimal | None
    number_max: Decimal | None
    number_unit: str
    photo_on_fail: bool


class TemplateOut(Schema):
    id: int
    code: str
    region_code: str
    title_zh: str
    title_en: str
    topic: str
    sectors: list[str]
    gas_uses: list[str]
    is_builtin: bool
    version_id: int | None
    version: int | None

    @staticmethod
    def resolve_version_id(obj) -> int | None:
        return obj.current[0].pk if obj.current else None

    @staticmethod
    def resolve_version(obj) -> int | None:
        return obj.current[0].number if obj.current else None


class VersionOut(Schema):
    id: int
    template_id: int
    code: str
    title_zh: str
    title_en: str
    number: int
    is_current: bool
    used_at: dt.datetime | None
    items: list[ItemOut]

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.template.code

    @staticmethod
    def resolve_title_zh(obj) -> str:
        return obj.template.title_zh

    @staticmethod
    def resolve_title_en(obj) -> str:
        return obj.template.title_en

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


@router.get("", response=list[TemplateOut])
@paginate(Pagination)
def list_templates(request, sector: Code | None = None, gas_use: Code | None = None):
    """Templates the user may use (built-in and their regions' copies), current version."""
    qs = usable_templates(request.user).prefetch_related(
        Prefetch(
            "versions", queryset=ChecklistVersion.objects.filter(is_current=True), to_attr="current"
        )
    )
    rows = list(qs.order_by("region_code", "code"))
    if sector:
        rows = [t for t in rows if not t.sectors or sector in t.sectors]
    if gas_use:
        rows = [t for t in rows if gas_use in t.gas_uses]
    return rows


@router.get("/{template_id}", response=VersionOut)
def get_template(request, template_id: Id, version: Version | None = None):
    """One version of a template with its items (the current one unless `version` is given)."""
    template = get_usable_template_or_404(request.user, template_id)
    versions = template.versions.select_related("template").prefetch_related("items")
    if version is not None:
        return get_object_or_404(versions, number=version)
    return get_object_or_404(versions, is_current=True)
