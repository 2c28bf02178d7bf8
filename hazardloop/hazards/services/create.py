"""Creating hazards and determining their grade (see hazards.services for the contract).

Each is `verb_noun(obj, *, actor, ...)`, runs in one transaction, writes its HazardEvent and
audit event through `workflow.apply`, and returns the updated object. Role checks
(PermissionDenied), status checks (NotAllowedNow) and concurrent changes (HazardChanged) are
raised before anything is written. Notifications go out after commit.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import batch as audit_batch
from hazardloop.audit.services import record_event
from hazardloop.core.prepared import insert_one
from hazardloop.core.references import campaign_covers
from hazardloop.evidence.services import claim_photos
from hazardloop.hazards import grading, unit_risk
from hazardloop.hazards.applicability import applicable_refs
from hazardloop.hazards.choices import (
    OPEN_STATUSES,
    Category,
    DeterminationState,
    EventKind,
    Grade,
    PhotoRole,
    Source,
    Status,
)
from hazardloop.hazards.deadlines import clock_for
from hazardloop.hazards.models import (
    Hazard,
    HazardEvent,
    HazardPhoto,
)
from hazardloop.hazards.rule_sets import GradingLookups
from hazardloop.hazards.workflow import HazardChanged, NotAllowedNow, apply

__all__ = ["HazardChanged", "NotAllowedNow"]


def _now(now):
    return now or timezone.now()


def _attach_photos(hazard, event, photo_ids, role, *, actor) -> list[int]:
    photos = claim_photos(
        photo_ids,
        actor=actor,
        unit_id=hazard.unit_id,
        region_code=hazard.region_code,
        ref=f"hazard:{hazard.pk}",
    )
    HazardPhoto.objects.bulk_create(
        [HazardPhoto(hazard=hazard, event=event, photo=p, role=role) for p in photos],
        ignore_conflicts=True,
    )
    return [p.pk for p in photos]


def unresolved_findings(unit, exclude_pk=None) -> list[tuple[dt.date, list[str]]]:
    """The unit's unresolved findings with rule references: (local finding date, refs)."""
    qs = Hazard.objects.filter(unit=unit, status__in=OPEN_STATUSES).exclude(rule_refs=[])
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return [
        (timezone.localtime(found_at).date(), refs or [])
        for found_at, refs in qs.order_by().values_list("found_at", "rule_refs")
    ]


def _local_day_end(day: dt.date) -> dt.datetime:
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start, timezone.get_default_timezone())


# --- creating --------------------------------------------------------------------------------


def create_hazard(
    unit,
    *,
    actor,
    source: str,
    description: str,
    category: str = "",
    title: str = "",
    legal_basis: str = "",
    rule_refs=(),
    default_grade: str = Grade.GENERAL,
    source_ref: str = "",
    photo_ids=(),
    due_at=None,
    found_at=None,
    fixed_on_spot: bool = False,
    after_photo_ids=(),
    campaign_id: int | None = None,
    responsible_person: str = "",
    measures: str = "",
) -> Hazard:
    """Record a hazard found at `unit`; returns it in status `found` (or `closed`).

    The grade is computed from `rule_refs` by the rule sets in force on the finding date
    (falling back to `default_grade`), and the unit's other unresolved hazards are determined
    again (a comprehensive threshold may now be reached). `photo_ids` (before-photos) must be
    photos stored for this unit. With `fixed_on_spot`, a general hazard is recorded as found and
    closed in one step with its `after_photo_ids`; a major hazard cannot be fixed on the spot.
    With `due_at`, the deadline is noted but ordering stays a separate step.
    """
    now = timezone.now()
    found_at = found_at or now
    description = (description or "").strip()
    if source not in Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    if not description:
        raise ValidationError({"description": _("Describe the hazard.")})
    if default_grade not in Grade.values:
        raise ValidationError({"default_grade": _("Unknown grade.")})
    if timezone.is_naive(found_at) or (due_at is not None and timezone.is_naive(due_at)):
        raise ValidationError(_("Times must carry a time zone."))
    if found_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"found_at": _("The finding cannot be in the future.")})
    if not campaign_covers(actor, campaign_id, unit):
        raise ValidationError(
            {"campaign_id": _("The campaign is unknown to you or does not cover this unit.")}
        )
    with transaction.atomic(), audit_batch():
        found_on = timezone.localtime(found_at).date()
        lookups = GradingLookups()  # the rule sets and exclusions, read once for this finding
        refs = grading.qualify_refs(
            [r for r in rule_refs or () if str(r).strip()], found_on, lookups
        )
        # Only the elements that apply at this unit (its sector, its place types), one per
        # rule family: regulations.md §12.1, §12.2 (hazards.applicability).
        refs = applicable_refs(unit, refs, found_on)
        result = grading.determine(
            unit,
            refs,
            on_date=found_on,
            default_grade=default_grade,
            unresolved=lambda: unresolved_findings(unit),
            lookups=lookups,
        )
        if fixed_on_spot and result.grade == Grade.MAJOR:
            raise ValidationError(
                _("A major hazard cannot be fixed on the spot: order its rectification.")
            )
        if fixed_on_spot and not after_photo_ids:
            raise ValidationError(
                {"after_photo_ids": _("A hazard fixed on the spot needs an after-photo.")}
            )
        # Built once per process, not compiled per call (core/prepared.py).
        hazard = insert_one(
            Hazard(
                unit=unit,
                region_code=unit.region_id,
                sector_code=unit.sector_id,
                source=source,
                source_ref=source_ref[:200],
                title=(title or description.splitlines()[0])[:200],
                description=description,
                category=category or Category.OTHER,
                grade=result.grade,
                grade_reason=result.reason[:400],
                grade_rule_set=result.rule_set,
                grade_basis=result.basis,
                legal_basis=legal_basis[:400],
                rule_refs=refs,
                # Corrected on the spot, a finding is never an element (regulations.md §12.1).
                determination=(
                    DeterminationState.PENDING
                    if result.pending and not fixed_on_spot
                    else DeterminationState.NOT_NEEDED
                ),
                responsible_person=responsible_person[:50],
                measures=measures,
                status=Status.CLOSED if fixed_on_spot else Status.FOUND,
                found_at=found_at,
                found_by=actor if getattr(actor, "is_authenticated", False) else None,
                due_at=due_at,
                original_due_at=due_at,
                closed_at=now if fixed_on_spot else None,
                campaign_id=campaign_id,
                **clock_for(
                    Status.CLOSED if fixed_on_spot else Status.FOUND,
                    found_at=found_at,
                    due_at=due_at,
                    submitted_at=None,
                    grade=result.grade,
                    category=category or Category.OTHER,
                ),
            )
        )
        kind = EventKind.FIXED_ON_SPOT if fixed_on_spot else EventKind.CREATED
        event = insert_one(
            HazardEvent(
                hazard=hazard,
                kind=kind,
                from_status="",
                to_status=hazard.status,
                actor=hazard.found_by,
                at=now,
                data={"grade": hazard.grade, "grade_reason": hazard.grade_reason},
            )
        )
        hazard.known_events = [event]  # all it has: the answer needs no read (access.py)
        if photo_ids:
            _attach_photos(hazard, event, photo_ids, PhotoRole.BEFORE, actor=actor)
        if fixed_on_spot:
            _attach_photos(hazard, event, after_photo_ids, PhotoRole.AFTER, actor=actor)
        record_event(
            "hazard.fixed_on_spot" if fixed_on_spot else "hazard.create",
            actor=actor,
            obj=hazard,
            after={"grade": hazard.grade, "status": hazard.status, "source": source},
        )
        if result.counted:
            _upgrade_counted(
                hazard, result, on_date=found_on, actor=actor, now=now, lookups=lookups
            )
        if hazard.is_open:
            unit_risk.refresh_units([unit.pk], actor=actor, now=now, read_first=False)
    return hazard


def _upgrade_counted(hazard, result, *, on_date: dt.date, actor, now, lookups=None) -> list[Hazard]:
    """Make the other open general hazards of `hazard`'s unit that carry the elements its
    determination `result` counted major.

    Only hazards found by `on_date` while the deciding rule set was in force: a later finding,
    or one judged under another rule set of the family, keeps its grade.
    """
    lookups = lookups or GradingLookups()
    rule_set = lookups.by_code(result.rule_set)
    last_day = min(on_date, rule_set.valid_to) if rule_set.valid_to else on_date
    changed = []
    candidates = (
        Hazard.objects.filter(
            unit_id=hazard.unit_id,
            status__in=OPEN_STATUSES,
            grade=Grade.GENERAL,
            grade_overridden=False,
            found_at__gte=_local_day_end(rule_set.valid_from - dt.timedelta(days=1)),
            found_at__lt=_local_day_end(last_day),
        )
        .exclude(pk=hazard.pk)
        .exclude(determination=DeterminationState.DETERMINED)
    )
    for other in candidates:
        found_on = timezone.localtime(other.found_at).date()
        under = grading.elements_under(rule_set, other.rule_refs, found_on, lookups)
        if not under & result.counted:
            continue  # its elements (of this edition, or mapped to it) were not counted
        apply(
            other,
            "regrade",
            actor=actor,
            now=now,
            reason=result.reason,
            data={"from": other.grade, "to": Grade.MAJOR, "basis": result.basis},
            changes={
                "grade": Grade.MAJOR,
                "grade_reason": result.reason[:400],
                "grade_rule_set": result.rule_set,
                "grade_basis": result.basis,
                "determination": DeterminationState.NOT_NEEDED,
            },
        )
        changed.append(other)
    return changed


def redetermine_unit(unit, *, actor, on_date: dt.date) -> list[Hazard]:
    """Determine again the grade of the unit's open, not overridden hazards on `on_date`.

    Comprehensive thresholds now reached make the hazards carrying the counted elements major;
    a recorded exclusion makes rule-graded majors general again. A threshold no longer reached
    (an element was rectified) does not downgrade: that needs a person's override. A hazard a
    person determined keeps that determination. Returns the hazards whose grade changed.
    """
    now = timezone.now()
    changed = []
    with transaction.atomic():
        hazards = list(
            Hazard.objects.filter(
                unit=unit,
                status__in=OPEN_STATUSES,
                grade_overridden=False,
                found_at__lt=_local_day_end(on_date),
            )
            .exclude(rule_refs=[])
            .exclude(determination=DeterminationState.DETERMINED)
            .order_by("id")
        )
        found_on = {h.pk: timezone.localtime(h.found_at).date() for h in hazards}
        # Every hazard is determined with the same rule sets and exclusions: read them once.
        lookups = GradingLookups()
        findings = [(h.pk, found_on[h.pk], h.rule_refs) for h in hazards]
        for hazard in hazards:
            result = grading.determine(
                unit,
                hazard.rule_refs,
                on_date=on_date,
                # The others, listed only when a comprehensive element needs counting.
                unresolved=lambda pk=hazard.pk: [
                    (day, refs) for other, day, refs in findings if other != pk
                ],
                lookups=lookups,
            )
            downgrade = result.basis.get("kind") == "excluded" and (
                hazard.grade == Grade.MAJOR or hazard.determination == DeterminationState.PENDING
            )
            upgrade = result.grade == Grade.MAJOR and hazard.grade == Grade.GENERAL
            rule_set = lookups.by_code(result.rule_set)
            if upgrade and not (
                rule_set and grading.in_window(rule_set, found_on[hazard.pk], on_date)
            ):
                continue  # found under another rule set: this determination does not apply
            if not (upgrade or downgrade):
                continue
            _regrade(hazard, result, actor=actor, now=now)
            changed.append(hazard)
    return changed


def _regrade(hazard, result, *, actor, now) -> None:
    state = DeterminationState.PENDING if result.pending else DeterminationState.NOT_NEEDED
    apply(
        hazard,
        "regrade",
        actor=actor,
        now=now,
        reason=result.reason,
        data={"from": hazard.grade, "to": result.grade, "basis": result.basis},
        changes={
            "grade": result.grade,
            "grade_reason": result.reason[:400],
            "grade_rule_set": result.rule_set,
            "grade_basis": result.basis,
            "determination": state,
        },
    )


def resolve_pending(family: str, *, actor) -> list[Hazard]:
    """Grade again the open hazards of `family` pending a determination, each on its finding
    date: a rule set that now covers the date (or maps the element) decides them. Those a
    person has determined keep that determination. Returns the hazards whose grading changed.
    """
    now = timezone.now()
    changed = []
    lookups = GradingLookups()  # rule sets and exclusions, read once for every hazard
    with transaction.atomic():
        pending = list(
            Hazard.objects.filter(
                status__in=OPEN_STATUSES,
                determination=DeterminationState.PENDING,
                grade_overridden=False,
                grade_basis__family=family,
            )
            .select_related("unit")
            .order_by("found_at", "id")
        )
        for hazard in pending:
            hazard.refresh_from_db()  # an earlier one's threshold may have upgraded it already
            if hazard.determination != DeterminationState.PENDING:
                changed.append(hazard)
                continue
            found_on = timezone.localtime(hazard.found_at).date()
            result = grading.determine(
                hazard.unit,
                hazard.rule_refs,
                on_date=found_on,
                default_grade=hazard.grade_basis.get("provisional", hazard.grade),
                unresolved=lambda h=hazard: unresolved_findings(h.unit, exclude_pk=h.pk),
                lookups=lookups,
            )
            if result.pending:
                continue
            _regrade(hazard, result, actor=actor, now=now)
            changed.append(hazard)
            if result.counted:
                _upgrade_counted(
                    hazard, result, on_date=found_on, actor=actor, now=now, lookups=lookups
                )
    return changed
