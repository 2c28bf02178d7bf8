"""/api/v1/hazards: the ledger (keyset pages), one hazard with its events, creating hazards and
applying any action of the loop."""

import datetime as dt
from typing import Annotated, Literal, Union

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema
from pydantic import BaseModel, Field

from hazardloop.accounts.access import (
    has_perm_anywhere,
    in_scope_or_404,
    memberships_query,
    remember_memberships,
    require,
)
from hazardloop.core.api import ApiError, Code, Day, Id, RegionCode, Text, When
from hazardloop.core.prepared import Prepared, run_together
from hazardloop.hazards import bulk, schemas, services, workflow
from hazardloop.hazards.access import EVENTS, access_hazard
from hazardloop.hazards.choices import OPEN_STATUSES, Grade, Source
from hazardloop.hazards.filters import HazardFilterForm, apply_filters, page
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.schemas import PhotoIds
from hazardloop.units.models import Unit

router = Router(tags=["hazards"])


class HazardRow(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    region_code: str
    title: str
    category: str
    grade: str
    grade_reason: str
    determination: str = Field(
        description="`not_needed`, `pending` (a possible major hazard no rule set decides: a "
        "collective discussion or expert review determines it) or `determined`."
    )
    status: str
    source: str
    source_ref: str
    found_at: dt.datetime
    due_at: dt.datetime | None
    original_due_at: dt.datetime | None
    closed_at: dt.datetime | None
    overdue: bool
    supervision_level: str
    listed_level: str
    campaign_id: int | None
    version: int


class EventOut(BaseModel):
    id: int
    kind: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    reason: str
    data: dict


class HazardOut(HazardRow):
    description: str
    legal_basis: str
    rule_refs: list
    grade_overridden: bool
    responsible_person: str
    measures: str
    events: list[EventOut]
    actions: list[str]


# The responses are built as plain dicts and their schemas are plain pydantic models (no
# per-field resolvers, no ninja getter wrapped around every row): the ledger's rows and the
# workflow step's answer are the hottest paths of the API.
_ROW_FIELDS = [name for name in HazardRow.model_fields if name not in ("unit_name", "overdue")]
_DETAIL_FIELDS = [
    "description",
    "legal_basis",
    "rule_refs",
    "grade_overridden",
    "responsible_person",
    "measures",
]


def hazard_row(hazard: Hazard, now) -> dict:
    """One ledger row (HazardRow) of a hazard read with its unit."""
    out = {name: getattr(hazard, name) for name in _ROW_FIELDS}
    out["unit_name"] = hazard.unit.name
    out["overdue"] = hazard.is_overdue(now)
    return out


def _events_of(hazard: Hazard) -> list:
    """Its events in order: those read with it (`access_hazard(events=True)`, plus what a step
    wrote since), else read now."""
    known = getattr(hazard, "known_events", None)
    return known if known is not None else EVENTS(hazard.pk)


def hazard_detail(hazard: Hazard, user) -> dict:
    """The hazard (HazardOut) with its events and the actions `user` may take now."""
    out = hazard_row(hazard, timezone.now())
    for name in _DETAIL_FIELDS:
        out[name] = getattr(hazard, name)
    out["events"] = [
        {
            "id": e.pk,
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.get_username() if e.actor_id else None,
            "at": e.at,
            "reason": e.reason,
            "data": e.data,
        }
        for e in _events_of(hazard)
    ]
    out["actions"] = [a.name for a in workflow.available_actions(user, hazard)]
    return out


class HazardPage(BaseModel):
    items: list[HazardRow]
    next: str | None


class HazardIn(Schema):
    unit_id: Id
    source: Code = Source.MANUAL
    description: Text()
    title: Text(200) = ""
    category: Code = ""
    legal_basis: Text(400) = ""
    rule_refs: Annotated[list[Text(40)], Field(max_length=50)] = []
    default_grade: Code = Grade.GENERAL
    source_ref: Text(200) = ""
    photo_ids: PhotoIds = []
    found_at: When | None = None
    fixed_on_spot: bool = False
    after_photo_ids: PhotoIds = []
    campaign_id: Id | None = None


# The transitions body: one schema per action of the table, told apart by `action`.
TransitionIn = Annotated[
    Union[tuple(a.schema for a in workflow.ACTIONS.values() if a.schema)],  # noqa: UP007
    Field(discriminator="action"),
]


class LedgerQuery(Schema):
    q: Text(100) | None = Field(
        None, description="Free text: a part of the title, the description or the unit's name."
    )
    region: RegionCode | None = None
    unit: Id | None = None
    sector: Code | None = None
    grade: Code | None = None
    status: Code | None = None
    overdue: Code | None = None
    lapsed: Code | None = None
    source: Code | None = None
    determination: Literal["not_needed", "pending", "determined"] | None = None
    campaign: Id | None = None
    found_from: Day | None = None
    found_to: Day | None = None
    due_from: Day | None = None
    due_to: Day | None = None
    assigned: Literal["me"] | None = Field(
        None, description="`me`: only the hazards the caller is assigned to as expert."
    )
    on_or_before: Day | None = Field(
        None,
        description="Jump by date: the page starts at the newest hazard found on or before "
        "this day (local time); `next` goes on to older ones from there.",
    )
    after: Text(200) | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


def _invalid(errors) -> ApiError:
    items = [
        {"field": field, "message": str(msg), "type": "invalid"}
        for field, msgs in errors.items()
        for msg in msgs
    ]
    return ApiError(422, "invalid", _("The request is not valid."), items)


def _hazard(request, hazard_id: Id) -> Hazard:
    """The hazard with its events (both endpoints that read it answer with them)."""
    return access_hazard(request.auth, hazard_id, events=True)


_NO_FILTERS: dict = {}
# The unit a new hazard is recorded at, by its id, compiled once; the scope is checked on the
# row (`in_scope_or_404`).
_UNIT = Prepared(lambda pk: Unit.objects.filter(pk=pk))


def _cleaned(raw: dict) -> dict:
    """The filter form's cleaned data (422 when invalid). With no filter (the commonest page)
    the answer is always the same, worked out once: building the form copies its 16 fields."""
    if not raw:
        if not _NO_FILTERS:
            form = HazardFilterForm({})
            if not form.is_valid():  # pragma: no cover (every field is optional)
                raise _invalid(form.errors)
            _NO_FILTERS.update(form.cleaned_data)
        return dict(_NO_FILTERS)
    form = HazardFilterForm(raw)
    if not form.is_valid():
        raise _invalid(form.errors)
    return form.cleaned_data


@router.get("", response=HazardPage)
def list_hazards(request, filters: Query[LedgerQuery]):
    """The ledger, newest first. Pass `next` back as `after` for the following page."""
    user = request.auth
    if not has_perm_anywhere(user, "hazard.view"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    raw = {
        k: v
        for k, v in filters.dict().items()
        if v is not None and k not in ("after", "limit", "assigned", "on_or_before")
    }
    qs = apply_filters(Hazard.objects.visible_to(user), _cleaned(raw))
    if filters.assigned == "me":
        qs = qs.filter(assignments__expert=user)
    # Plain rows of just the columns a row shows (no model instances, no unit loaded whole).
    qs = qs.values(*_ROW_FIELDS, "unit__name")
    rows, cursor = page(
        qs, filters.after, size=max(1, min(filters.limit, 200)), on_or_before=filters.on_or_before
    )
    now = timezone.now()
    for row in rows:
        row["unit_name"] = row.pop("unit__name")
        row["overdue"] = (
            row["status"] in OPEN_STATUSES and row["due_at"] is not None and row["due_at"] < now
        )
    return {"items": rows, "next": cursor}


class BulkOrderIn(Schema):
    ids: Annotated[list[Id], Field(min_length=1, max_length=bulk.MAX_ITEMS)]
    due_at: When | None = Field(None, description="Deadline; the province's default when left out.")
    measures: Text() = ""
    responsible_person: Text(50) = ""
    reason: Text() = ""


class BulkRefusal(BaseModel):
    id: int
    code: str
    reason: str


class BulkOrderOut(BaseModel):
    ordered: list[HazardRow]
    refused: list[BulkRefusal]


@router.post("/bulk/order", response=BulkOrderOut)
def bulk_order(request, payload: BulkOrderIn):
    """Order several found hazards with one deadline and the same measures.

    Each hazard is ordered exactly as `POST /{hazard_id}/transitions` with `action: order`
    would (scope, role, status, audit, notifications), on its own: a refusal of one never undoes
    the others. `refused` names each hazard not ordered with its `code` (`not_found`,
    `permission_denied`, `not_allowed_now`, `changed`, `invalid`) and translated `reason`.
    When none was ordered: 404 if none is in the caller's scope, 403 if the caller's role may
    order none of them, otherwise 409 `nothing_ordered` with the reasons in `errors`.
    """
    if not has_perm_anywhere(request.auth, "hazard.order"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    order = schemas.OrderIn(
        action="order",
        due_at=payload.due_at,
        measures=payload.measures,
        responsible_person=payload.responsible_person,
        reason=payload.reason,
    )
    result = bulk.order_many(request.auth, payload.ids, order)
    now = timezone.now()
    return {
        "ordered": [hazard_row(h, now) for h in result.ordered],
        "refused": [
            {"id": r.hazard_id, "code": r.code, "reason": r.reason} for r in result.refused
        ],
    }


@router.get("/{hazard_id}", response=HazardOut)
def get_hazard(request, hazard_id: Id):
    return hazard_detail(_hazard(request, hazard_id), request.auth)


@router.post("", response={201: HazardOut})
def create(request, payload: HazardIn):
    """Record a hazard at a unit in the caller's scope."""
    user = request.auth
    # The unit, and the caller's memberships for the scope check when still to be read, in
    # one round trip.
    memberships = memberships_query(user)
    if memberships is None:
        found = _UNIT(payload.unit_id)
    else:
        found, rows = run_together((_UNIT, (payload.unit_id,)), memberships)
        remember_memberships(user, rows)
    unit = in_scope_or_404(
        user,
        found[0] if found else None,
        perm="hazard.view",
        region_attr="region_id",
        unit_attr="pk",
    )
    require(user, "hazard.create", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    hazard = services.create_hazard(
        unit,
        actor=user,
        source=payload.source,
        description=payload.description,
        category=payload.category,
        title=payload.title,
        legal_basis=payload.legal_basis,
        rule_refs=payload.rule_refs,
        default_grade=payload.default_grade,
        source_ref=payload.source_ref,
        photo_ids=payload.photo_ids,
        found_at=payload.found_at,
        fixed_on_spot=payload.fixed_on_spot,
        after_photo_ids=payload.after_photo_ids,
        campaign_id=payload.campaign_id,
    )
    return 201, hazard_detail(hazard, user)


@router.post("/{hazard_id}/transitions", response=HazardOut)
def transition(request, hazard_id: Id, payload: Body[TransitionIn]):
    """Apply one action of the loop; the body's fields depend on `action` (one schema per
    action: order, plan, start, submit, verify, reject, close, request_extension,
    approve_extension, refuse_extension, override_grade, assign_expert, advise).

    With `version`, the action is refused (409 `changed`) if the hazard changed since. Who may
    act is decided by the action's service: 403 for a role that may not, 409
    `not_allowed_now` for the wrong status.
    """
    hazard = _hazard(request, hazard_id)
    workflow.perform(hazard, payload, actor=request.auth)
    # The hazard as the step left it: the compare-and-swap UPDATE wrote exactly the values
    # `workflow.apply` set on this object (status, version, the action's columns).
    return hazard_detail(hazard, request.auth)
