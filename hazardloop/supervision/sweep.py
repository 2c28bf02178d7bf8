"""The supervision ladder sweep: overdue hazards move up one rung at a time, once each.

    none ─▶ reminded ─▶ letter (督办函) ─▶ listed (挂牌督办) ─▶ accountability (proposal)

Each rung is one set-based pass over the open hazards whose deadline passed long enough ago
(the partial index `hazard_open_due` on `due_at`), lowest rung first, so a hazard that is very
late climbs every rung in one sweep and each step is still its own event and document. A pass
works in batches: each batch is one transaction that first takes the ladder lock (so two sweeps
never interleave), reads the next candidates, moves each through `hazards.services.escalate`
(the compare-and-swap that writes the hazard event), numbers the batch's documents with one
counter bump per issuing department, bulk-creates them and notifies after commit. A second
sweep at the same `now` finds nothing to do.

The regulator's own time limits (a found hazard to be ordered, a submitted one to be
re-checked: `Hazard.clock`, hazards/deadlines.py) climb a ladder of their own the same way:

    none ─▶ reminded (the responsible office: the hazard's county) ─▶ escalated (the office above)

and the sweep feeds the deadlines passed since the last sweeps into the units' risk.
"""

import datetime as dt
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.audit.services import record_event
from hazardloop.hazards import notices, unit_risk
from hazardloop.hazards.choices import (
    REGULATOR_CLOCKS,
    SUPERVISION_RANK,
    ClockKind,
    ClockRung,
    Grade,
    ListedLevel,
    SupervisionLevel,
)
from hazardloop.hazards.deadlines import warn_missing_calendars
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.services import escalate_many, lapse_clocks_many
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import Department, subtree_filter
from hazardloop.supervision import authority, numbering
from hazardloop.supervision import content as content_mod
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.ladder import Ladder, ladders
from hazardloop.supervision.models import (
    AccountabilityProposal,
    EnforcementDocument,
    LadderLock,
)

log = logging.getLogger("hazardloop.supervision")
BATCH = 500

LETTER_MESSAGE = gettext_noop(
    "Supervision letter %(number)s: hazard “%(title)s” at %(unit)s is %(days)s days overdue."
)
LISTING_MESSAGE = gettext_noop(
    "Hazard “%(title)s” at %(unit)s is listed for supervision (%(number)s)."
)
ACCOUNTABILITY_MESSAGE = gettext_noop(
    "Accountability proposed: hazard “%(title)s” at %(unit)s is %(days)s days overdue."
)
CLOCK_MESSAGES = {
    (ClockKind.ORDER, ClockRung.REMINDED): gettext_noop(
        "Time limit missed: the rectification of hazard “%(title)s” at %(unit)s, found "
        "%(found)s, was to be ordered by %(limit)s."
    ),
    (ClockKind.VERIFY, ClockRung.REMINDED): gettext_noop(
        "Time limit missed: the rectification %(unit)s submitted for hazard “%(title)s” was to "
        "be re-checked by %(limit)s."
    ),
    (ClockKind.ORDER, ClockRung.ESCALATED): gettext_noop(
        "For supervision: the rectification of hazard “%(title)s” at %(unit)s has still not "
        "been ordered, %(days)s days after the time limit (%(limit)s)."
    ),
    (ClockKind.VERIFY, ClockRung.ESCALATED): gettext_noop(
        "For supervision: the rectification %(unit)s submitted for hazard “%(title)s” has "
        "still not been re-checked, %(days)s days after the time limit (%(limit)s)."
    ),
}
LEVEL_REGION = {
    ListedLevel.COUNTY: lambda code: region_codes.ancestor_at(code, region_codes.COUNTY) or code,
    ListedLevel.CITY: lambda code: region_codes.ancestor_at(code, region_codes.PREFECTURE) or code,
    ListedLevel.PROVINCE: lambda code: region_codes.ancestor_at(code, region_codes.PROVINCE),
}


@dataclass
class Result:
    reminded: int = 0
    letters: int = 0
    listed: int = 0
    proposals: int = 0
    clock_reminded: int = 0
    clock_escalated: int = 0
    risk_units: int = 0

    @property
    def total(self) -> int:
        """Rungs climbed (the units whose risk was refreshed are not rungs)."""
        return (
            self.reminded
            + self.letters
            + self.listed
            + self.proposals
            + self.clock_reminded
            + self.clock_escalated
        )


def days_overdue(hazard, now) -> int:
    """Whole days since the deadline passed (the measure the thresholds use); 0 without one."""
    if hazard.due_at is None:
        return 0
    return max(0, (now - hazard.due_at).days)


def listed_on_determination(ladder: Ladder, hazard, now) -> bool:
    """Whether the hazard is listed because it is a determined major hazard (the ladder's
    `listing_major_on_determination`), not because it is long overdue."""
    if not ladder.listing_major_on_determination or hazard.grade != Grade.MAJOR:
        return False
    late = now - dt.timedelta(days=ladder.listing_after_days_major)
    return hazard.due_at is None or hazard.due_at > late


def _below(rung: str) -> list[str]:
    return [lvl for lvl, rank in SUPERVISION_RANK.items() if rank < SUPERVISION_RANK[rung]]


def _scope(ladder: Ladder, all_ladders: list[Ladder]) -> Q:
    """The region codes a ladder governs: its prefix minus the more specific ladders'."""
    condition = subtree_filter("region_code", ladder.prefix) if ladder.prefix else Q()
    for other in all_ladders:
        if other.prefix != ladder.prefix and other.prefix.startswith(ladder.prefix):
            condition &= ~subtree_filter("region_code", other.prefix)
    return condition


def _candidates(ladder: Ladder, scope: Q, rung: str, now) -> Q:
    """Which open hazards are due for `rung` at `now` under this ladder."""

    def late(days):
        return Q(due_at__lte=now - dt.timedelta(days=days))

    if rung == SupervisionLevel.REMINDED:
        when = late(ladder.reminder_after_days)
    elif rung == SupervisionLevel.LETTER:
        when = late(ladder.letter_after_days)
    elif rung == SupervisionLevel.LISTED:
        when = (Q(grade=Grade.MAJOR) & late(ladder.listing_after_days_major)) | (
            ~Q(grade=Grade.MAJOR) & late(ladder.listing_after_days_general)
        )
    else:
        when = late(ladder.accountability_after_days) & Q(supervision_level=SupervisionLevel.LISTED)
    below = Q(supervision_level__in=_below(rung))
    condition = scope & when & Q(due_at__isnull=False) & below
    if rung == SupervisionLevel.LISTED and ladder.listing_major_on_determination:
        # Listed as soon as it is determined major (regulations.md §12.4), deadline or not.
        condition |= scope & Q(grade=Grade.MAJOR) & below
    return condition


class _Departments:
    """Issuing and supervising departments, looked up once per sweep."""

    def __init__(self):
        self.issuers: dict[tuple[str, str], Department | None] = {}
        self.supervisors: dict[tuple[str, str], list[Department]] = {}
        self.members: dict[int, list[User]] = {}

    def issuer(self, region_code: str, kind: str) -> Department | None:
        key = (region_code, kind)
        if key not in self.issuers:
            # The configured kind in that region, else the nearest ancestor's.
            codes = [region_code, *reversed(region_codes.ancestors(region_code))]
            rows = list(Department.objects.filter(region_id__in=codes, kind=kind))
            rows.sort(key=lambda d: codes.index(d.region_id))
            if not rows:
                rows = list(Department.objects.filter(region_id=region_code).order_by("kind"))
            self.issuers[key] = rows[0] if rows else None
        return self.issuers[key]

    def supervising(self, unit) -> list[Department]:
        """The departments that supervise the unit's sector in its county (管行业必须管安全)."""
        county = region_codes.ancestor_at(unit.region_id, region_codes.COUNTY)
        key = (county or unit.region_id, unit.sector_id)
        if key not in self.supervisors:
            self.supervisors[key] = list(
                Department.objects.filter(region_id=key[0], sectors=unit.sector_id).order_by("kind")
            )
        return self.supervisors[key]

    def people(self, departments: list[Department]) -> list[User]:
        missing = [d.pk for d in departments if d.pk not in self.members]
        if missing:
            found: dict[int, list[User]] = defaultdict(list)
            rows = Membership.objects.filter(
                department_id__in=missing, is_active=True, user__is_active=True
            ).select_related("user")
            for membership in rows:
                found[membership.department_id].append(membership.user)
            for pk in missing:
                self.members[pk] = found.get(pk, [])
        return [u for d in departments for u in self.members[d.pk]]


def _escalate_batch(hazards, rung, now, *, listed_levels=None, determined=frozenset()) -> list:
    """Move the batch up to `rung` (compare-and-swap under row locks); the ones moved."""
    return escalate_many(
        hazards,
        rung=rung,
        now=now,
        data_for=lambda hazard: {
            "days_overdue": days_overdue(hazard, now),
            **({"on_determination": True} if hazard.pk in determined else {}),
        },
        listed_levels=listed_levels,
    )


def _issue_batch(hazards, kind, now, ladder_of, depts: _Departments, *, listed_levels=None):
    """Number and create the documents of one batch; one counter bump per department."""
    by_issuer: dict[int, list] = defaultdict(list)
    issuers: dict[int, Department] = {}
    for hazard in hazards:
        ladder = ladder_of(hazard.region_code)
        if kind == DocumentKind.LISTING_NOTICE:
            region = LEVEL_REGION[ListedLevel(listed_levels[hazard.pk])](hazard.region_code)
        else:
            region = region_codes.ancestor_at(hazard.region_code, region_codes.COUNTY)
            region = region or hazard.region_code
        dept = depts.issuer(region, ladder.issuer_kind)
        if dept is None or not authority.can_issue(dept, kind):
            log.error("no department issues %s for region %s", kind, region)
            continue
        issuers[dept.pk] = dept
        by_issuer[dept.pk].append(hazard)
    year = timezone.localtime(now).year
    docs = []
    for dept_pk, group in by_issuer.items():
        dept = issuers[dept_pk]
        base = numbering.prefix_base(dept)
        seqs = numbering.allocate(dept, kind, year, len(group))
        for seq, hazard in zip(seqs, group, strict=True):
            ladder = ladder_of(hazard.region_code)
            number = numbering.format_number(base, kind, year, seq)
            reply_due = _end_of_day(now, ladder.reply_days)
            supervising = depts.supervising(hazard.unit)
            determined = kind == DocumentKind.LISTING_NOTICE and listed_on_determination(
                ladder, hazard, now
            )
            due_stamp = int(hazard.due_at.timestamp()) if hazard.due_at else "determined"
            body = content_mod.build(
                kind=kind,
                number=number,
                issuer=dept,
                hazard=hazard,
                issued_at=now,
                rectify_due_at=hazard.due_at,
                reply_due_at=reply_due,
                days_overdue=days_overdue(hazard, now),
                listed_level=(listed_levels or {}).get(hazard.pk, ""),
                copy_to=[d.name_zh for d in supervising],
                on_determination=determined,
            )
            docs.append(
                EnforcementDocument(
                    token=secrets.token_urlsafe(18),
                    kind=kind,
                    department=dept,
                    year=year,
                    seq=seq,
                    number=number,
                    hazard=hazard,
                    unit=hazard.unit,
                    region_code=hazard.region_code,
                    issued_at=now,
                    checked_at=hazard.due_at or now,
                    rectify_due_at=hazard.due_at,
                    reply_due_at=reply_due,
                    # Delivered in the unit's inbox the moment it is issued.
                    served_at=now,
                    served_note="hazardloop",
                    content=body,
                    content_hash=content_mod.content_hash(body),
                    idempotency_key=f"ladder:{kind}:{hazard.pk}:{due_stamp}",
                )
            )
    EnforcementDocument.objects.bulk_create(docs)
    for dept_pk, group in by_issuer.items():
        numbers = [d.number for d in docs if d.department_id == dept_pk]
        record_event(
            "document.issued",
            object_type="supervision.enforcementdocument",
            object_id=str(docs[0].pk) if docs else "",
            region_code=issuers[dept_pk].region_id,
            message=f"{len(numbers)} × {kind} by the ladder sweep: {numbers[0]}…{numbers[-1]}",
            after={"numbers": numbers, "hazards": [h.pk for h in group]},
        )
    return docs


def _end_of_day(now, days: int) -> dt.datetime:
    from hazardloop.hazards.deadlines import end_of_local_day

    return end_of_local_day(timezone.localtime(now).date() + dt.timedelta(days=days))


def _unit_people(hazards) -> dict[int, list[User]]:
    """The active people of each unit in the batch, in one query."""
    out: dict[int, list[User]] = defaultdict(list)
    rows = Membership.objects.filter(
        unit_id__in={h.unit_id for h in hazards}, is_active=True, user__is_active=True
    ).select_related("user")
    for membership in rows:
        out[membership.unit_id].append(membership.user)
    return out


def _notify(rung, hazards, docs, depts: _Departments, now) -> None:
    if not hazards:
        return
    by_hazard = {d.hazard_id: d for d in docs}
    people_of = _unit_people(hazards)
    regulators: dict[str, list[User]] = {}
    for hazard in hazards:
        params = notices.hazard_params(hazard, days=days_overdue(hazard, now))
        unit_people = people_of.get(hazard.unit_id, [])
        if rung == SupervisionLevel.REMINDED:
            # The same key as hazards.jobs' overdue notice: whichever runs first tells the unit.
            stamp = int(hazard.due_at.timestamp())
            notices.notify_users(
                unit_people, hazard, key=f"overdue:{stamp}", message=notices.MESSAGES["overdue"]
            )
            continue
        if hazard.region_code not in regulators and rung != SupervisionLevel.LETTER:
            regulators[hazard.region_code] = notices.regulators_over(hazard.region_code)
        if rung == SupervisionLevel.ACCOUNTABILITY:
            notices.notify_users(
                regulators[hazard.region_code],
                hazard,
                key="accountability",
                message=ACCOUNTABILITY_MESSAGE,
                params=params,
            )
            continue
        doc = by_hazard.get(hazard.pk)
        if doc is None:
            continue
        params["number"] = doc.number
        message = LETTER_MESSAGE if rung == SupervisionLevel.LETTER else LISTING_MESSAGE
        people = unit_people + depts.people(depts.supervising(hazard.unit))
        if rung == SupervisionLevel.LISTED:
            people += regulators[hazard.region_code]
        notices.notify_users(
            people, hazard, key=f"document:{doc.pk}", message=message, params=params
        )


def _propose(hazards, now) -> None:
    numbers: dict[int, list[str]] = defaultdict(list)
    rows = (
        EnforcementDocument.objects.filter(hazard__in=hazards)
        .order_by("issued_at", "id")
        .values_list("hazard_id", "number")
    )
    for hazard_id, number in rows:
        numbers[hazard_id].append(number)
    AccountabilityProposal.objects.bulk_create(
        [
            AccountabilityProposal(
                hazard=hazard,
                unit=hazard.unit,
                region_code=hazard.region_code,
                proposed_at=now,
                days_overdue=days_overdue(hazard, now),
                reason=(
                    f"隐患“{hazard.title}”挂牌督办后仍未整改，已逾期"
                    f"{days_overdue(hazard, now)}日，建议启动问责。"
                ),
                facts={
                    "grade": hazard.grade,
                    "listed_level": hazard.listed_level,
                    "due_at": hazard.due_at.isoformat(),
                    "documents": numbers.get(hazard.pk, []),
                },
            )
            for hazard in hazards
        ],
        ignore_conflicts=True,
    )


def _run_rung(rung, now, all_ladders, depts, result: Result) -> None:
    ladder_cache: dict[str, Ladder] = {}

    def ladder_of(code: str) -> Ladder:
        if code not in ladder_cache:
            ladder_cache[code] = next(lad for lad in all_ladders if code.startswith(lad.prefix))
        return ladder_cache[code]

    condition = Q(pk__in=[])
    for ladder in all_ladders:
        condition |= _candidates(ladder, _scope(ladder, all_ladders), rung, now)

    def step(batch: list[Hazard]) -> list[Hazard]:
        levels = None
        determined: set[int] = set()
        if rung == SupervisionLevel.LISTED:
            levels = {h.pk: ladder_of(h.region_code).listing_level(h.grade) for h in batch}
            determined = {
                h.pk for h in batch if listed_on_determination(ladder_of(h.region_code), h, now)
            }
        moved = _escalate_batch(batch, rung, now, listed_levels=levels, determined=determined)
        docs = []
        if rung == SupervisionLevel.LETTER:
            docs = _issue_batch(moved, DocumentKind.SUPERVISION_LETTER, now, ladder_of, depts)
            result.letters += len(moved)
        elif rung == SupervisionLevel.LISTED:
            docs = _issue_batch(
                moved, DocumentKind.LISTING_NOTICE, now, ladder_of, depts, listed_levels=levels
            )
            result.listed += len(moved)
        elif rung == SupervisionLevel.ACCOUNTABILITY:
            _propose(moved, now)
            result.proposals += len(moved)
        else:
            result.reminded += len(moved)
        _notify(rung, moved, docs, depts, now)
        return moved

    _in_batches(condition, "due_at", step)


def _in_batches(condition: Q, order: str, step) -> None:
    """Hand the open hazards matching `condition` to `step(batch) -> moved`, BATCH at a time
    (ordered by `order`), each batch in its own transaction under the ladder lock; a hazard
    the step did not move (it changed meanwhile) is not offered again in this sweep."""
    skipped: set[int] = set()
    while True:
        with transaction.atomic():
            LadderLock.objects.select_for_update().get_or_create(pk=1)
            ids = list(
                Hazard.objects.open()
                .filter(condition)
                .exclude(pk__in=skipped)
                .order_by(order, "id")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                return
            batch = list(
                Hazard.objects.filter(pk__in=ids).select_related("unit").order_by(order, "id")
            )
            moved = step(batch)
            skipped.update(set(ids) - {h.pk for h in moved})


def _clock_candidates(ladder: Ladder, scope: Q, rung: str, now) -> Q:
    """Open hazards whose regulator clock is due for `rung` at `now` under this ladder."""
    if rung == ClockRung.REMINDED:
        days, before = ladder.clock_reminder_after_days, ClockRung.NONE
    else:
        days, before = ladder.clock_escalate_after_days, ClockRung.REMINDED
    return scope & Q(
        clock__in=REGULATOR_CLOCKS,
        clock_rung=before,
        clock_due_at__lte=now - dt.timedelta(days=days),
    )


def offices(region_code: str) -> tuple[list[str], list[str]]:
    """The region codes of the office responsible for a hazard (its county and its own
    region) and of the office above (the city; the province for a city's own hazards)."""
    county = region_codes.ancestor_at(region_code, region_codes.COUNTY)
    own = sorted({region_code, region_codes.canonical(region_code), county} - {None})
    up = region_codes.ancestors(county or region_code)
    return own, up[-1:]


class _Offices:
    """The regulators and inspectors of a set of region codes, looked up once per sweep."""

    def __init__(self):
        self.people: dict[tuple[str, ...], list[User]] = {}

    def of(self, codes: list[str]) -> list[User]:
        key = tuple(codes)
        if key not in self.people:
            self.people[key] = list(
                User.objects.filter(
                    is_active=True,
                    memberships__role__in=[Role.REGULATOR, Role.INSPECTOR],
                    memberships__region_id__in=codes,
                    memberships__is_active=True,
                    memberships__unit__isnull=True,
                ).distinct()
            )
        return self.people[key]


def _notify_clock(rung, hazards, people: _Offices, now) -> None:
    for hazard in hazards:
        own, above = offices(hazard.region_code)
        recipients = people.of(own if rung == ClockRung.REMINDED else above)
        if not recipients:
            continue
        params = notices.hazard_params(
            hazard,
            found=timezone.localtime(hazard.found_at).strftime("%Y-%m-%d"),
            limit=timezone.localtime(hazard.clock_due_at).strftime("%Y-%m-%d %H:%M"),
            days=max(0, (now - hazard.clock_due_at).days),
        )
        stamp = int(hazard.clock_due_at.timestamp())
        notices.notify_users(
            recipients,
            hazard,
            key=f"clock:{hazard.clock}:{rung}:{stamp}",
            message=CLOCK_MESSAGES[(hazard.clock, rung)],
            params=params,
        )


def _run_clock_rung(rung, now, all_ladders, people: _Offices, result: Result) -> None:
    condition = Q(pk__in=[])
    for ladder in all_ladders:
        condition |= _clock_candidates(ladder, _scope(ladder, all_ladders), rung, now)

    def step(batch: list[Hazard]) -> list[Hazard]:
        moved = lapse_clocks_many(
            batch,
            rung=rung,
            now=now,
            data_for=lambda h: {"days_late": max(0, (now - h.clock_due_at).days)},
        )
        if rung == ClockRung.REMINDED:
            result.clock_reminded += len(moved)
        else:
            result.clock_escalated += len(moved)
        _notify_clock(rung, moved, people, now)
        return moved

    _in_batches(condition, "clock_due_at", step)


def sweep(now=None) -> Result:
    """One sweep of the whole ladder at `now`; idempotent."""
    now = now or timezone.now()
    all_ladders = ladders()
    depts = _Departments()
    result = Result()
    for rung in (
        SupervisionLevel.REMINDED,
        SupervisionLevel.LETTER,
        SupervisionLevel.LISTED,
        SupervisionLevel.ACCOUNTABILITY,
    ):
        _run_rung(rung, now, all_ladders, depts, result)
    people = _Offices()
    for rung in (ClockRung.REMINDED, ClockRung.ESCALATED):
        _run_clock_rung(rung, now, all_ladders, people, result)
    result.risk_units = unit_risk.refresh_units_due_between(*unit_risk.recently(now), now=now)
    warn_missing_calendars(now)
    return result
