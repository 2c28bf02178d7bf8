"""Accident report services: every write is one of these, in one transaction, with an audit
event. Bad input raises `AccidentInputError` (422), a state that forbids the action `Conflict`
(409); nothing is written then. Callers check that the actor may see the accident (scope)."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accidents import chain
from hazardloop.accidents.choices import (
    SHORT_WINDOW_TYPES,
    AccidentStatus,
    AccidentType,
    Level,
    UpdateKind,
    grade_rank,
)
from hazardloop.accidents.grading import grade_accident
from hazardloop.accidents.models import Accident, AccidentUpdate, ChainStep
from hazardloop.accidents.routing import may_receive, receivers
from hazardloop.accidents.rules import reporting_rules
from hazardloop.accounts.access import deny, scope_for
from hazardloop.audit.services import record_event
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.notifications.services import notify
from hazardloop.regions import codes
from hazardloop.regions.models import Region
from hazardloop.units.models import Unit

# A report may be timed this far ahead of the server's clock (a phone's clock runs fast).
CLOCK_SKEW = dt.timedelta(minutes=10)
# The largest figures accepted (a typing slip, not an accident, beyond them).
MAX_PEOPLE = 100_000
MAX_LOSS = 10**13
ART12_FIELDS = ("unit_overview", "place_and_scene", "course", "measures_taken", "other")
FIGURES = ("deaths", "missing", "serious_injuries", "direct_loss_cny")
CASUALTIES = ("deaths", "missing", "serious_injuries")


class AccidentInputError(DomainError, ValueError):
    """Bad input: the message is translated and shown to the user; nothing was changed."""


def accident_url(accident) -> str:
    return reverse("accidents:detail", args=[accident.pk])


def _check_figures(values: dict) -> None:
    for name in FIGURES:
        value = values.get(name)
        if value is None:
            continue
        limit = MAX_LOSS if name == "direct_loss_cny" else MAX_PEOPLE
        if not 0 <= int(value) <= limit:
            raise AccidentInputError(_("A figure is out of range: %(name)s.") % {"name": name})


def _region(region_code: str) -> Region:
    region = Region.objects.filter(code=region_code).first() if codes.is_code(region_code) else None
    if region is None:
        raise AccidentInputError(_("Unknown region."))
    if codes.level(region.code) not in (codes.COUNTY, codes.TOWNSHIP, codes.VILLAGE):
        raise AccidentInputError(
            _("Give the county (or the township or village) where the accident happened.")
        )
    return region


def _notify_step(step: ChainStep, *, key_suffix: str = "") -> None:
    if step.level == Level.STATE_COUNCIL:
        return
    accident = step.accident
    notify(
        receivers(step.region_code, step.sent_at or timezone.now()),
        key=f"accident.step.{step.pk}{key_suffix}",
        message=gettext_noop(
            "Accident report to receive: “%(summary)s” (%(when)s); receive it and report it up."
        ),
        params={
            "summary": accident.summary,
            "when": timezone.localtime(accident.occurred_at, LOCAL).strftime("%Y-%m-%d %H:%M"),
        },
        link=accident_url(accident),
        obj=accident,
    )


def _send(step: ChainStep, *, actor, now) -> None:
    step.sent_at, step.sent_by = now, actor
    step.late = step.is_late(now)
    if step.level == Level.STATE_COUNCIL:
        # Nobody at the State Council department works in this system: the province records
        # that it reported there, which is that step's receipt.
        step.received_at, step.received_by = now, actor


@transaction.atomic
def report_accident(
    *,
    actor,
    occurred_at: dt.datetime,
    region_code: str,
    accident_type: str,
    summary: str,
    unit: Unit | None = None,
    deaths: int = 0,
    missing: int = 0,
    serious_injuries: int = 0,
    direct_loss_cny: int = 0,
    now: dt.datetime | None = None,
    **items,
) -> Accident:
    """File a quick report (快报): grade it, lay out its chain and send it to the county."""
    now = now or timezone.now()
    summary = (summary or "").strip()
    if not summary:
        raise AccidentInputError(_("Say in a line what happened."))
    if accident_type not in AccidentType.values:
        raise AccidentInputError(_("Unknown accident type."))
    if occurred_at > now + CLOCK_SKEW:
        raise AccidentInputError(_("The accident cannot have happened in the future."))
    figures = {
        "deaths": deaths or 0,
        "missing": missing or 0,
        "serious_injuries": serious_injuries or 0,
        "direct_loss_cny": direct_loss_cny or 0,
    }
    _check_figures(figures)
    region = _region(region_code)
    scope = scope_for(actor, "accident.report")
    if unit is not None:
        if not scope.covers(unit.region_id, unit.pk):
            raise AccidentInputError(_("Unknown unit."))
        if codes.ancestor_at(unit.region_id, codes.COUNTY) != codes.ancestor_at(
            region.code, codes.COUNTY
        ):
            raise AccidentInputError(_("The region must be the unit's own county or inside it."))
    elif not scope.covers_region(region.code):
        # A unit's own people report for their unit; departments for their regions.
        raise AccidentInputError(_("Choose a region inside your own area."))
    extra = {k: (items.get(k) or "").strip() for k in ART12_FIELDS}
    unknown = set(items) - set(ART12_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    grading = grade_accident(
        figures["deaths"], figures["serious_injuries"], figures["direct_loss_cny"]
    )
    rules = reporting_rules()
    accident = Accident.objects.create(
        region_code=region.code,
        unit=unit,
        sector_code=unit.sector_id if unit is not None else "",
        accident_type=accident_type,
        summary=summary[:200],
        occurred_at=occurred_at,
        grade=grading.grade,
        grade_basis=grading.basis,
        reported_at=now,
        reported_by=actor,
        follow_up_due_at=now + dt.timedelta(hours=rules.follow_up_hours[grading.grade]),
        **figures,
        **extra,
    )
    steps = chain.plan(accident, rules, grading.grade)
    if not steps:
        raise AccidentInputError(_("No reporting level was found above this region."))
    first = steps[0]
    _send(first, actor=actor, now=now)
    if may_receive(actor, first.region_code, now):
        first.received_at, first.received_by = now, actor
    ChainStep.objects.bulk_create(steps)
    if first.received_at:
        for changed in chain.reschedule_above(first, rules):
            changed.save(update_fields=["due_at"])
    record_event(
        "accident.report",
        actor=actor,
        obj=accident,
        after={"grade": accident.grade, **figures, "type": accident_type},
    )
    first = accident.steps.get(seq=1)
    if first.received_at is None:
        _notify_step(first)
    return accident


def casualty_window_days(accident) -> int:
    rules = reporting_rules()
    if accident.accident_type in SHORT_WINDOW_TYPES:
        return rules.casualty_window_days_short
    return rules.casualty_window_days


def within_casualty_window(accident, at: dt.datetime) -> bool:
    """Art. 13: "自事故发生之日起30日内" (7 for road traffic and fire): the days after the day of
    the accident, counted in local dates, the last one whole."""
    start = timezone.localtime(accident.occurred_at, LOCAL).date()
    day = timezone.localtime(at, LOCAL).date()
    return (day - start).days <= casualty_window_days(accident)


def _regrade(accident, *, actor, now) -> list[ChainStep]:
    """Recompute the grade from the counted figures; a higher grade adds the higher levels."""
    rules = reporting_rules()
    grading = grade_accident(accident.deaths, accident.serious_injuries, accident.direct_loss_cny)
    before = accident.grade
    accident.grade, accident.grade_basis = grading.grade, grading.basis
    added = []
    if grade_rank(grading.grade) > grade_rank(before):
        added = chain.extend(accident, rules, grading.grade, now)
        if added:
            ChainStep.objects.bulk_create(added)
    return added


@transaction.atomic
def add_update(
    accident,
    *,
    actor,
    note: str,
    final: bool = False,
    now: dt.datetime | None = None,
    **figures,
) -> AccidentUpdate:
    """A follow-up (续报), a supplementary report (补报: a figure changed) or the final report.

    Casualty changes inside the Art. 13 window are counted and regrade the accident (a higher
    grade re-routes the chain to the higher levels); after the window they are recorded on the
    update but not counted. The next follow-up is due once a day (twice for 重大 and above)."""
    now = now or timezone.now()
    accident = Accident.objects.select_for_update().get(pk=accident.pk)
    note = (note or "").strip()
    if not note:
        raise AccidentInputError(_("Say what is new."))
    _check_figures(figures)
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if final and accident.status == AccidentStatus.CLOSED:
        raise Conflict(_("The accident report is already closed."))
    new = {k: getattr(accident, k) if figures.get(k) is None else int(figures[k]) for k in FIGURES}
    changed = {k for k in FIGURES if new[k] != getattr(accident, k)}
    casualties_changed = bool(changed & set(CASUALTIES))
    applied = not casualties_changed or within_casualty_window(accident, now)
    before = accident.grade
    if applied:
        for k in FIGURES:
            setattr(accident, k, new[k])
    elif "direct_loss_cny" in changed:
        accident.direct_loss_cny = new["direct_loss_cny"]  # the estimate is refined any time
    added = _regrade(accident, actor=actor, now=now)
    if final:
        kind = UpdateKind.FINAL
    elif changed:
        kind = UpdateKind.SUPPLEMENTARY
    else:
        kind = UpdateKind.FOLLOW_UP
    update = AccidentUpdate.objects.create(
        accident=accident,
        region_code=accident.region_code,
        kind=kind,
        at=now,
        by=actor,
        note=note,
        applied=applied,
        grade_before=before,
        grade_after=accident.grade,
        **new,
    )
    if final:
        accident.status, accident.closed_at, accident.follow_up_due_at = (
            AccidentStatus.CLOSED,
            now,
            None,
        )
    elif accident.status == AccidentStatus.OPEN:
        hours = reporting_rules().follow_up_hours[accident.grade]
        accident.follow_up_due_at = now + dt.timedelta(hours=hours)
    accident.save()
    record_event(
        "accident.update",
        actor=actor,
        obj=accident,
        before={"grade": before},
        after={"grade": accident.grade, "kind": str(kind), "counted": applied, **new},
    )
    if added:
        record_event(
            "accident.rerouted",
            actor=actor,
            obj=accident,
            after={"levels": [s.level for s in added]},
        )
        top_below = accident.steps.filter(seq__lt=added[0].seq).order_by("-seq").first()
        if top_below is not None:
            notify(
                receivers(top_below.region_code, now),
                key=f"accident.regraded.{accident.pk}.{accident.grade}",
                message=gettext_noop(
                    "The accident “%(summary)s” was regraded: report it up to the next level."
                ),
                params={"summary": accident.summary},
                link=accident_url(accident),
                obj=accident,
            )
    return update


def _step_for_update(accident, seq: int) -> ChainStep:
    step = ChainStep.objects.select_for_update().filter(accident=accident, seq=seq).first()
    if step is None:
        from django.http import Http404

        raise Http404(_("Not found."))
    return step


@transaction.atomic
def receive_step(accident, seq: int, *, actor, now: dt.datetime | None = None) -> ChainStep:
    """The person on duty at the step's level acknowledges the report (timestamped)."""
    now = now or timezone.now()
    step = _step_for_update(accident, seq)
    if not may_receive(actor, step.region_code, now):
        deny(actor, "accident.receive", obj=accident, region_code=accident.region_code)
    if step.received_at is not None:
        raise Conflict(_("This level has already received the report."))
    if step.sent_at is None:
        raise Conflict(_("The level below has not reported it yet."))
    step.received_at, step.received_by = now, actor
    step.save(update_fields=["received_at", "received_by"])
    for changed in chain.reschedule_above(step, reporting_rules()):
        changed.save(update_fields=["due_at"])
    record_event(
        "accident.receive",
        actor=actor,
        obj=accident,
        after={"step": step.seq, "level": step.level},
    )
    return step


@transaction.atomic
def forward_step(accident, seq: int, *, actor, now: dt.datetime | None = None) -> ChainStep:
    """The level reports up: the next step is sent now (flagged late past its deadline)."""
    now = now or timezone.now()
    step = _step_for_update(accident, seq)
    if not may_receive(actor, step.region_code, now):
        deny(actor, "accident.receive", obj=accident, region_code=accident.region_code)
    if step.received_at is None:
        raise Conflict(_("Receive the report before forwarding it."))
    if step.forwarded_at is not None:
        raise Conflict(_("This level has already reported it up."))
    following = ChainStep.objects.select_for_update().filter(accident=accident, seq=seq + 1).first()
    if following is None:
        raise Conflict(_("This is the highest level this accident's grade is reported to."))
    step.forwarded_at, step.forwarded_by = now, actor
    step.save(update_fields=["forwarded_at", "forwarded_by"])
    _send(following, actor=actor, now=now)
    following.save()
    record_event(
        "accident.forward",
        actor=actor,
        obj=accident,
        after={"step": step.seq, "to": following.level, "late": following.late},
    )
    _notify_step(following)
    return following
