"""Pages: a unit's duties today (phone first), the patrol (a one-minute phone task), and the
regulators' list of units with lapsed duties."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.accounts.access import belongs_to_unit, can, memberships_of, require, scope_for
from hazardloop.evidence.services import PhotoError, store_photo
from hazardloop.inspections.answers import SubmissionError
from hazardloop.obligations import hours as hours_mod
from hazardloop.obligations.access import unit_for_duties
from hazardloop.obligations.choices import STATE_BADGE, DutyKind, DutyState
from hazardloop.obligations.forms import OpeningHoursForm
from hazardloop.obligations.models import UnitDutyCount
from hazardloop.obligations.patrols import (
    patrol_items,
    patrol_unit,
    patrol_version,
    record_patrol,
)
from hazardloop.obligations.schedule import calendar, day_bounds
from hazardloop.obligations.services import RuleError, set_opening_hours
from hazardloop.regions.models import Sector


def duty_rows(windows, now=None):
    """Windows as rows for a page: label, state words and colour."""
    return [
        {
            "w": w,
            "kind": DutyKind(w.kind).label,
            "state": DutyState(w.state).label,
            "badge": STATE_BADGE[DutyState(w.state)],
        }
        for w in windows
    ]


@login_required
@require_GET
def unit_duties(request, unit_id: int):
    """The unit's duties today: what is due, done, late or lapsed, and the rules behind them."""
    unit = unit_for_duties(request.user, unit_id)
    now = timezone.now()
    start, end = day_bounds(timezone.localdate())
    wins = calendar([unit], start, end, now=now)[unit.pk]
    h = hours_mod.hours_of(unit)
    return render(
        request,
        "obligations/unit_duties.html",
        {
            "unit": unit,
            "rows": duty_rows(wins, now),
            "hours": hours_mod.describe(h),
            "hours_source": h.source,
            "may_patrol": belongs_to_unit(request.user, unit.pk)
            and can(request.user, "obligation.patrol", region_code=unit.region_id, unit_id=unit.pk),
            "now": now,
            "may_set_hours": can(
                request.user, "unit.edit", region_code=unit.region_id, unit_id=unit.pk
            ),
            "may_see_certificates": can(
                request.user, "certificate.view", region_code=unit.region_id, unit_id=unit.pk
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opening_hours(request, unit_id: int):
    """The unit's opening hours, set by its manager or a regulator in scope (unit.edit): they
    decide when the 2-hourly patrol of a public gathering place is due."""
    unit = unit_for_duties(request.user, unit_id)
    require(request.user, "unit.edit", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    h = hours_mod.hours_of(unit)
    initial = {"all_day": h.all_day, "closed_days": [str(d) for d in sorted(h.closed_days)]}
    if not h.all_day:
        initial.update(opens=h.opens, closes=h.closes)
    form = OpeningHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        midnight = dt.time(0)
        opens, closes = (midnight, midnight) if d["all_day"] else (d["opens"], d["closes"])
        try:
            set_opening_hours(
                unit, actor=request.user, opens=opens, closes=closes, closed_days=d["closed_days"]
            )
        except RuleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Opening hours saved: today's duties follow them."))
            return redirect("obligations:unit", unit.pk)
    return render(
        request,
        "obligations/opening_hours.html",
        {"unit": unit, "form": form, "hours": hours_mod.describe(h), "hours_source": h.source},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request, unit_id: int):
    """The fire patrol (61号令 Art. 25): every item passes unless marked, with a photo."""
    unit = patrol_unit(request.user, unit_id)
    try:
        version = patrol_version(request.user)
    except SubmissionError:
        raise Http404(_("Not found.")) from None
    items = [i for i in patrol_items(version) if i.answer_type == "pass_fail"]
    errors: list[str] = []
    marked = set()
    if request.method == "POST":
        marked = {i.code for i in items if request.POST.get(f"r_{i.code}") == "fail"}
        missing = [i for i in items if i.code in marked and not request.FILES.get(f"p_{i.code}")]
        if missing:
            errors.append(_("Take a photo of each problem found."))
        else:
            try:
                failed = {}
                for i in items:
                    if i.code in marked:
                        upload = request.FILES[f"p_{i.code}"]
                        pic = store_photo(
                            upload, actor=request.user, region_code=unit.region_id,
                            unit_id=unit.pk, original_name=upload.name,
                        )  # fmt: skip
                        note = request.POST.get(f"n_{i.code}", "")[:500]
                        failed[i.code] = {"note": note, "photo_ids": [pic.pk]}
                inspection, _created = record_patrol(
                    unit, actor=request.user, failed=failed,
                    other=request.POST.get("other", "")[:500],
                    client_id=request.POST.get("client_id") or None, version=version,
                )  # fmt: skip
            except (PhotoError, SubmissionError) as exc:
                errors.extend(getattr(exc, "errors", None) or [str(exc)])
            else:
                n = inspection.n_hazards
                if n:
                    messages.warning(
                        request,
                        _("Patrol recorded: %(n)s problem(s) recorded as hazards to rectify.")
                        % {"n": n},
                    )
                else:
                    messages.success(request, _("Patrol recorded: all clear."))
                return redirect("inspections:detail", inspection.pk)
    posted = request.POST if request.method == "POST" else {}
    rows = [
        {"item": i, "failed": i.code in marked, "note": posted.get(f"n_{i.code}", "")[:500]}
        for i in items
    ]
    return render(
        request,
        "obligations/patrol.html",
        {
            "unit": unit,
            "rows": rows,
            "errors": errors,
            "client_id": posted.get("client_id", "")[:36],
            "other": posted.get("other", "")[:500],
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def lapsed(request):
    """Units with lapsed duties in the user's regions, most lapsed first; by region and sector."""
    if not any(m.unit_id is None for m in memberships_of(request.user)):
        raise Http404(_("Not found."))  # a regulators' list: a unit's own people never see it
    qs = lapsed_units(request.user)
    region = request.GET.get("region", "")
    sector = request.GET.get("sector", "")
    if region.isdigit():
        qs = qs.filter(region_code__startswith=region)
    if sector:
        qs = qs.filter(sector_id=sector)
    page = Paginator(qs.select_related("unit", "unit__region"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "obligations/lapsed.html",
        {"page": page, "sectors": Sector.objects.all(), "region": region, "sector": sector},
    )


def lapsed_units(user):
    """UnitDutyCount rows with lapsed duties that the user may see (obligation.view), most first.
    The dashboards' "units with lapsed duties" is `lapsed_units(user).count()` or a group-by on
    region_code / sector_id."""
    return (
        scope_for(user, "obligation.view")
        .filter(UnitDutyCount.objects.filter(lapsed__gt=0), "region_code", "unit")
        .order_by("-lapsed", "unit_id")
    )
