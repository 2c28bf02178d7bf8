"""Accident pages: the list with the duty officer's desk, the quick report (a phone form), an
accident's page (grade and its reasoning, the chain with its countdowns, follow-ups, the unit's
history), the follow-up form, the chain's receive/forward buttons and the figures."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accidents import services, stats
from hazardloop.accidents.access import get_accident_or_404, require_report, visible_accidents
from hazardloop.accidents.choices import (
    GRADE_BADGE,
    UPDATE_BADGE,
    AccidentGrade,
    AccidentStatus,
    UpdateKind,
)
from hazardloop.accidents.desk import waiting_rows
from hazardloop.accidents.forms import QuickReportForm, StatsForm, UpdateForm
from hazardloop.accidents.grading import grade_reason
from hazardloop.accidents.history import unit_history
from hazardloop.accidents.routing import may_receive
from hazardloop.accounts.access import memberships_of, scope_for, scoped_regions
from hazardloop.core.errors import page_errors
from hazardloop.regions.models import Region
from hazardloop.units.models import Unit

PAGE = 50


def _forbidden():
    raise PermissionDenied(_("Your role does not allow this action here."))


@login_required
def accident_list(request):
    if scope_for(request.user, "accident.view").is_empty:
        _forbidden()
    qs = visible_accidents(request.user).select_related("unit").order_by("-occurred_at", "-id")
    status = request.GET.get("status", "")
    if status in AccidentStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs[:PAGE])
    now = timezone.now()
    return render(
        request,
        "accidents/accident_list.html",
        {
            "rows": [(a, GRADE_BADGE[AccidentGrade(a.grade)]) for a in rows],
            "waiting": waiting_rows(request.user, limit=50),
            "status": status,
            "statuses": AccidentStatus.choices,
            "can_report": not scope_for(request.user, "accident.report").is_empty,
            "can_see_stats": not stats.department_scope(request.user).is_empty,
            "now": now,
        },
    )


def _own_unit(user) -> Unit | None:
    """The unit of a unit account (its first unit membership allowed to report)."""
    for m in memberships_of(user):
        if m.unit_id is not None and scope_for(user, "accident.report").covers(None, m.unit_id):
            return m.unit
    return None


def _report_regions(user, unit):
    if unit is not None:
        return [unit.region]
    return list(scoped_regions(user, "accident.report").filter(level__in=("county", "zone")))


@login_required
def accident_create(request):
    scope = scope_for(request.user, "accident.report")
    if scope.is_empty:
        _forbidden()
    unit = _own_unit(request.user) if not (scope.everything or scope.prefixes) else None
    regions = _report_regions(request.user, unit)
    form = QuickReportForm(request.POST or None, regions=regions, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region_code = data.pop("region")
        chosen = unit
        uscc = (data.pop("unit_uscc", "") or "").strip().upper()
        if uscc:
            chosen = (
                scope.filter(Unit.objects.filter(uscc=uscc), region_field="region", unit_field="id")
                .select_related("region")
                .first()
            )
            if chosen is None:
                form.add_error("unit_uscc", _("No unit with this code in your area."))
        if not form.errors:
            try:
                accident = services.report_accident(
                    actor=request.user, unit=chosen, region_code=region_code, **data
                )
            except services.AccidentInputError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The quick report is filed and sent to the county."))
                return redirect("accidents:detail", pk=accident.pk)
    return render(request, "accidents/accident_form.html", {"form": form, "unit": unit})


def _chain_rows(user, accident, now):
    steps = list(accident.steps.select_related("received_by", "forwarded_by", "sent_by"))
    rows = []
    for i, step in enumerate(steps):
        following = steps[i + 1] if i + 1 < len(steps) else None
        mine = may_receive(user, step.region_code, now)
        rows.append(
            {
                "step": step,
                "late": step.is_late(now),
                "region": step.region_code,
                "can_receive": mine and step.sent_at and not step.received_at,
                "can_forward": mine
                and step.received_at
                and not step.forwarded_at
                and following is not None,
                # The clock runs on the level the report has yet to reach.
                "countdown": step.due_at if not step.sent_at else None,
            }
        )
    names = {r.code: r.name for r in Region.objects.filter(code__in=[s.region_code for s in steps])}
    for row in rows:
        row["region_name"] = names.get(row["region"], row["region"])
    return rows


@login_required
def accident_detail(request, pk):
    accident = get_accident_or_404(request.user, pk)
    now = timezone.now()
    report_scope = scope_for(request.user, "accident.report")
    chain = _chain_rows(request.user, accident, now)
    return render(
        request,
        "accidents/accident_detail.html",
        {
            "accident": accident,
            "badge": GRADE_BADGE[AccidentGrade(accident.grade)],
            "reason": grade_reason(accident.grade_basis),
            "chain": chain,
            "late_steps": sum(1 for r in chain if r["late"]),
            "updates": [
                (u, UPDATE_BADGE[UpdateKind(u.kind)])
                for u in accident.updates.select_related("by").order_by("-at", "-id")
            ],
            "history": unit_history(request.user, accident),
            "can_update": report_scope.covers(accident.region_code, accident.unit_id),
            "window_days": services.casualty_window_days(accident),
            "in_window": services.within_casualty_window(accident, now),
            "follow_up_late": accident.status == AccidentStatus.OPEN
            and accident.follow_up_due_at is not None
            and accident.follow_up_due_at < now,
            "now": now,
        },
    )


@login_required
def accident_update(request, pk):
    accident = get_accident_or_404(request.user, pk)
    require_report(request.user, accident)
    initial = {k: getattr(accident, k) for k in services.FIGURES}
    form = UpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with page_errors(request):
            update = services.add_update(accident, actor=request.user, **data)
            messages.success(
                request,
                _("%(kind)s filed.") % {"kind": UpdateKind(update.kind).label},
            )
            return redirect("accidents:detail", pk=accident.pk)
    return render(
        request,
        "accidents/update_form.html",
        {
            "accident": accident,
            "form": form,
            "window_days": services.casualty_window_days(accident),
            "in_window": services.within_casualty_window(accident, timezone.now()),
        },
    )


@login_required
@require_POST
def step_act(request, pk, seq, action):
    accident = get_accident_or_404(request.user, pk)
    step = accident.steps.filter(seq=seq).first()
    if step is None or action not in ("receive", "forward"):
        from django.http import Http404

        raise Http404(_("Not found."))
    with page_errors(request):
        if action == "receive":
            services.receive_step(accident, seq, actor=request.user)
            messages.success(request, _("Received: the time is recorded."))
        else:
            services.forward_step(accident, seq, actor=request.user)
            messages.success(request, _("Reported up to the next level."))
    return redirect("accidents:detail", pk=accident.pk)


@login_required
def accident_stats(request):
    scope = stats.department_scope(request.user)
    if scope.is_empty:
        _forbidden()
    regions = list(
        scoped_regions(request.user, "accident.view").filter(
            level__in=("province", "prefecture", "county", "zone")
        )
    )
    start, end = stats.this_year_to_date()
    form = StatsForm(
        request.GET or None,
        regions=regions,
        initial={"start": start, "end": end, "group_by": "region"},
    )
    group_by, region_code = "region", None
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        group_by = form.cleaned_data["group_by"]
        region_code = form.cleaned_data["region"] or None
        if end < start or (end - start).days > 3660 or not 1901 <= start.year <= end.year <= 2999:
            messages.error(request, _("Choose a period of at most ten years, start first."))
            start, end = stats.this_year_to_date()
    figures = stats.accident_figures(request.user, start, end, group_by, region_code)
    return render(
        request,
        "accidents/stats.html",
        {
            "form": form,
            "figures": figures,
            "late_steps": stats.late_steps(request.user, start, end),
            "last_start": stats.year_before(start),
            "last_end": stats.year_before(end),
            "today": dt.date.today(),
        },
    )
