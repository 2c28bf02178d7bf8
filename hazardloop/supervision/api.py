"""/api/v1/hazards/{id}/documents (list, issue) and /api/v1/documents/{id}."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hazardloop.accounts.access import get_in_scope_or_404, require
from hazardloop.core.api import ApiError, Code, Codes, Day, Id, ObjectIn, Pagination, Text, When
from hazardloop.hazards.deadlines import work_calendar
from hazardloop.hazards.models import Hazard
from hazardloop.supervision import queries, services
from hazardloop.supervision.choices import ISSUABLE_KINDS
from hazardloop.supervision.clocks import clocks_for
from hazardloop.supervision.models import EnforcementDocument

router = Router(tags=["documents"])


class ClockOut(Schema):
    label: str
    basis: str
    due: dt.date | None
    done_at: dt.datetime | None
    state: str
    # Years whose holiday calendar is not loaded: `due` is then an estimate, never later than
    # the true limit, and `note` says so.
    estimated_years: list[int]
    note: str


class DocumentOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    hazard_id: int
    unit_id: int
    region_code: str
    department: str
    issued_at: dt.datetime
    served_at: dt.datetime | None
    rectify_due_at: dt.datetime | None
    reply_due_at: dt.datetime | None
    seal_from: dt.date | None
    seal_until: dt.date | None
    content_hash: str
    pdf_url: str
    verify_url: str
    clocks: list[ClockOut]
    content: dict

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return reverse("supervision:document_pdf", args=[obj.pk])

    @staticmethod
    def resolve_verify_url(obj) -> str:
        return reverse("supervision:verify", args=[obj.token])

    @staticmethod
    def resolve_clocks(obj) -> list:
        return getattr(obj, "clocks", None) or clocks_for(obj, unrecorded=True)


class DocumentIn(ObjectIn):
    kind: Code = Field(
        description="immediate_order, deadline_order, major_hazard_notice, temporary_seal"
    )
    department_id: Id | None = Field(None, description="default: your most local department")
    checked_at: When | None = None
    rectify_due_at: When | None = None
    seal_from: Day | None = None
    seal_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    seal_place: Text(200) = ""
    situations: Codes = []
    penalty_codes: Codes | None = None
    note: str = Field("", max_length=500)
    idempotency_key: str | None = Field(None, max_length=64)


def _hazard(request, hazard_id: int) -> Hazard:
    return get_in_scope_or_404(
        request.user,
        Hazard.objects.select_related("unit"),
        perm="hazard.view",
        region_field="region_code",
        unit_field="unit",
        pk=hazard_id,
    )


@router.get("/hazards/{hazard_id}/documents", response=list[DocumentOut])
@paginate(Pagination)
def list_documents(request, hazard_id: Id):
    """The documents issued on a hazard, oldest first, with their legal clocks."""
    hazard = _hazard(request, hazard_id)
    calendar = work_calendar()
    now = timezone.now()
    docs = list(queries.hazard_documents(hazard))
    for doc in docs:
        doc.hazard = hazard
        doc.clocks = clocks_for(doc, now=now, calendar=calendar, unrecorded=True)
    return docs


@router.post("/hazards/{hazard_id}/documents", response={201: DocumentOut})
def issue_document(request, hazard_id: Id, payload: DocumentIn):
    """Number and issue a document on the hazard (regulators and inspectors of its region).

    Send an `idempotency_key` to make a retry safe: the same key returns the same document.
    """
    hazard = _hazard(request, hazard_id)
    require(
        request.user,
        "hazard.enforce",
        region_code=hazard.region_code,
        unit_id=hazard.unit_id,
        obj=hazard,
    )
    if payload.kind not in ISSUABLE_KINDS:
        raise ApiError(422, "invalid", _("This kind of document cannot be issued by hand."))
    departments = services.issuing_departments(request.user, hazard)
    if payload.department_id is None:
        if not departments:
            raise PermissionDenied(_("None of your departments may issue documents here."))
        department = departments[0]
    else:
        department = next((d for d in departments if d.pk == payload.department_id), None)
        if department is None:
            raise ApiError(
                422, "invalid", _("You may not issue documents for this department here.")
            )
    for name in ("checked_at", "rectify_due_at"):
        value = getattr(payload, name)
        if value is not None and timezone.is_naive(value):
            raise ApiError(422, "invalid", _("Give a date and time with a time zone."))
    doc = services.issue_document(
        hazard,
        actor=request.user,
        kind=payload.kind,
        department=department,
        checked_at=payload.checked_at,
        rectify_due_at=payload.rectify_due_at,
        seal_from=payload.seal_from,
        seal_days=payload.seal_days,
        seal_place=payload.seal_place,
        situations=payload.situations,
        penalty_codes=payload.penalty_codes,
        note=payload.note,
        idempotency_key=f"api:{request.user.pk}:{payload.idempotency_key}"
        if payload.idempotency_key
        else None,
    )
    doc.hazard = hazard
    return 201, doc


@router.get("/documents/{doc_id}", response=DocumentOut)
def get_document(request, doc_id: Id):
    return get_in_scope_or_404(
        request.user,
        EnforcementDocument.objects.select_related("hazard", "department"),
        perm="hazard.view",
        region_field="region_code",
        unit_field="unit",
        pk=doc_id,
    )
