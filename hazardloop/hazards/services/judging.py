"""People judging what the rules cannot: determinations, exclusions, and rule sets.

- `record_determination`: a possible major hazard (grading's "pending") is determined by a
  collective discussion of at least 3 people or an expert review of at least 7 with two thirds
  agreeing (GB 35181-2017 Ch. 4, regulations.md §3.2); the conclusion sets the grade with its
  basis, as an event on the hazard and in the audit log.
- `record_exclusion` / `end_exclusion`: an exclusion (2017 §5.1.3, 2025 §4.2) excuses the one
  element (at one location) that was reviewed, from the review until its end date.
- `save_rule_set`: the province's fire service enters or revises a rule set (GB 35181-2025);
  every save is a version; hazards pending a determination that it now decides are graded.

Who may: a regulator with authority over the unit ("hazard.override_grade" in its scope), never
someone who holds a role in the unit (accounts.access.belongs_to_unit). Rule sets: the same
permission at province level.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import belongs_to_unit, can, scope_for
from hazardloop.audit.services import record_event
from hazardloop.hazards import grading
from hazardloop.hazards.choices import (
    OPEN_STATUSES,
    DeterminationMethod,
    DeterminationState,
    Grade,
)
from hazardloop.hazards.models import (
    GradingExclusion,
    Hazard,
    HazardDetermination,
    RuleSet,
    RuleSetVersion,
)
from hazardloop.hazards.rule_sets import GradingLookups
from hazardloop.hazards.services.create import redetermine_unit, resolve_pending
from hazardloop.hazards.workflow import NotAllowedNow, apply
from hazardloop.regions.models import Region

JUDGE_PERM = "hazard.override_grade"
MIN_MEMBERS = {DeterminationMethod.COLLECTIVE: 3, DeterminationMethod.EXPERT: 7}
VOTES = ("agree", "disagree")


def may_judge(user, unit) -> bool:
    """May `user` determine and record exclusions at `unit`?"""
    return can(user, JUDGE_PERM, region_code=unit.region_id, unit_id=unit.pk) and (
        not belongs_to_unit(user, unit.pk)
    )


def check_judge(user, unit, *, obj=None) -> None:
    if not can(user, JUDGE_PERM, region_code=unit.region_id, unit_id=unit.pk):
        record_event("access.denied", actor=user, obj=obj or unit, message="hazard.determine")
        raise PermissionDenied(_("Your role does not allow this action here."))
    if belongs_to_unit(user, unit.pk):
        record_event("access.denied", actor=user, obj=obj or unit, message="hazard.determine")
        raise PermissionDenied(
            _("You hold a role in this unit, so you cannot act as its authority on this hazard.")
        )


def exclusions_visible_to(user):
    """The exclusions at units the user sees hazards of."""
    return scope_for(user, "hazard.view").filter(
        GradingExclusion.objects.order_by("-recorded_at", "-id"), "region_code", "unit"
    )


def judging_context(user, hazard) -> dict:
    """What the hazard page shows about its determination and exclusions."""
    return {
        "pending": hazard.determination == DeterminationState.PENDING,
        "may_judge": hazard.is_open and may_judge(user, hazard.unit),
        "determinations": list(hazard.determinations.select_related("recorded_by")),
        "exclusions": list(hazard.exclusions.select_related("recorded_by")),
    }


def answers_tally(unit, refs, on_date: dt.date, unresolved) -> dict:
    """What an inspector's failed answers add up to at `unit` on `on_date` (the form's note):
    the GB 35181 edition in force, and the grade the failures with the unit's unresolved
    findings would give, in words ("general: 2 of 3 comprehensive elements at 人员密集场所")."""
    lookups = GradingLookups()  # the rule sets and exclusions, read once for the whole note
    in_force = lookups.in_force(["gb35181"], on_date).get("gb35181")
    last = in_force or lookups.last_known("gb35181", on_date)
    out = {
        "on": on_date.isoformat(),
        "edition": grading.label_of(in_force) if in_force else "",
        "last_edition": grading.label_of(last) if last else "",
        "grade": "",
        "pending": False,
        "text": "",
    }
    qualified = grading.qualify_refs(list(refs or ()), on_date, lookups)
    if qualified:
        result = grading.determine(
            unit, qualified, on_date=on_date, unresolved=unresolved, lookups=lookups
        )
        shown = Hazard(grade=result.grade, grade_reason=result.reason, grade_basis=result.basis)
        out.update(grade=result.grade, pending=result.pending, text=grading.describe(shown))
    return out


def pending_count(scope, region_prefix: str) -> int:
    """Open hazards pending a determination in a scope's region subtree (the dashboard)."""
    qs = Hazard.objects.filter(
        status__in=OPEN_STATUSES,
        determination=DeterminationState.PENDING,
        region_code__startswith=region_prefix,
    )
    return scope.filter(qs, "region_code", "unit").count()


def may_edit_rule_sets(user) -> bool:
    """Rule sets are the province's: the permission must hold over the whole province."""
    province = Region.objects.filter(level="province").values_list("code", flat=True).first()
    return province is not None and can(user, JUDGE_PERM, region_code=province)


# --- determinations ---------------------------------------------------------------------------


def tally(method: str, members: list[dict]) -> tuple[int, list[str]]:
    """(agreeing, problems) for the members' votes under the method's rule."""
    problems = []
    agreeing = sum(1 for m in members if m.get("vote") == "agree")
    need = MIN_MEMBERS.get(method, 3)
    if len(members) < need:
        problems.append(
            _("%(method)s needs at least %(n)s members; %(given)s given.")
            % {
                "method": DeterminationMethod(method).label,
                "n": need,
                "given": len(members),
            }
        )
    elif method == DeterminationMethod.EXPERT and agreeing * 3 < 2 * len(members):
        problems.append(
            _(
                "An expert review concludes only when at least two thirds of the experts agree: "
                "%(agree)s of %(n)s agree."
            )
            % {"agree": agreeing, "n": len(members)}
        )
    elif method == DeterminationMethod.COLLECTIVE and agreeing * 2 <= len(members):
        problems.append(
            _(
                "A collective discussion concludes when more than half of the members agree: "
                "%(agree)s of %(n)s agree."
            )
            % {"agree": agreeing, "n": len(members)}
        )
    return agreeing, problems


def clean_members(raw) -> tuple[list[dict], list[str]]:
    members, problems, seen = [], [], set()
    for n, row in enumerate(raw or [], start=1):
        name = str((row or {}).get("name") or "").strip()[:50]
        organisation = str((row or {}).get("organisation") or "").strip()[:100]
        vote = str((row or {}).get("vote") or "").strip()
        if not (name or organisation or vote):
            continue
        if not name:
            problems.append(_("Member %(n)s: the name is missing.") % {"n": n})
        elif name in seen:
            problems.append(_("%(name)s is listed twice.") % {"name": name})
        if vote not in VOTES:
            problems.append(_("Member %(n)s: the vote must be “agree” or “disagree”.") % {"n": n})
        seen.add(name)
        members.append({"name": name, "organisation": organisation, "vote": vote})
    return members, problems


def record_determination(
    hazard: Hazard,
    *,
    actor,
    method: str,
    members: list[dict],
    conclusion: str,
    basis: str,
    basis_document: str = "",
    held_on: dt.date | None = None,
    now=None,
) -> HazardDetermination:
    """Record the determination of a hazard pending one; its conclusion sets the grade.

    ValidationError (by field) when the method, members, votes, conclusion or basis do not
    hold; nothing is written then.
    """
    check_judge(actor, hazard.unit, obj=hazard)
    if hazard.determination != DeterminationState.PENDING:
        raise NotAllowedNow(_("This hazard is not waiting for a determination."))
    if hazard.status not in OPEN_STATUSES:
        raise NotAllowedNow(
            _("This is not possible while the hazard is “%(status)s”.")
            % {"status": hazard.get_status_display()}
        )
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if method not in DeterminationMethod.values:
        errors["method"] = [_("Choose collective discussion or expert review.")]
    if conclusion not in Grade.values:
        errors["conclusion"] = [_("Choose major or general.")]
    basis = (basis or "").strip()
    if not basis:
        errors["basis"] = [_("State the basis of the conclusion.")]
    held_on = held_on or timezone.localdate(now)
    if held_on > timezone.localdate(now):
        errors["held_on"] = [_("The date cannot be in the future.")]
    if held_on < timezone.localtime(hazard.found_at).date():
        errors["held_on"] = [_("The determination cannot be before the finding.")]
    cleaned, problems = clean_members(members)
    if method in DeterminationMethod.values and not problems:
        agreeing, problems = tally(method, cleaned)
    else:
        agreeing = sum(1 for m in cleaned if m["vote"] == "agree")
    if problems:
        errors["members"] = problems
    if errors:
        raise ValidationError(errors)
    pending_basis = hazard.grade_basis or {}
    method_label = DeterminationMethod(method).label
    reason = (
        f"{conclusion}: determined by {method} ({agreeing} of {len(cleaned)} agree) — {basis}"
    )[:400]
    with transaction.atomic():
        determination = HazardDetermination.objects.create(
            hazard=hazard,
            method=method,
            members=cleaned,
            agreeing=agreeing,
            conclusion=conclusion,
            elements=pending_basis.get("refs", hazard.rule_refs),
            basis=basis,
            basis_document=(basis_document or "").strip()[:200],
            held_on=held_on,
            recorded_by=actor,
            recorded_at=now,
        )
        new_basis = {
            "kind": "determined",
            "determination": determination.pk,
            "method": method,
            "agreeing": agreeing,
            "members": len(cleaned),
            "conclusion": conclusion,
            "elements": pending_basis.get("elements", []),
            "label": pending_basis.get("label", ""),
            "basis": basis[:300],
            "basis_document": determination.basis_document,
        }
        event = apply(
            hazard,
            "determine",
            actor=actor,
            now=now,
            reason=f"{method_label}: {basis}",
            data={
                "from": hazard.grade,
                "to": conclusion,
                "determination": determination.pk,
                "method": method,
                "agreeing": agreeing,
                "members": len(cleaned),
            },
            changes={
                "grade": conclusion,
                "grade_reason": reason,
                "grade_rule_set": "",
                "grade_basis": new_basis,
                "determination": DeterminationState.DETERMINED,
            },
        )
        HazardDetermination.objects.filter(pk=determination.pk).update(event=event)
        determination.event = event
        record_event(
            "hazard.determination",
            actor=actor,
            obj=hazard,
            message=f"{method} {agreeing}/{len(cleaned)}: {conclusion}",
            after={
                "conclusion": conclusion,
                "method": method,
                "members": cleaned,
                "basis": basis[:500],
                "basis_document": determination.basis_document,
            },
        )
    return determination


# --- exclusions -------------------------------------------------------------------------------


def exclusion_clauses(element_ref: str) -> dict[str, str]:
    """The exclusion clauses of the rule set of the element's edition ({} when unknown)."""
    ref = grading.parse_ref(element_ref)
    if ref is None or not ref.edition:
        return {}
    rule_set = (
        RuleSet.objects.filter(family=ref.family, edition=ref.edition)
        .order_by("-valid_from")
        .first()
    )
    return dict((rule_set.data or {}).get("exclusions", {})) if rule_set else {}


def element_text(element_ref: str) -> str:
    ref = grading.parse_ref(element_ref)
    if ref is None:
        return ""
    rule_set = (
        RuleSet.objects.filter(family=ref.family, edition=ref.edition)
        .order_by("-valid_from")
        .first()
    )
    if rule_set is None:
        return ""
    data = rule_set.data or {}
    return data.get("direct", {}).get(ref.element) or data.get("comprehensive", {}).get(
        ref.element, ""
    )


def record_exclusion(
    unit,
    *,
    actor,
    element: str,
    clause: str,
    basis_document: str,
    valid_until: dt.date | None,
    note: str,
    location: str = "",
    hazard: Hazard | None = None,
    valid_from: dt.date | None = None,
    family: str = "",
    now=None,
) -> GradingExclusion:
    """Record an exclusion of one element (with its edition) at the unit, at a location.

    The clause must be one of the exclusion clauses of that element's edition — not of the
    edition in force today (which, with no GB 35181-2025 rule set loaded, had none: every
    clause was refused). With `hazard`, the reviewed hazard is named and its grade follows.
    """
    check_judge(actor, unit, obj=hazard or unit)
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list[str]] = {}
    ref = grading.parse_ref(element)
    if ref is None:
        ref = grading.parse_ref(grading.qualify_refs([element], today)[0]) if element else None
    if ref is not None and not ref.edition:
        ref = grading.parse_ref(grading.qualify_refs([str(ref)], today)[0])
    if family and ref is not None and ref.family != family:
        ref = None
    known = bool(ref and ref.edition and element_text(str(ref)))
    if not known:
        errors["element"] = [
            _("Name an element of a loaded rule set with its edition, e.g. gb35181-2017:7.3.10.")
        ]
    clauses = exclusion_clauses(str(ref)) if known else {}
    if known and clause not in clauses:
        errors["clause"] = [
            _("Choose one of the exclusion clauses of %(edition)s: %(clauses)s")
            % {"edition": str(ref).split(":")[0], "clauses": ", ".join(clauses) or "—"}
        ]
    basis_document = (basis_document or "").strip()
    if not basis_document:
        errors["basis_document"] = [
            _("Name the document the exclusion rests on (e.g. the expert review's minutes).")
        ]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Explain the exclusion.")]
    valid_from = valid_from or today
    if valid_until is None:
        errors["valid_until"] = [_("An exclusion needs an end date.")]
    elif valid_until < valid_from:
        errors["valid_until"] = [_("The end date is before the start.")]
    if hazard is not None and (hazard.unit_id != unit.pk or str(ref) not in _refs_of(hazard)):
        errors["hazard"] = [_("The hazard reviewed must be at this unit and carry the element.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exclusion = GradingExclusion.objects.create(
            unit=unit,
            region_code=unit.region_id,
            family=ref.family,
            clause=clause,
            element=str(ref),
            location=(location or "").strip()[:200],
            hazard=hazard,
            basis_document=basis_document[:200],
            valid_from=valid_from,
            valid_until=valid_until,
            note=note,
            recorded_by=actor,
            recorded_at=now,
        )
        record_event(
            "hazard.exclusion",
            actor=actor,
            obj=unit,
            message=f"{ref} {clause} until {valid_until.isoformat()}",
            after={
                "element": str(ref),
                "clause": clause,
                "location": exclusion.location,
                "basis_document": exclusion.basis_document,
                "hazard": hazard.pk if hazard else None,
            },
        )
        if hazard is not None and hazard.status in OPEN_STATUSES:
            hazard.refresh_from_db()
            apply(
                hazard,
                "exclude",
                actor=actor,
                now=now,
                reason=note,
                data={"exclusion": exclusion.pk, "element": str(ref), "clause": clause},
            )
        redetermine_unit(unit, actor=actor, on_date=today)
    return exclusion


def _refs_of(hazard: Hazard) -> set[str]:
    found_on = timezone.localtime(hazard.found_at).date()
    return set(grading.qualify_refs(hazard.rule_refs, found_on))


def end_exclusion(exclusion: GradingExclusion, *, actor, now=None) -> GradingExclusion:
    check_judge(actor, exclusion.unit, obj=exclusion.unit)
    if exclusion.ended_at is not None:
        raise NotAllowedNow(_("This exclusion has already ended."))
    now = now or timezone.now()
    with transaction.atomic():
        GradingExclusion.objects.filter(pk=exclusion.pk).update(ended_at=now)
        exclusion.ended_at = now
        record_event(
            "hazard.exclusion_ended",
            actor=actor,
            obj=exclusion.unit,
            message=f"{exclusion.element} {exclusion.clause}",
        )
    return exclusion


# --- rule sets --------------------------------------------------------------------------------


def save_rule_set(document: dict, *, actor, note: str = "", check=True) -> RuleSet:
    """Create or revise a rule set from its document; every save is a new version.

    RuleSetError (its `errors` by field, translated) when the document does not hold. Hazards
    pending a determination of the family are graded again on their finding dates.
    """
    if check and not may_edit_rule_sets(actor):
        record_event("access.denied", actor=actor, message="hazard.rule_set")
        raise PermissionDenied(_("Only the province may edit rule sets."))
    checked = grading.validate_document(document)
    stored = {**document, "family": checked["family"], "edition": checked["edition"]}
    clash = (
        RuleSet.objects.filter(family=checked["family"], edition=checked["edition"])
        .exclude(code=checked["code"])
        .first()
    )
    if clash is not None:
        raise grading.RuleSetError(
            {
                "edition": [
                    _("Rule set %(code)s already holds this edition of the standard.")
                    % {"code": clash.code}
                ]
            }
        )
    with transaction.atomic():
        row = RuleSet.objects.select_for_update().filter(code=checked["code"]).first()
        created = row is None
        if created:
            row = RuleSet(code=checked["code"])
        number = (
            (RuleSetVersion.objects.filter(rule_set=row).aggregate(n=Max("number"))["n"] or 0)
            if not created
            else 0
        ) + 1
        row.family = checked["family"]
        row.edition = checked["edition"]
        row.title = checked["title"]
        row.valid_from = checked["valid_from"]
        row.valid_to = checked["valid_to"]
        row.data = stored
        row.version = number
        row.save()
        RuleSetVersion.objects.create(
            rule_set=row,
            number=number,
            data=stored,
            note=(note or "").strip()[:300],
            saved_by=actor if getattr(actor, "is_authenticated", False) else None,
            saved_at=timezone.now(),
        )
        record_event(
            "hazard.rule_set_saved",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            obj=row,
            message=f"{row.code} v{number}: {note}"[:500],
            after={"valid_from": str(row.valid_from), "valid_to": str(row.valid_to or "")},
        )
        resolve_pending(row.family, actor=actor)
    return row
