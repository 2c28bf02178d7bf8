"""Raising and handling accountability cases. Every write is one transaction with one case
event and one audit event.

    proposed ─confirm─▶ confirmed ─decide─▶ measure_decided ─close─▶ closed
        └─dismiss (reason)─▶ dismissed

`propose_case` is the one entry of every automatic source (accountability/sources.py): it is
idempotent on (`source_kind`, `source_id`) — a second call for the same source returns None
and writes nothing. Manual cases (`open_case`) start confirmed: the person raising one is the
one who decides it is a case.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hazardloop.accountability import chain as chains
from hazardloop.accountability.access import DECIDE
from hazardloop.accountability.choices import CaseStatus, Measure, SourceKind, SubjectKind
from hazardloop.accountability.models import Case, CaseEvent
from hazardloop.accounts.access import require
from hazardloop.accounts.choices import Role
from hazardloop.audit.services import record_event
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.hazards.notices import regulators_over
from hazardloop.notifications.services import notify
from hazardloop.regions.models import Region

S = CaseStatus

PROPOSED_MESSAGE = gettext_noop("An accountability proposal waits for your decision: %(title)s.")
# Who is told of a new proposal: those who decide it (accountability.decide) over its region.
DECIDING_ROLES = (Role.REGULATOR, Role.LEADER)


class CaseChanged(Conflict):
    code = "changed"

    def __init__(self):
        super().__init__(_("This case changed meanwhile. Reload it and try again."))


class NotAllowedNow(Conflict):
    code = "not_allowed_now"


class CaseInputError(DomainError):
    status = 422
    code = "invalid"


@dataclass(frozen=True)
class Transition:
    sources: tuple
    target: str
    verb: str  # the audit action's verb and the event's action
    label: object


TRANSITIONS = {
    "confirm": Transition((S.PROPOSED,), S.CONFIRMED, "confirm", gettext_lazy("Confirm")),
    "dismiss": Transition((S.PROPOSED,), S.DISMISSED, "dismiss", gettext_lazy("Dismiss")),
    "decide": Transition((S.CONFIRMED,), S.MEASURE_DECIDED, "decide", gettext_lazy("Decide")),
    "close": Transition((S.MEASURE_DECIDED,), S.CLOSED, "close", gettext_lazy("Close the case")),
}


def allowed_actions(case: Case) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if case.status in t.sources]


def _event(case, action, before, *, actor, now, note="", data=None) -> None:
    CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=case.status,
        actor=actor,
        at=now,
        note=note,
        data=data or {},
    )


def propose_case(
    *,
    source_kind: str,
    source_id: int,
    region_code: str,
    title: str,
    subject_kind: str,
    subject_name: str,
    facts: list,
    links: list,
    now,
    unit=None,
    department=None,
    subject_region_code: str = "",
    sector_code: str = "",
) -> Case | None:
    """Raise a proposal from an automatic source, once per source; None when it exists."""
    if source_kind not in SourceKind.values or source_kind == SourceKind.MANUAL:
        raise ValueError(f"not an automatic source: {source_kind!r}")
    if Case.objects.filter(source_kind=source_kind, source_id=source_id).exists():
        return None
    snapshot = chains.snapshot(
        region_code=region_code,
        unit=unit,
        sector_code=sector_code,
        department=department,
        now=now,
    )
    try:
        with transaction.atomic():
            case = Case.objects.create(
                region_id=region_code,
                source_kind=source_kind,
                source_id=source_id,
                title=title[:200],
                subject_kind=subject_kind,
                subject_name=subject_name[:200],
                subject_unit=unit if subject_kind == SubjectKind.UNIT else None,
                subject_department=department if subject_kind == SubjectKind.DEPARTMENT else None,
                subject_region_id=subject_region_code or None,
                facts=facts,
                links=links,
                chain=snapshot,
                status=S.PROPOSED,
                proposed_at=now,
            )
            _event(case, "propose", "", actor=None, now=now)
            record_event(
                "accountability.propose",
                obj=case,
                actor_label="sweep",
                after={"status": case.status, "source": source_kind, "source_id": source_id},
                message=f"proposed from {source_kind}:{source_id}",
            )
            notify(
                regulators_over(region_code, roles=DECIDING_ROLES),
                key=f"accountability:{case.pk}",
                message=PROPOSED_MESSAGE,
                params={"title": case.title},
                link=reverse("accountability:detail", args=[case.pk]),
                obj=case,
            )
    except IntegrityError:
        # Another sweep raised it first (the unique source constraint): nothing more to do.
        return None
    return case


def open_case(
    *,
    actor,
    region: Region,
    title: str,
    subject_kind: str,
    subject_name: str,
    description: str,
    unit=None,
    department=None,
    subject_user=None,
    subject_region: Region | None = None,
    links: list | None = None,
    now=None,
    idempotency_key: str | None = None,
) -> Case:
    """A case raised by hand (needs accountability.decide over `region`); it starts confirmed."""
    now = now or timezone.now()
    require(actor, DECIDE, region_code=region.code, obj=region)
    if subject_kind not in SubjectKind.values:
        raise CaseInputError(_("Choose who is held to account."))
    if not title.strip() or not subject_name.strip() or not description.strip():
        raise CaseInputError(_("Give the title, the subject and the facts."))
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    snapshot = chains.snapshot(
        region_code=(unit.region_id if unit else region.code),
        unit=unit,
        department=department,
        now=now,
    )
    with transaction.atomic():
        case = Case.objects.create(
            region=region,
            source_kind=SourceKind.MANUAL,
            source_id=None,
            title=title.strip()[:200],
            subject_kind=subject_kind,
            subject_name=subject_name.strip()[:200],
            subject_unit=unit,
            subject_department=department,
            subject_user=subject_user,
            subject_region=subject_region,
            description=description.strip(),
            links=links or [],
            chain=snapshot,
            status=S.CONFIRMED,
            proposed_at=now,
            decided_at=now,
            created_by=actor,
            decided_by=actor,
            idempotency_key=idempotency_key or None,
        )
        _event(case, "open", "", actor=actor, now=now)
        record_event(
            "accountability.open",
            actor=actor,
            obj=case,
            after={"status": case.status, "subject_kind": subject_kind},
        )
    return case


def transition(
    case: Case,
    action: str,
    *,
    actor,
    note: str = "",
    measure: str = "",
    version: int | None = None,
    now=None,
) -> Case:
    """Move the case by `action` (confirm, dismiss, decide, close) if its status and version are
    still the ones read. The permission is checked here, never by the caller."""
    now = now or timezone.now()
    require(actor, DECIDE, region_code=case.region_id, obj=case)
    step = TRANSITIONS.get(action)
    if step is None:
        raise CaseInputError(_("Unknown action."))
    if case.status not in step.sources:
        raise NotAllowedNow(
            _("This is not possible while the case is %(status)s.")
            % {"status": case.get_status_display()}
        )
    if version is not None and version != case.version:
        raise CaseChanged()
    note = (note or "").strip()
    changes: dict = {"status": step.target, "version": case.version + 1, "updated_at": now}
    if action == "dismiss":
        if not note:
            raise CaseInputError(_("Give the reason for dismissing the proposal."))
        changes.update(decided_at=now, decided_by=actor, decision_note=note)
    elif action == "confirm":
        changes.update(decided_at=now, decided_by=actor, decision_note=note)
    elif action == "decide":
        if measure not in Measure.values:
            raise CaseInputError(_("Choose the measure."))
        changes.update(measure=measure, measure_note=note, measure_at=now)
    elif action == "close":
        if not note:
            raise CaseInputError(_("Say how the measure was carried out."))
        changes.update(outcome=note, closed_at=now)
    before = case.status
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=case.version, status=before).update(
            **changes
        )
        if not updated:
            raise CaseChanged()
        for key, value in changes.items():
            setattr(case, key, value)
        data = {"measure": measure} if action == "decide" else {}
        _event(case, step.verb, before, actor=actor, now=now, note=note, data=data)
        record_event(
            f"accountability.{step.verb}",
            actor=actor,
            obj=case,
            before={"status": before},
            after={"status": case.status, **data},
        )
    return case
