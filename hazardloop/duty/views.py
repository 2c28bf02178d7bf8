"""Duty pages: the rosters of one's scope, a roster's month calendar (a day list on a phone),
a shift (its people, check-in, handover, swaps), who is on duty now, my duty, the export."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazardloop.accounts.access import get_own_or_404, require, scope_for, scoped_regions
from hazardloop.core.errors import page_errors
from hazardloop.duty import access, jobs, patterns, queries, services
from hazardloop.duty.choices import EXPORT_BADGE, SWAP_BADGE, ExportStatus, SwapStatus
from hazardloop.duty.models import (
    Assignment,
    Handover,
    KeyPost,
    LeaderDay,
    RosterExport,
    Shift,
    Swap,
)
from hazardloop.regions.models import Department, Region


def _require_view(user) -> None:
    if scope_for(user, "duty.view").is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))


def _today() -> dt.date:
    return timezone.localdate()


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _manageable_departments(user):
    """Departments where the user keeps rosters and which have none yet."""
    manage = scope_for(user, "duty.manage")
    if manage.is_empty:
        return Department.objects.none()
    return (
        manage.filter(Department.objects.all(), "region_id", None)
        .filter(duty_roster__isnull=True)
        .select_related("region")
        .order_by("region_id", "kind")[:300]
    )


@login_required
@require_GET
def index(request):
    _require_view(request.user)
    rosters = list(access.visible_rosters(request.user).order_by("region_code", "id")[:200])
    periods = list(access.visible_periods(request.user).order_by("-starts_on")[:20])
    swaps = list(
        access.visible(Swap.objects.filter(status=SwapStatus.PENDING), request.user, "duty.manage")
        .select_related("assignment__shift__roster__department", "original_user", "replacement")
        .order_by("id")[:50]
    )
    can_manage = not scope_for(request.user, "duty.manage").is_empty
    context = {
        "rosters": rosters,
        "periods": periods,
        "swaps": swaps,
        "can_manage": can_manage,
        "departments": _manageable_departments(request.user) if can_manage else [],
        "regions": scoped_regions(request.user, "duty.manage") if can_manage else [],
        "today": _today(),
    }
    return render(request, "duty/index.html", context)


def _pattern_text(starts) -> str:
    return ", ".join(starts)


def _key_posts_from(request) -> list[tuple[str, int]]:
    out = []
    for line in (request.POST.get("key_posts") or "").splitlines()[:20]:
        name, _sep, count = line.partition("*")
        count = _int(count) or 1
        if name.strip():
            out.append((name.strip()[:100], count))
    return out


@login_required
def roster_create(request):
    _require_view(request.user)
    departments = _manageable_departments(request.user)
    if not departments:
        raise PermissionDenied(_("Your role does not allow this action here."))
    if request.method == "POST":
        department = departments.filter(pk=_int(request.POST.get("department"))).first()
        if department is None:
            messages.error(request, _("Choose a department of your jurisdiction."))
        else:
            with page_errors(request):
                roster = services.create_roster(
                    actor=request.user,
                    department=department,
                    shift_starts=request.POST.get("shift_starts", ""),
                    officers_per_shift=_int(request.POST.get("officers_per_shift")) or 0,
                    duty_phone=request.POST.get("duty_phone", ""),
                    key_posts=_key_posts_from(request),
                )
                messages.success(request, _("The roster was created."))
                return redirect("duty:roster", pk=roster.pk)
    return render(
        request,
        "duty/roster_form.html",
        {"departments": departments, "data": request.POST, "roster": None},
    )


@login_required
def roster_settings(request, pk: int):
    roster = access.access_roster(request.user, pk)
    services.manage_check(request.user, roster)
    if request.method == "POST":
        with page_errors(request):
            services.update_roster(
                roster,
                actor=request.user,
                shift_starts=request.POST.get("shift_starts", ""),
                officers_per_shift=_int(request.POST.get("officers_per_shift")) or 0,
                duty_phone=request.POST.get("duty_phone", ""),
                key_posts=_key_posts_from(request),
            )
            messages.success(request, _("The roster was saved."))
            return redirect("duty:roster", pk=roster.pk)
        data = request.POST
    else:
        data = {
            "shift_starts": _pattern_text(roster.shift_starts),
            "officers_per_shift": roster.officers_per_shift,
            "duty_phone": roster.duty_phone,
            "key_posts": "\n".join(f"{p.name} * {p.min_staff}" for p in roster.key_posts.all()),
        }
    return render(request, "duty/roster_form.html", {"roster": roster, "data": data})


def _month_links(month: dt.date) -> tuple[str, str]:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return f"{previous:%Y-%m}", f"{following:%Y-%m}"


@login_required
@require_GET
def roster_detail(request, pk: int):
    """The month calendar (a grid on a wide screen, a day list on a phone), problems flagged."""
    roster = access.access_roster(request.user, pk)
    month = patterns.parse_month(request.GET.get("month"), _today())
    days = queries.month_view(roster, month)
    can_manage = access.may(request.user, "duty.manage", roster.region_code)
    previous, following = _month_links(month)
    lead = [None] * days[0].day.weekday()
    weeks, row = [], list(lead)
    for view in days:
        row.append(view)
        if len(row) == 7:
            weeks.append(row)
            row = []
    if row:
        weeks.append(row + [None] * (7 - len(row)))
    context = {
        "roster": roster,
        "month": month,
        "days": days,
        "weeks": weeks,
        "previous": previous,
        "following": following,
        "can_manage": can_manage,
        "flagged": sum(1 for d in days if d.flagged),
        "empty": not any(d.shifts for d in days),
        "today": _today(),
        "candidates": services.candidates(roster)[:300] if can_manage else [],
        "key_posts": list(roster.key_posts.all()),
        # A Monday to Sunday, for the grid's column heads (the date filter translates them).
        "week_days": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(7)],
    }
    return render(request, "duty/roster_detail.html", context)


def _month_from_post(request) -> dt.date:
    return patterns.parse_month(request.POST.get("month"), _today())


def _back_to_month(roster, month: dt.date):
    return redirect(f"{reverse('duty:roster', args=[roster.pk])}?month={month:%Y-%m}")


@login_required
@require_POST
def roster_fill(request, pk: int):
    roster = access.access_roster(request.user, pk)
    month = _month_from_post(request)
    with page_errors(request):
        created = services.fill_month(roster, month, actor=request.user)
        messages.success(
            request, _("%(n)d shifts laid out; now put people on them.") % {"n": created}
        )
    return _back_to_month(roster, month)


@login_required
@require_POST
def roster_leader(request, pk: int):
    roster = access.access_roster(request.user, pk)
    services.manage_check(request.user, roster)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Choose a day."))
        return _back_to_month(roster, _today())
    user = None
    raw = request.POST.get("user", "")
    user_id = _int(raw)
    if raw != "none" and not user_id:
        messages.error(request, _("Choose someone of this region's departments."))
        return _back_to_month(roster, day)
    if user_id:
        user = services.candidates(roster).filter(pk=user_id).first()
        if user is None:
            messages.error(request, _("Choose someone of this region's departments."))
            return _back_to_month(roster, day)
    with page_errors(request):
        services.set_leader(roster, day, actor=request.user, user=user)
        messages.success(request, _("The leader on duty was saved."))
    return _back_to_month(roster, day)


@login_required
@require_POST
def roster_export(request, pk: int):
    roster = access.access_roster(request.user, pk)
    month = _month_from_post(request)
    export = jobs.start_export(roster, month, actor=request.user)
    return redirect("duty:export_job", pk=export.pk)


@login_required
@require_GET
def export_job(request, pk: int):
    job = get_own_or_404(request.user, RosterExport.objects.select_related("roster"), pk=pk)
    context = {"job": job, "badge": EXPORT_BADGE[ExportStatus(job.status)]}
    if request.headers.get("HX-Request"):
        return render(request, "duty/partials/_export_status.html", context)
    return render(request, "duty/export_detail.html", context)


@login_required
@require_GET
def export_download(request, pk: int):
    job = get_own_or_404(request.user, RosterExport.objects.all(), pk=pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404(_("Not found."))
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=f"duty-{job.month:%Y-%m}.xlsx"
    )


# --- a shift ---------------------------------------------------------------------------------


def shift_context(request, shift: Shift) -> dict:
    now = timezone.now()
    people = list(shift.assignments.select_related("user", "post"))
    mine = next((a for a in people if a.user_id == request.user.pk), None)
    handover = Handover.objects.filter(shift=shift).select_related("written_by", "confirmed_by")
    handover = handover.first()
    previous = Shift.objects.filter(roster_id=shift.roster_id, ends_at=shift.starts_at).first()
    incoming = (
        Handover.objects.filter(shift=previous).select_related("written_by", "confirmed_by").first()
        if previous
        else None
    )
    following = services.next_shift(shift)
    can_manage = access.may(request.user, "duty.manage", shift.region_code)
    leader = LeaderDay.objects.filter(roster_id=shift.roster_id, day=shift.day).first()
    early = dt.timedelta(minutes=_setting("DUTY_CHECK_IN_EARLY_MINUTES"))
    swaps = list(
        Swap.objects.filter(assignment__shift=shift).select_related(
            "original_user", "replacement", "decided_by"
        )
    )
    return {
        "shift": shift,
        "roster": shift.roster,
        "people": people,
        "mine": mine,
        "leader": leader.user if leader else None,
        "handover": handover,
        "incoming": incoming,
        "previous": previous,
        "following": following,
        "can_manage": can_manage,
        "may_check_in": bool(
            mine and not mine.checked_in_at and shift.starts_at - early <= now < shift.ends_at
        ),
        "may_write_handover": bool(
            mine and now >= shift.starts_at and not (handover and handover.confirmed_at)
        ),
        "may_confirm": bool(
            incoming
            and not incoming.confirmed_at
            and mine
            and incoming.written_by_id != mine.user_id
        ),
        "may_swap": bool(mine and shift.ends_at > now),
        "swaps": swaps,
        "swap_badge": SWAP_BADGE,
        "candidates": services.candidates(shift.roster)[:300] if (can_manage or mine) else [],
        "key_posts": list(KeyPost.objects.filter(roster_id=shift.roster_id)),
        "now": now,
    }


def _setting(name: str) -> int:
    from django.conf import settings

    return getattr(settings, name)


@login_required
@require_GET
def shift_detail(request, pk: int):
    shift = access.access_shift(request.user, pk)
    return render(request, "duty/shift_detail.html", shift_context(request, shift))


def _back_to_shift(shift):
    return redirect("duty:shift", pk=shift.pk)


@login_required
@require_POST
def shift_officers(request, pk: int):
    """Put exactly the ticked people on the shift (officers, and people on key posts)."""
    shift = access.access_shift(request.user, pk)
    services.manage_check(request.user, shift.roster)
    pool = {u.pk: u for u in services.candidates(shift.roster)}
    posts = {p.pk: p for p in KeyPost.objects.filter(roster_id=shift.roster_id)}
    officers = []
    for raw in request.POST.getlist("officer")[: services.MAX_OFFICERS + 1]:
        user = pool.get(_int(raw))
        if user:
            officers.append((user, None))
    for post_id, post in posts.items():
        for raw in request.POST.getlist(f"post-{post_id}")[: services.MAX_OFFICERS + 1]:
            user = pool.get(_int(raw))
            if user:
                officers.append((user, post))
    with page_errors(request):
        services.set_officers(shift, actor=request.user, officers=officers)
        messages.success(request, _("The shift was saved."))
    return _back_to_shift(shift)


@login_required
@require_POST
def shift_check_in(request, pk: int):
    shift = access.access_shift(request.user, pk)
    with page_errors(request):
        assignment = services.check_in(shift, actor=request.user)
        if assignment.check_in_late:
            messages.warning(request, _("Checked in, late."))
        else:
            messages.success(request, _("Checked in."))
    if request.POST.get("next") == "workbench":
        return redirect("workbench:home")
    return _back_to_shift(shift)


@login_required
@require_POST
def shift_handover(request, pk: int):
    shift = access.access_shift(request.user, pk)
    with page_errors(request):
        services.write_handover(shift, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The handover was written; the next shift confirms it."))
    return _back_to_shift(shift)


@login_required
@require_POST
def shift_handover_confirm(request, pk: int):
    """Confirm the handover of shift `pk` (the previous one) as an officer of the next."""
    shift = access.access_shift(request.user, pk)
    with page_errors(request):
        services.confirm_handover(shift, actor=request.user)
        messages.success(request, _("Handover confirmed."))
    following = services.next_shift(shift)
    return _back_to_shift(following or shift)


@login_required
@require_POST
def shift_swap(request, pk: int):
    shift = access.access_shift(request.user, pk)
    replacement = (
        services.candidates(shift.roster).filter(pk=_int(request.POST.get("replacement"))).first()
    )
    if replacement is None:
        messages.error(request, _("Choose someone of this region's departments."))
        return _back_to_shift(shift)
    with page_errors(request):
        services.request_swap(
            shift,
            actor=request.user,
            replacement=replacement,
            reason=request.POST.get("reason", "")[:500],
        )
        messages.success(request, _("Swap requested; the regulator decides."))
    return _back_to_shift(shift)


@login_required
@require_POST
def swap_decide(request, pk: int):
    swap = access.access_swap(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    with page_errors(request):
        services.decide_swap(
            swap, actor=request.user, approve=approve, note=request.POST.get("note", "")[:500]
        )
        messages.success(request, _("Swap approved.") if approve else _("Swap refused."))
    return redirect("duty:shift", pk=swap.assignment.shift_id)


# --- heightened duty -------------------------------------------------------------------------


@login_required
@require_POST
def period_create(request):
    _require_view(request.user)
    code = (request.POST.get("region") or "").strip()[:12]
    region = Region.objects.filter(code=code).first()
    if region is None or not access.may(request.user, "duty.view", region.code):
        raise Http404(_("Not found."))
    require(request.user, "duty.manage", region_code=region.code, obj=region)
    try:
        starts_on = dt.date.fromisoformat(request.POST.get("starts_on", ""))
        ends_on = dt.date.fromisoformat(request.POST.get("ends_on", ""))
    except ValueError:
        messages.error(request, _("Give the first and the last day."))
        return redirect("duty:index")
    with page_errors(request):
        services.create_period(
            actor=request.user,
            region_code=region.code,
            name=request.POST.get("name", ""),
            starts_on=starts_on,
            ends_on=ends_on,
            min_officers=_int(request.POST.get("min_officers")) or 0,
        )
        messages.success(request, _("The heightened-duty period was saved."))
    return redirect("duty:index")


# --- who is on duty, my duty -----------------------------------------------------------------


def default_region(user) -> str:
    """The region of the user's first duty membership (their own), else the province."""
    from hazardloop.accounts.access import memberships_of

    for m in memberships_of(user):
        if m.unit_id is None and access.may(user, "duty.view", m.region_id):
            return m.region_id
    scope = scope_for(user, "duty.view")
    if scope.prefixes:
        from hazardloop.regions import codes

        return codes.canonical(scope.prefixes[0])
    first = Region.objects.filter(level="province").order_by("code").first()
    return first.code if first else ""


@login_required
@require_GET
def now_page(request):
    _require_view(request.user)
    code = (request.GET.get("region") or "").strip()[:12] or default_region(request.user)
    code = access.check_on_duty_region(request.user, code)
    region = Region.objects.get(code=code)
    found = queries.on_duty(code, timezone.now())
    # The regions above one's own (where one reports to) come first in the picker.
    view = scope_for(request.user, "duty.view")
    above = [
        r
        for r in [*region.ancestors(), region]
        if access.may_ask_on_duty(request.user, r.code) and not view.covers_region(r.code)
    ]
    return render(
        request,
        "duty/now.html",
        {
            "region": region,
            "found": found,
            "above": above,
            "regions": scoped_regions(request.user, "duty.view")[:300],
        },
    )


@login_required
@require_GET
def mine(request):
    """My shifts (this one and the next ones, and the last week's) and my leader-on-duty
    days."""
    today = _today()
    since = timezone.now() - dt.timedelta(days=7)
    shifts = (
        Assignment.objects.filter(user=request.user, ends_at__gte=since)
        .select_related("shift__roster__department", "post")
        .order_by("starts_at")[:60]
    )
    days = (
        LeaderDay.objects.filter(user=request.user, day__gte=today - dt.timedelta(days=7))
        .select_related("roster__department")
        .order_by("day")[:60]
    )
    return render(
        request,
        "duty/mine.html",
        {"assignments": list(shifts), "leader_days": list(days), "now": timezone.now(),
         "today": today},
    )  # fmt: skip
