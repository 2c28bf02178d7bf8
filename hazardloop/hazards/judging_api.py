"""/api/v1/grading: rule sets (read by everyone who reads hazards, written by the province),
determinations of possible major hazards, and exclusions. Errors are field by field."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from hazardloop.accounts.access import get_in_scope_or_404, has_perm_anywhere
from hazardloop.core.api import Code, Day, Id, Text, Version
from hazardloop.hazards import services
from hazardloop.hazards.access import access_hazard
from hazardloop.hazards.grading import RuleSetError
from hazardloop.hazards.models import HazardDetermination, RuleSet
from hazardloop.hazards.services import judging
from hazardloop.hazards.services.create import unresolved_findings
from hazardloop.hazards.services.judging import exclusions_visible_to
from hazardloop.units.models import Unit

router = Router(tags=["grading"])


def _reader(user) -> None:
    if not has_perm_anywhere(user, "hazard.view"):
        raise PermissionDenied(_("Your role does not allow this action here."))


def _rule_set_errors(exc: RuleSetError) -> DjangoValidationError:
    return DjangoValidationError({f"document.{k}": v for k, v in exc.errors.items()})


class RuleSetRow(Schema):
    code: str
    family: str
    edition: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None
    version: int


class RuleSetOut(RuleSetRow):
    data: dict


class RuleSetVersionOut(Schema):
    number: int
    note: str
    saved_by: str | None
    saved_at: dt.datetime
    data: dict

    @staticmethod
    def resolve_saved_by(obj) -> str | None:
        return obj.saved_by.get_username() if obj.saved_by else None


class RuleSetIn(Schema):
    document: dict = Field(
        description="The rule set: code, family, edition, title, label, valid_from, valid_to, "
        "direct, comprehensive, places, thresholds, exclusions, maps (see docs/grading.md)."
    )
    note: Text(300) = Field("", description="Why it changes (kept with the version).")


@router.get("/rule-sets", response=list[RuleSetRow])
def list_rule_sets(request):
    _reader(request.auth)
    return list(RuleSet.objects.all())


@router.get("/rule-sets/{code}", response=RuleSetOut)
def get_rule_set(request, code: Text(40)):
    _reader(request.auth)
    return get_object_or_404(RuleSet, code=code)


@router.get("/rule-sets/{code}/versions", response=list[RuleSetVersionOut])
def rule_set_versions(request, code: Text(40)):
    _reader(request.auth)
    row = get_object_or_404(RuleSet, code=code)
    return list(row.versions.select_related("saved_by"))


@router.post("/rule-sets", response={200: RuleSetOut, 201: RuleSetOut})
def save_rule_set(request, payload: RuleSetIn):
    """Create a rule set or revise the one with the document's code (a new version). Province
    level only. Hazards pending a determination that it now decides are graded again."""
    existed = RuleSet.objects.filter(code=str(payload.document.get("code", ""))).exists()
    try:
        row = services.save_rule_set(payload.document, actor=request.auth, note=payload.note)
    except RuleSetError as exc:
        raise _rule_set_errors(exc) from exc
    return (200 if existed else 201), row


class TallyOut(Schema):
    on: dt.date
    edition: str = Field(description="The GB 35181 rule set in force on the date (empty: none).")
    last_edition: str
    grade: str
    pending: bool
    text: str


@router.get("/tally", response=TallyOut)
def tally(request, unit_id: Id, refs: Text(2000) = "", on: Day | None = None):
    """What failed answers carrying `refs` (comma-separated) add up to at the unit on `on`
    (today by default), with the unit's unresolved findings: the inspection form's note."""
    user = request.auth
    unit = get_in_scope_or_404(
        user, Unit.objects.all(), perm="hazard.view", unit_field="pk", pk=unit_id
    )
    wanted = [r.strip() for r in refs.split(",") if r.strip()][:200]
    return judging.answers_tally(
        unit,
        wanted,
        on or timezone.localdate(),
        unresolved=lambda: unresolved_findings(unit),
    )


class MemberIn(Schema):
    name: Text(50)
    organisation: Text(100) = ""
    vote: Code = Field(description="`agree` or `disagree` with the conclusion.")


class DeterminationIn(Schema):
    method: Code = Field(description="`collective` (≥ 3 members) or `expert` (≥ 7, ⅔ agreeing).")
    members: Annotated[list[MemberIn], Field(max_length=100)]
    conclusion: Code = Field(description="`major` or `general`.")
    basis: Text()
    basis_document: Text(200) = ""
    held_on: Day | None = None
    version: Version | None = None


class DeterminationOut(Schema):
    id: int
    hazard_id: int
    method: str
    members: list
    agreeing: int
    conclusion: str
    elements: list
    basis: str
    basis_document: str
    held_on: dt.date
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.get_username()


@router.get("/hazards/{hazard_id}/determinations", response=list[DeterminationOut])
def list_determinations(request, hazard_id: Id):
    hazard = access_hazard(request.auth, hazard_id)
    return list(HazardDetermination.objects.filter(hazard=hazard).select_related("recorded_by"))


@router.post("/hazards/{hazard_id}/determinations", response={201: DeterminationOut})
def determine(request, hazard_id: Id, payload: DeterminationIn):
    """Record the determination of a hazard whose `determination` is `pending`: 403 for a role
    that may not (or someone who holds a role in the unit), 409 when none is pending, 422 with
    the field's problems (too few members, too few agreeing, no basis)."""
    hazard = access_hazard(request.auth, hazard_id)
    if payload.version is not None and payload.version != hazard.version:
        raise services.HazardChanged(hazard)
    row = services.record_determination(
        hazard,
        actor=request.auth,
        method=payload.method,
        members=[m.dict() for m in payload.members],
        conclusion=payload.conclusion,
        basis=payload.basis,
        basis_document=payload.basis_document,
        held_on=payload.held_on,
    )
    return 201, row


class ExclusionIn(Schema):
    unit_id: Id
    element: Text(40) = Field(
        description="The element reviewed with its edition: gb35181-2017:7.3.10"
    )
    clause: Text(20) = Field(description="An exclusion clause of that edition, e.g. 5.1.3(1)")
    location: Text(200) = ""
    hazard_id: Id | None = None
    basis_document: Text(200)
    valid_until: Day
    note: Text()


class ExclusionOut(Schema):
    id: int
    unit_id: int
    element: str
    clause: str
    location: str
    hazard_id: int | None
    basis_document: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    ended_at: dt.datetime | None

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.get_username()


@router.get("/exclusions", response=list[ExclusionOut])
def list_exclusions(request, unit_id: Id | None = None):
    user = request.auth
    _reader(user)
    qs = exclusions_visible_to(user)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return list(qs.select_related("recorded_by")[:500])


@router.post("/exclusions", response={201: ExclusionOut})
def create_exclusion(request, payload: ExclusionIn):
    user = request.auth
    unit = get_in_scope_or_404(
        user, Unit.objects.all(), perm="hazard.view", unit_field="pk", pk=payload.unit_id
    )
    hazard = access_hazard(user, payload.hazard_id) if payload.hazard_id else None
    row = services.record_exclusion(
        unit,
        actor=user,
        element=payload.element,
        clause=payload.clause,
        location=payload.location,
        hazard=hazard,
        basis_document=payload.basis_document,
        valid_until=payload.valid_until,
        note=payload.note,
    )
    return 201, row


@router.post("/exclusions/{exclusion_id}/end", response=ExclusionOut)
def end_exclusion(request, exclusion_id: Id):
    row = get_object_or_404(
        exclusions_visible_to(request.auth).select_related("unit"), pk=exclusion_id
    )
    return services.end_exclusion(row, actor=request.auth)
