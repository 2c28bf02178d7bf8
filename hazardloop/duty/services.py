"""Every change to duty rows: one transaction, one audit event, the permission checked here.

Refusals are `DutyError` (422, bad input: a gap, an overlap, a double booking, someone who may
not stand duty there) or `DutyConflict` (409: the row's state does not allow it now), each with
a translated sentence; nothing is written when a service refuses.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accounts.access import deny, require
from hazardloop.accounts.models import Membership, User
from hazardloop.audit.services import record_event
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.duty import patterns
from hazardloop.duty.choices import SwapStatus
from hazardloop.duty.models import (
    Assignment,
    Handover,
    HeightenedPeriod,
    KeyPost,
    LeaderDay,
    Roster,
    Shift,
    Swap,
)
from hazardloop.notifications.services import notify

MAX_SHIFT = dt.timedelta(hours=24)
MIN_SHIFT = dt.timedelta(hours=1)
MAX_OFFICERS = 20

MESSAGES = {
    "reminder": gettext_noop("Your duty shift at %(department)s starts %(start)s."),
    "swap_requested": gettext_noop(
        "%(person)s asks to hand the duty shift of %(start)s at %(department)s to %(replacement)s."
    ),
    "swap_approved": gettext_noop("The swap of the duty shift of %(start)s was approved."),
    "swap_refused": gettext_noop("The swap of the duty shift of %(start)s was refused."),
}


class DutyError(DomainError):
    status = 422
    code = "invalid"


class DutyConflict(Conflict):
    code = "not_allowed_now"


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _name(user) -> str:
    return str(user)


def manage_check(actor, roster: Roster) -> None:
    require(actor, "duty.manage", region_code=roster.region_code, obj=roster)


# --- rosters ---------------------------------------------------------------------------------


def _phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 32:
        raise DutyError(_("The duty phone has at most 32 characters."))
    if value and not all(c.isdigit() or c in "-+() " for c in value):
        raise DutyError(_("The duty phone may hold only digits, spaces and - + ( )."))
    return value


def _officers_per_shift(value: int) -> int:
    if not 1 <= int(value) <= MAX_OFFICERS:
        raise DutyError(_("A shift needs between 1 and %(n)d duty officers.") % {"n": MAX_OFFICERS})
    return int(value)


def _key_posts(roster: Roster, posts) -> None:
    """Replace the roster's key posts by [(name, min_staff)] (a post with people on a shift
    stays)."""
    wanted = {}
    for name, min_staff in posts:
        name = (name or "").strip()[:100]
        if not name:
            continue
        if not 1 <= int(min_staff) <= MAX_OFFICERS:
            raise DutyError(_("A key post needs between 1 and %(n)d people.") % {"n": MAX_OFFICERS})
        wanted[name] = int(min_staff)
    for post in roster.key_posts.all():
        if post.name not in wanted:
            if post.assignments.exists():
                raise DutyError(
                    _("The key post “%(name)s” has people on shifts; take them off first.")
                    % {"name": post.name}
                )
            post.delete()
        else:
            KeyPost.objects.filter(pk=post.pk).update(min_staff=wanted.pop(post.name))
    for name, min_staff in wanted.items():
        KeyPost.objects.create(roster=roster, name=name, min_staff=min_staff)


def create_roster(
    *, actor, department, shift_starts, officers_per_shift=1, duty_phone="", key_posts=()
) -> Roster:
    region_code = department.region_id
    require(actor, "duty.manage", region_code=region_code, obj=department)
    try:
        starts = patterns.parse(shift_starts)
    except patterns.PatternError as exc:
        raise DutyError(str(exc)) from None
    with transaction.atomic():
        if Roster.objects.filter(department=department).exists():
            raise DutyConflict(_("This department already has a duty roster."), "exists")
        roster = Roster.objects.create(
            department=department,
            region_code=region_code,
            shift_starts=starts,
            officers_per_shift=_officers_per_shift(officers_per_shift),
            duty_phone=_phone(duty_phone),
            created_by=actor,
        )
        _key_posts(roster, key_posts)
        record_event(
            "duty.roster_created",
            actor=actor,
            obj=roster,
            region_code=region_code,
            after={"shift_starts": starts, "officers_per_shift": roster.officers_per_shift},
        )
    return roster


def update_roster(
    roster: Roster,
    *,
    actor,
    shift_starts=None,
    officers_per_shift=None,
    duty_phone=None,
    key_posts=None,
) -> Roster:
    """Change the pattern (for months filled from now on), the officers a shift needs, the duty
    phone or the key posts."""
    manage_check(actor, roster)
    before = {
        "shift_starts": roster.shift_starts,
        "officers_per_shift": roster.officers_per_shift,
        "duty_phone": roster.duty_phone,
    }
    with transaction.atomic():
        if shift_starts is not None:
            try:
                roster.shift_starts = patterns.parse(shift_starts)
            except patterns.PatternError as exc:
                raise DutyError(str(exc)) from None
        if officers_per_shift is not None:
            roster.officers_per_shift = _officers_per_shift(officers_per_shift)
        if duty_phone is not None:
            roster.duty_phone = _phone(duty_phone)
        roster.save()
        if key_posts is not None:
            _key_posts(roster, key_posts)
        after = {
            "shift_starts": roster.shift_starts,
            "officers_per_shift": roster.officers_per_shift,
            "duty_phone": roster.duty_phone,
        }
        record_event("duty.roster_updated", actor=actor, obj=roster, before=before, after=after)
    return roster


# --- shifts ----------------------------------------------------------------------------------


def fill_month(roster: Roster, month: dt.date, *, actor) -> int:
    """Lay the month's shifts out from the pattern (slots without people yet); a slot that
    would overlap an existing shift is left out. Idempotent; returns how many were created."""
    manage_check(actor, roster)
    days = patterns.month_days(month)
    slots = [s for day in days for s in _day_slots(roster, day)]
    if not slots:
        return 0
    with transaction.atomic():
        existing = list(
            roster.shifts.filter(starts_at__lt=slots[-1][2], ends_at__gt=slots[0][1]).values_list(
                "starts_at", "ends_at"
            )
        )
        new = [
            Shift(roster=roster, region_code=roster.region_code, day=day, starts_at=a, ends_at=b)
            for day, a, b in slots
            if not any(s < b and a < e for s, e in existing)
        ]
        Shift.objects.bulk_create(new)
        if new:
            record_event(
                "duty.month_filled",
                actor=actor,
                obj=roster,
                message=f"{month:%Y-%m}: {len(new)} shifts",
            )
    return len(new)


def _day_slots(roster: Roster, day: dt.date):
    for a, b in patterns.shifts_of_day(roster.shift_starts, day):
        yield day, a, b


def add_shift(
    roster: Roster, *, actor, starts_at: dt.datetime, ends_at: dt.datetime, officers=(), note=""
) -> Shift:
    """One shift [starts_at, ends_at), with its officers [(user, post or None)]. Refused when it
    overlaps a shift of the roster or leaves a gap next to the shifts before or after it."""
    manage_check(actor, roster)
    if ends_at <= starts_at:
        raise DutyError(_("A shift must end after it starts."), "bad_times")
    if not MIN_SHIFT <= ends_at - starts_at <= MAX_SHIFT:
        raise DutyError(_("A shift lasts between 1 and 24 hours."), "bad_times")
    with transaction.atomic():
        Roster.objects.select_for_update().filter(pk=roster.pk).first()
        overlap = roster.shifts.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).first()
        if overlap:
            raise DutyError(
                _("It overlaps the shift from %(start)s to %(end)s.")
                % {"start": _local(overlap.starts_at), "end": _local(overlap.ends_at)},
                "overlap",
            )
        before = roster.shifts.filter(ends_at__lte=starts_at).order_by("-ends_at").first()
        if before and before.ends_at < starts_at:
            raise DutyError(
                _("It would leave %(start)s to %(end)s without a shift.")
                % {"start": _local(before.ends_at), "end": _local(starts_at)},
                "gap",
            )
        after = roster.shifts.filter(starts_at__gte=ends_at).order_by("starts_at").first()
        if after and after.starts_at > ends_at:
            raise DutyError(
                _("It would leave %(start)s to %(end)s without a shift.")
                % {"start": _local(ends_at), "end": _local(after.starts_at)},
                "gap",
            )
        shift = Shift.objects.create(
            roster=roster,
            region_code=roster.region_code,
            day=patterns.duty_day(roster.shift_starts, starts_at),
            starts_at=starts_at,
            ends_at=ends_at,
            note=(note or "")[:500],
        )
        _set_officers(shift, officers)
        record_event(
            "duty.shift_created",
            actor=actor,
            obj=shift,
            after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                   "officers": [u.pk for u, _p in officers]},
        )  # fmt: skip
    return shift


def eligible(roster: Roster, users) -> list:
    """Those of `users` who may stand duty on the roster: an active department role in its
    region."""
    ids = set(
        Membership.objects.filter(
            user__in=users,
            user__is_active=True,
            is_active=True,
            department__isnull=False,
            region_id=roster.region_code,
        ).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk in ids]


def candidates(roster: Roster):
    """Everyone who may be put on the roster (for the pickers)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__department__isnull=False,
            memberships__region_id=roster.region_code,
        )
        .distinct()
        .order_by("display_name", "username")
    )


def _check_people(shift: Shift, officers) -> None:
    roster = shift.roster
    users = [u for u, _post in officers]
    if len(users) > MAX_OFFICERS:
        raise DutyError(_("At most %(n)d people on one shift.") % {"n": MAX_OFFICERS})
    if len({u.pk for u in users}) != len(users):
        raise DutyError(_("A person appears twice on this shift."), "double_booked")
    ok = {u.pk for u in eligible(roster, users)}
    strangers = [_name(u) for u in users if u.pk not in ok]
    if strangers:
        raise DutyError(
            _("%(names)s may not stand duty here: they hold no role in this region's departments.")
            % {"names": "、".join(strangers)},
            "not_eligible",
        )
    for _user, post in officers:
        if post is not None and post.roster_id != roster.pk:
            raise DutyError(_("That key post belongs to another roster."))
    clash = (
        Assignment.objects.filter(
            user__in=users, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
        )
        .exclude(shift=shift)
        .select_related("user", "shift__roster__department")
        .first()
    )
    if clash:
        raise DutyError(
            _("%(name)s is already on duty from %(start)s to %(end)s (%(department)s).")
            % {
                "name": _name(clash.user),
                "start": _local(clash.starts_at),
                "end": _local(clash.ends_at),
                "department": clash.shift.roster.department,
            },
            "double_booked",
        )


def _set_officers(shift: Shift, officers) -> None:
    officers = list(officers)
    _check_people(shift, officers)
    keep = {}
    for a in shift.assignments.all():
        keep[(a.user_id, a.post_id)] = a
    wanted = {(u.pk, p.pk if p else None) for u, p in officers}
    gone = [a.pk for key, a in keep.items() if key not in wanted]
    if gone:
        Assignment.objects.filter(pk__in=gone).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(
                shift=shift,
                user=u,
                post=p,
                region_code=shift.region_code,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
            )
            for u, p in officers
            if (u.pk, p.pk if p else None) not in keep
        ]
    )


def set_officers(shift: Shift, *, actor, officers, note=None) -> Shift:
    """Put exactly these people [(user, post or None)] on the shift (check-ins of those who
    stay are kept)."""
    manage_check(actor, shift.roster)
    before = sorted(shift.assignments.values_list("user_id", flat=True))
    with transaction.atomic():
        Roster.objects.select_for_update().filter(pk=shift.roster_id).first()
        try:
            with transaction.atomic():
                _set_officers(shift, officers)
        except IntegrityError:
            raise DutyError(_("A person appears twice on this shift."), "double_booked") from None
        if note is not None:
            shift.note = note[:500]
        shift.version += 1
        shift.save(update_fields=["note", "version"])
        record_event(
            "duty.shift_updated",
            actor=actor,
            obj=shift,
            before={"officers": before},
            after={"officers": sorted(u.pk for u, _p in officers)},
        )
    return shift


def set_leader(roster: Roster, day: dt.date, *, actor, user) -> LeaderDay | None:
    """Name the leader on duty of a duty day (None: nobody, which the check flags)."""
    manage_check(actor, roster)
    with transaction.atomic():
        current = LeaderDay.objects.filter(roster=roster, day=day).first()
        if user is None:
            if current:
                current.delete()
                record_event(
                    "duty.leader_removed", actor=actor, obj=roster, message=day.isoformat()
                )
            return None
        if not eligible(roster, [user]):
            raise DutyError(
                _("%(names)s may not stand duty here: they hold no role in this region's "
                  "departments.") % {"names": _name(user)},
                "not_eligible",
            )  # fmt: skip
        if current:
            current.user = user
            current.save(update_fields=["user"])
        else:
            current = LeaderDay.objects.create(
                roster=roster, day=day, user=user, region_code=roster.region_code
            )
        record_event(
            "duty.leader_set",
            actor=actor,
            obj=roster,
            message=day.isoformat(),
            after={"day": day.isoformat(), "user": user.pk},
        )
    return current


# --- heightened duty -------------------------------------------------------------------------


def create_period(
    *, actor, region_code, name, starts_on, ends_on, min_officers
) -> HeightenedPeriod:
    require(actor, "duty.manage", region_code=region_code)
    name = (name or "").strip()
    if not name:
        raise DutyError(_("Name the period (e.g. National Day week)."))
    if ends_on < starts_on:
        raise DutyError(_("The last day cannot be before the first day."))
    if (ends_on - starts_on).days > 92:
        raise DutyError(_("A heightened-duty period lasts at most 93 days."))
    with transaction.atomic():
        period = HeightenedPeriod.objects.create(
            region_code=region_code,
            name=name[:100],
            starts_on=starts_on,
            ends_on=ends_on,
            min_officers=_officers_per_shift(min_officers),
            created_by=actor,
        )
        record_event(
            "duty.period_created",
            actor=actor,
            obj=period,
            region_code=region_code,
            after={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
                   "min_officers": period.min_officers},
        )  # fmt: skip
    return period


# --- on the shift ----------------------------------------------------------------------------


def _own_assignment(shift: Shift, actor) -> Assignment:
    assignment = shift.assignments.filter(user=actor).first()
    if assignment is None:
        deny(actor, "duty.check_in", obj=shift, region_code=shift.region_code)
    require(actor, "duty.check_in", region_code=shift.region_code, obj=shift)
    return assignment


def check_in(shift: Shift, *, actor, now=None) -> Assignment:
    """The person on the shift checks in: from DUTY_CHECK_IN_EARLY_MINUTES before its start
    until its end; later than DUTY_CHECK_IN_GRACE_MINUTES after the start is late."""
    now = now or timezone.now()
    assignment = _own_assignment(shift, actor)
    early = dt.timedelta(minutes=settings.DUTY_CHECK_IN_EARLY_MINUTES)
    if now < shift.starts_at - early:
        raise DutyConflict(
            _("Check-in opens %(minutes)d minutes before the shift starts.")
            % {"minutes": settings.DUTY_CHECK_IN_EARLY_MINUTES}
        )
    if now >= shift.ends_at:
        raise DutyConflict(_("This shift is over."))
    late = now > shift.starts_at + dt.timedelta(minutes=settings.DUTY_CHECK_IN_GRACE_MINUTES)
    with transaction.atomic():
        done = Assignment.objects.filter(pk=assignment.pk, checked_in_at__isnull=True).update(
            checked_in_at=now, check_in_late=late
        )
        if not done:
            raise DutyConflict(_("You have already checked in."), "already")
        assignment.checked_in_at, assignment.check_in_late = now, late
        record_event(
            "duty.checked_in",
            actor=actor,
            obj=shift,
            message="late" if late else "",
            after={"at": now.isoformat(), "late": late},
        )
    return assignment


def next_shift(shift: Shift) -> Shift | None:
    return Shift.objects.filter(roster_id=shift.roster_id, starts_at=shift.ends_at).first()


def write_handover(shift: Shift, *, actor, note: str, now=None) -> Handover:
    """The outgoing officer writes (or, until it is confirmed, rewrites) the shift's handover."""
    now = now or timezone.now()
    _own_assignment(shift, actor)
    note = (note or "").strip()
    if not note:
        raise DutyError(_("Write what the next shift needs to know."))
    if len(note) > 2000:
        raise DutyError(_("At most %(count)s characters.") % {"count": 2000})
    if now < shift.starts_at:
        raise DutyConflict(_("This shift has not started yet."))
    with transaction.atomic():
        handover = Handover.objects.select_for_update().filter(shift=shift).first()
        if handover and handover.confirmed_at:
            raise DutyConflict(_("The handover was already confirmed by the next shift."))
        if handover:
            handover.note, handover.written_by, handover.written_at = note, actor, now
            handover.save(update_fields=["note", "written_by", "written_at"])
        else:
            handover = Handover.objects.create(
                shift=shift, region_code=shift.region_code, note=note, written_by=actor,
                written_at=now,
            )  # fmt: skip
        record_event("duty.handover_written", actor=actor, obj=shift, after={"note": note[:200]})
    return handover


def confirm_handover(shift: Shift, *, actor, now=None) -> Handover:
    """An officer of the next shift signs the handover as received."""
    now = now or timezone.now()
    handover = Handover.objects.filter(shift=shift).first()
    following = next_shift(shift)
    if following is None or not following.assignments.filter(user=actor).exists():
        deny(actor, "duty.handover_confirm", obj=shift, region_code=shift.region_code)
    require(actor, "duty.check_in", region_code=shift.region_code, obj=shift)
    if handover is None:
        raise DutyConflict(_("The outgoing shift has not written its handover yet."))
    if handover.written_by_id == actor.pk:
        raise DutyConflict(_("The handover is confirmed by the next shift, not its writer."))
    with transaction.atomic():
        done = Handover.objects.filter(pk=handover.pk, confirmed_at__isnull=True).update(
            confirmed_by=actor, confirmed_at=now
        )
        if not done:
            raise DutyConflict(_("The handover was already confirmed by the next shift."))
        handover.refresh_from_db()
        record_event("duty.handover_confirmed", actor=actor, obj=shift)
    return handover


# --- swaps -----------------------------------------------------------------------------------


def _managers(region_code: str):
    from hazardloop.accounts.permissions import role_has

    roles = [r for r in ("regulator",) if role_has(r, "duty.manage")]
    return User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role__in=roles,
        memberships__region_id=region_code,
    ).distinct()


def request_swap(shift: Shift, *, actor, replacement, reason="", now=None) -> Swap:
    """The person on the shift asks to hand it to `replacement`; the regulator decides."""
    now = now or timezone.now()
    assignment = _own_assignment(shift, actor)
    if shift.ends_at <= now:
        raise DutyConflict(_("This shift is over."))
    if replacement.pk == actor.pk:
        raise DutyError(_("Choose someone else to take the shift."))
    _check_replacement(assignment, replacement)
    with transaction.atomic():
        if Swap.objects.filter(assignment=assignment, status=SwapStatus.PENDING).exists():
            raise DutyConflict(_("A swap of this shift is already waiting for approval."))
        swap = Swap.objects.create(
            assignment=assignment,
            region_code=shift.region_code,
            requested_by=actor,
            original_user=actor,
            replacement=replacement,
            reason=(reason or "")[:500],
        )
        record_event(
            "duty.swap_requested",
            actor=actor,
            obj=swap,
            after={"shift": shift.pk, "replacement": replacement.pk},
        )
        notify(
            _managers(shift.region_code),
            key=f"duty:swap:{swap.pk}",
            message=MESSAGES["swap_requested"],
            params={
                "person": _name(actor),
                "replacement": _name(replacement),
                "start": _local(shift.starts_at),
                "department": shift.roster.department.name_zh,
            },
            link=reverse("duty:shift", args=[shift.pk]),
            region_code=shift.region_code,
            email=False,
        )
    return swap


def _check_replacement(assignment: Assignment, replacement) -> None:
    shift = assignment.shift
    if not eligible(shift.roster, [replacement]):
        raise DutyError(
            _("%(names)s may not stand duty here: they hold no role in this region's "
              "departments.") % {"names": _name(replacement)},
            "not_eligible",
        )  # fmt: skip
    clash = (
        Assignment.objects.filter(
            user=replacement, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
        )
        .select_related("shift__roster__department")
        .first()
    )
    if clash:
        raise DutyError(
            _("%(name)s is already on duty from %(start)s to %(end)s (%(department)s).")
            % {
                "name": _name(replacement),
                "start": _local(clash.starts_at),
                "end": _local(clash.ends_at),
                "department": clash.shift.roster.department,
            },
            "double_booked",
        )


def decide_swap(swap: Swap, *, actor, approve: bool, note="", now=None) -> Swap:
    """The department's regulator approves (the replacement takes the shift) or refuses."""
    now = now or timezone.now()
    require(actor, "duty.manage", region_code=swap.region_code, obj=swap)
    if swap.status != SwapStatus.PENDING:
        raise DutyConflict(_("This swap was already decided."))
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=swap.assignment_id)
        if approve:
            if assignment.user_id != swap.original_user_id:
                raise DutyConflict(_("The shift changed meanwhile; the swap no longer applies."))
            _check_replacement(assignment, swap.replacement)
            assignment.user = swap.replacement
            assignment.checked_in_at, assignment.check_in_late = None, False
            assignment.save(update_fields=["user", "checked_in_at", "check_in_late"])
        status = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
        done = Swap.objects.filter(pk=swap.pk, status=SwapStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=now, decision_note=(note or "")[:500]
        )
        if not done:
            raise DutyConflict(_("This swap was already decided."))
        swap.refresh_from_db()
        record_event(
            "duty.swap_approved" if approve else "duty.swap_refused",
            actor=actor,
            obj=swap,
            message=(note or "")[:200],
        )
        shift = assignment.shift
        notify(
            [swap.original_user, swap.replacement] if approve else [swap.original_user],
            key=f"duty:swap:{swap.pk}:{status}",
            message=MESSAGES["swap_approved" if approve else "swap_refused"],
            params={"start": _local(shift.starts_at)},
            link=reverse("duty:shift", args=[shift.pk]),
            region_code=shift.region_code,
            email=False,
        )
    return swap
