"""Issuing and serving enforcement documents. Every write goes through here.

Contracts:
- `issue_document(hazard, *, actor, kind, department, ...)` drafts and numbers one of the four
  documents a regulator or inspector issues by hand, in one transaction, with its audit event
  and a notification to the unit; the same `idempotency_key` twice returns the first document.
- `serve_document(doc, *, actor, served_at, note)` records service (送达) once.
- `issue_ladder_documents(...)` (used by the ladder sweep) numbers a batch of letters or listing
  notices with one counter bump per issuing department.
"""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accounts.access import memberships_of, scope_for
from hazardloop.accounts.choices import Role
from hazardloop.accounts.permissions import role_has
from hazardloop.audit.services import record_event
from hazardloop.hazards.choices import Grade
from hazardloop.hazards.deadlines import end_of_local_day
from hazardloop.hazards.notices import hazard_params, notify_unit
from hazardloop.regions import codes as region_codes
from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.models import Department
from hazardloop.supervision import authority, numbering, penalties
from hazardloop.supervision import content as content_mod
from hazardloop.supervision.choices import ISSUABLE_KINDS, DocumentKind, SealSituation
from hazardloop.supervision.clocks import SEAL_MAX_DAYS, local_date
from hazardloop.supervision.models import EnforcementDocument

ISSUED_MESSAGE = gettext_noop("%(kind)s %(number)s was issued to %(unit)s.")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def issuing_departments(user, hazard) -> list[Department]:
    """The departments the user may issue documents for on this hazard, most local first."""
    if not scope_for(user, "hazard.enforce").covers(hazard.region_code, None):
        return []
    depts = {
        m.department.pk: m.department
        for m in memberships_of(user)
        if m.department_id
        and role_has(m.role, "hazard.enforce")
        and hazard.region_code.startswith(m.region.prefix)
    }
    admin = getattr(user, "is_superuser", False) or any(
        m.role == Role.ADMIN for m in memberships_of(user)
    )
    if admin and not depts:
        code = hazard.region_code
        codes = set(region_codes.ancestor_codes(code))
        depts = {
            d.pk: d
            for d in Department.objects.filter(
                region_id__in=codes, kind__in=[DepartmentKind.FIRE, DepartmentKind.EMERGENCY]
            )
        }
    return sorted(
        depts.values(),
        key=lambda d: (-len(region_codes.prefix(d.region_id)), d.kind != "fire", d.pk),
    )


def _existing(key: str | None, hazard, kind: str) -> EnforcementDocument | None:
    if not key:
        return None
    doc = EnforcementDocument.objects.filter(idempotency_key=key).first()
    if doc is not None and (doc.hazard_id != hazard.pk or doc.kind != kind):
        raise ValidationError(_("This request key was already used for another document."))
    return doc


def _validate(hazard, kind, *, now, rectify_due_at, seal_from, seal_days, situations) -> dict:
    errors: dict[str, str] = {}
    if kind not in ISSUABLE_KINDS:
        errors["kind"] = _("This kind of document cannot be issued by hand.")
    if not hazard.is_open:
        errors["hazard"] = _("The hazard is already verified or closed.")
    if kind in (DocumentKind.DEADLINE_ORDER, DocumentKind.MAJOR_HAZARD_NOTICE):
        if rectify_due_at is None:
            errors["rectify_due_at"] = _("Set the date by which the unit must rectify.")
        elif local_date(rectify_due_at) <= local_date(now):
            errors["rectify_due_at"] = _("The rectification date must be after today.")
    if kind == DocumentKind.MAJOR_HAZARD_NOTICE and hazard.grade != Grade.MAJOR:
        errors["kind"] = _("Only a major hazard gets a major fire hazard rectification notice.")
    elif (
        kind == DocumentKind.MAJOR_HAZARD_NOTICE
        and (hazard.grade_basis or {}).get("kind") == "pending"
    ):
        errors["kind"] = _(
            "This hazard's grade is pending a determination: record the determination before "
            "issuing a major fire hazard rectification notice."
        )
    if kind == DocumentKind.TEMPORARY_SEAL:
        chosen = [s for s in situations if s in SealSituation.values]
        if not chosen or len(chosen) != len(situations):
            errors["situations"] = _(
                "Choose at least one of the five situations of Art. 22 that allow a seal-up."
            )
        if seal_from is None:
            errors["seal_from"] = _("Set the first day of the seal-up.")
        if not seal_days or not 1 <= seal_days <= SEAL_MAX_DAYS:
            errors["seal_days"] = _("A temporary seal-up lasts from 1 to %(max)d days.") % {
                "max": SEAL_MAX_DAYS
            }
    if errors:
        raise ValidationError(errors)
    return errors


def issue_document(hazard, *, actor, kind: str, department: Department, **options):
    """Number and issue one document on a hazard; raises ValidationError with field messages.

    Options (all keywords): `now`; `checked_at` (default: when the hazard was found) starts
    the legal clocks; `rectify_due_at` (default: the hazard's deadline); `seal_from`,
    `seal_days`, `seal_place`, `situations` for a seal-up; `penalty_codes` picks the penalty
    guidance printed on the document (default: what `penalties.guidance_for` matches); `note`;
    `idempotency_key`: the same key again returns the first document, even when two requests
    race (the loser's transaction, counter bump included, rolls back: no gap).
    """
    key = options.get("idempotency_key")
    try:
        with transaction.atomic():
            return _issue(hazard, actor=actor, kind=kind, department=department, **options)
    except IntegrityError:
        existing = _existing(key, hazard, kind)
        if existing is None:
            raise
        return existing


def _issue(
    hazard,
    *,
    actor,
    kind: str,
    department: Department,
    now: dt.datetime | None = None,
    checked_at: dt.datetime | None = None,
    rectify_due_at: dt.datetime | None = None,
    seal_from: dt.date | None = None,
    seal_days: int | None = None,
    seal_place: str = "",
    situations: list[str] | tuple = (),
    penalty_codes: list[str] | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> EnforcementDocument:
    now = now or timezone.now()
    if department.pk not in {d.pk for d in issuing_departments(actor, hazard)}:
        raise PermissionDenied(_("You may not issue documents for this department here."))
    existing = _existing(idempotency_key, hazard, kind)
    if existing is not None:
        return existing
    # Before a number is taken: a department issues only under its own law (the content
    # prints only the penalty guidance under that law).
    authority.require(department, kind)
    if kind in (DocumentKind.DEADLINE_ORDER, DocumentKind.MAJOR_HAZARD_NOTICE):
        rectify_due_at = rectify_due_at or hazard.due_at
    if kind == DocumentKind.IMMEDIATE_ORDER:
        rectify_due_at = None
    _validate(
        hazard,
        kind,
        now=now,
        rectify_due_at=rectify_due_at,
        seal_from=seal_from,
        seal_days=seal_days,
        situations=list(situations),
    )
    seal_until = None
    if kind == DocumentKind.TEMPORARY_SEAL:
        seal_until = seal_from + dt.timedelta(days=seal_days - 1)
    if penalty_codes is None:
        rules = penalties.guidance_for(hazard, now=now)
    else:
        unknown = [c for c in penalty_codes if c not in penalties.BY_CODE]
        if unknown:
            raise ValidationError({"penalties": _("Unknown penalty guidance.")})
        rules = [penalties.BY_CODE[c] for c in penalty_codes]
    year = timezone.localtime(now).year
    seq = numbering.allocate(department, kind, year)[0]
    number = numbering.format_number(numbering.prefix_base(department), kind, year, seq)
    body = content_mod.build(
        kind=kind,
        number=number,
        issuer=department,
        hazard=hazard,
        issued_at=now,
        rectify_due_at=rectify_due_at,
        seal_from=seal_from,
        seal_until=seal_until,
        seal_place=seal_place,
        situations=list(situations),
        penalties=penalties.as_content(rules),
        note=note,
    )
    doc = EnforcementDocument.objects.create(
        token=new_token(),
        kind=kind,
        department=department,
        year=year,
        seq=seq,
        number=number,
        hazard=hazard,
        unit=hazard.unit,
        region_code=hazard.region_code,
        issued_at=now,
        issued_by=actor,
        checked_at=checked_at or hazard.found_at,
        rectify_due_at=rectify_due_at,
        seal_from=seal_from,
        seal_until=seal_until,
        served_at=now if kind == DocumentKind.IMMEDIATE_ORDER else None,
        served_by=actor if kind == DocumentKind.IMMEDIATE_ORDER else None,
        served_note=_("Served on the spot") if kind == DocumentKind.IMMEDIATE_ORDER else "",
        content=body,
        content_hash=content_mod.content_hash(body),
        idempotency_key=idempotency_key or None,
    )
    record_event(
        "document.issued",
        actor=actor,
        obj=doc,
        region_code=doc.region_code,
        message=f"{doc.number} ({kind}) for hazard {hazard.pk}",
        after={"number": doc.number, "kind": kind, "hazard": hazard.pk, "hash": doc.content_hash},
    )
    notify_unit(
        hazard,
        key=f"document:{doc.pk}",
        message=ISSUED_MESSAGE,
        params=hazard_params(hazard, kind=doc.title_zh, number=doc.number),
    )
    return doc


@transaction.atomic
def serve_document(doc, *, actor, served_at: dt.datetime | None = None, note: str = ""):
    """Record that the document was served on the unit; once only ("changed meanwhile" after).

    `served_at` may not lie before the issue or in the future.
    """
    now = timezone.now()
    served_at = served_at or now
    if served_at < doc.issued_at - dt.timedelta(minutes=1) or served_at > now + dt.timedelta(
        minutes=5
    ):
        raise ValidationError({"served_at": _("The service date must lie between issue and now.")})
    updated = EnforcementDocument.objects.filter(pk=doc.pk, served_at__isnull=True).update(
        served_at=served_at, served_by=actor, served_note=note[:300]
    )
    if not updated:
        raise ValidationError(_("This document was already recorded as served."))
    doc.served_at, doc.served_by, doc.served_note = served_at, actor, note[:300]
    record_event(
        "document.served",
        actor=actor,
        obj=doc,
        region_code=doc.region_code,
        message=f"{doc.number} served",
        after={"served_at": served_at.isoformat(), "note": note[:300]},
    )
    return doc


def default_due(days: int, now: dt.datetime) -> dt.datetime:
    return end_of_local_day(timezone.localtime(now).date() + dt.timedelta(days=days))
