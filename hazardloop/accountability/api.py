"""GET/POST /api/v1/accountability/cases, GET /api/v1/accountability/cases/{id} and
POST /api/v1/accountability/cases/{id}/transitions."""

import datetime as dt
from typing import Annotated, Literal, Union

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hazardloop.accountability import services
from hazardloop.accountability.access import DECIDE, access_case, visible_cases
from hazardloop.accountability.choices import Measure
from hazardloop.accountability.facts import fact_lines, link_rows
from hazardloop.accountability.filters import CaseFilters, filter_cases
from hazardloop.accountability.manual import resolve_subject
from hazardloop.accounts.access import has_perm_anywhere, scope_for
from hazardloop.core.api import ApiError, Code, Id, Pagination, RegionCode, Text, Version
from hazardloop.regions.models import Region

router = Router(tags=["accountability"])


class CaseLinkOut(Schema):
    kind: str
    label: str
    url: str


class CaseOut(Schema):
    id: int
    region: str
    source_kind: str
    source_id: int | None
    title: str
    status: str
    subject_kind: str
    subject_name: str
    measure: str
    measure_note: str
    decision_note: str
    outcome: str
    description: str
    facts: list[str] = Field(description="The facts in the reader's language.")
    links: list[CaseLinkOut]
    chain: dict = Field(
        description="The responsibility chain as it stood when the case was raised (frozen): "
        "`unit` (name, principal, safety_manager, managers), `sector` (departments with their "
        "regulators), `department`, `region` (each level's leaders and work-safety office)."
    )
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    measure_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_facts(obj):
        return fact_lines(obj)

    @staticmethod
    def resolve_links(obj):
        return link_rows(obj)


class CaseListQuery(Schema):
    status: Code | None = None
    source: Code | None = None
    region: RegionCode | None = None
    measure: Code | None = None


class CaseIn(Schema):
    region: RegionCode
    title: Text(200)
    subject_kind: Literal["person", "unit", "department", "region"]
    subject_name: Text(200) = ""
    description: Text()
    unit_id: Id | None = None
    department_id: Id | None = None
    user_id: Id | None = None
    subject_region: RegionCode | None = None
    idempotency_key: Text(120) | None = None


class CaseConfirmIn(Schema):
    action: Literal["confirm"]
    version: Version | None = None
    note: Text() = ""


class CaseDismissIn(Schema):
    action: Literal["dismiss"]
    version: Version | None = None
    reason: Text()


class CaseDecideIn(Schema):
    action: Literal["decide"]
    version: Version | None = None
    measure: Literal[tuple(Measure.values)]  # type: ignore[valid-type]
    note: Text() = ""


class CaseCloseIn(Schema):
    action: Literal["close"]
    version: Version | None = None
    outcome: Text()


CaseTransitionIn = Annotated[
    Union[CaseConfirmIn, CaseDismissIn, CaseDecideIn, CaseCloseIn],  # noqa: UP007
    Field(discriminator="action"),
]


def _forbidden() -> ApiError:
    return ApiError(403, "permission_denied", _("Your role does not allow this action here."))


@router.get("/cases", response=list[CaseOut])
@paginate(Pagination)
def list_cases(request, filters: Query[CaseListQuery]):
    """Accountability cases of your regions and below, newest first (filters: status, source,
    region, measure). Units' own people hold no accountability permission: 403."""
    if not has_perm_anywhere(request.user, "accountability.view"):
        raise _forbidden()
    data = CaseFilters(
        status=filters.status or "",
        source=filters.source or "",
        region=filters.region or "",
        measure=filters.measure or "",
    )
    return filter_cases(visible_cases(request.user).select_related("region"), data)


@router.post("/cases", response={201: CaseOut})
def create_case(request, payload: CaseIn):
    """Raise a case by hand at `region` (needs accountability.decide there); it starts
    confirmed. The subject is a unit (`unit_id`), a department (`department_id`), a person
    (`user_id`, or only `subject_name`) or a lower-level government (`subject_region`)."""
    if scope_for(request.user, DECIDE).is_empty:
        raise _forbidden()
    region = Region.objects.filter(code=payload.region).first()
    if region is None or not scope_for(request.user, "accountability.view").covers_region(
        region.code
    ):
        raise ApiError(404, "not_found", _("Not found."))
    subject = resolve_subject(
        request.user,
        region,
        kind=payload.subject_kind,
        name=payload.subject_name,
        unit_id=payload.unit_id,
        department_id=payload.department_id,
        user_id=payload.user_id,
        region_code=payload.subject_region or "",
    )
    with transaction.atomic():
        case = services.open_case(
            actor=request.user,
            region=region,
            title=payload.title,
            description=payload.description,
            idempotency_key=payload.idempotency_key,
            **subject,
        )
    return 201, case


@router.get("/cases/{case_id}", response=CaseOut)
def get_case(request, case_id: Id):
    return access_case(request.user, case_id)


@router.post("/cases/{case_id}/transitions", response=CaseOut)
def transition_case(request, case_id: Id, payload: CaseTransitionIn):
    """Confirm or dismiss (with `reason`) a proposal, decide the measure of a confirmed case,
    close a case whose measure was carried out (`outcome`). Wrong status: 409
    `not_allowed_now`; a stale `version`: 409 `changed`; in scope without
    accountability.decide: 403."""
    case = access_case(request.user, case_id)
    note = getattr(payload, "note", "") or getattr(payload, "reason", "") or ""
    note = note or getattr(payload, "outcome", "") or ""
    return services.transition(
        case,
        payload.action,
        actor=request.user,
        note=note,
        measure=getattr(payload, "measure", ""),
        version=payload.version,
    )
