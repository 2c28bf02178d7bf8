"""Accountability pages: the list with filters, a case raised by hand, the case page (facts,
the frozen responsibility chain, the history) and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accountability import services
from hazardloop.accountability.access import DECIDE, VIEW, access_case, can_decide, visible_cases
from hazardloop.accountability.choices import CaseStatus, Measure, SourceKind
from hazardloop.accountability.facts import (
    department_kind_label,
    fact_lines,
    link_rows,
    role_label,
)
from hazardloop.accountability.filters import CaseFilters, filter_cases
from hazardloop.accountability.forms import CaseForm, TransitionForm
from hazardloop.accountability.manual import resolve_subject
from hazardloop.accounts.access import has_perm_anywhere, scoped_regions
from hazardloop.core.errors import DomainError
from hazardloop.regions.models import Department, Region
from hazardloop.units.filters import picked_unit

PAGE = 50


def _deny():
    raise PermissionDenied(_("Your role does not allow this action here."))


@login_required
def case_list(request):
    if not has_perm_anywhere(request.user, VIEW):
        _deny()
    filters = CaseFilters.from_query(request.GET)
    # Newest first by id (the order cases are raised in), so "older" pages follow on by id.
    qs = filter_cases(visible_cases(request.user).select_related("region"), filters).order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit() and len(before) < 19:
        qs = qs.filter(pk__lt=int(before))
    cases = list(qs[: PAGE + 1])
    more = len(cases) > PAGE
    cases = cases[:PAGE]
    return render(
        request,
        "accountability/case_list.html",
        {
            "cases": cases,
            "filters": filters,
            "statuses": CaseStatus.choices,
            "sources": SourceKind.choices,
            "measures": Measure.choices,
            "regions": list(scoped_regions(request.user, VIEW)[:300]),
            "next_before": cases[-1].pk if more else None,
            "can_create": has_perm_anywhere(request.user, DECIDE),
        },
    )


@login_required
def case_create(request):
    regions = list(scoped_regions(request.user, DECIDE)[:300])
    if not regions:
        _deny()
    departments = (
        Department.objects.filter(region_id__in=[r.code for r in regions])
        .select_related("region")
        .order_by("region_id", "kind")[:300]
    )
    form = CaseForm(request.POST or None, regions=regions, departments=departments)
    picked = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = Region.objects.get(code=data["region"])
        try:
            subject = resolve_subject(
                request.user,
                region,
                kind=data["subject_kind"],
                name=data["subject_name"],
                unit_id=data["unit"],
                department_id=data["department"],
                region_code=region.code,
            )
            case = services.open_case(
                actor=request.user,
                region=region,
                title=data["title"],
                description=data["description"],
                **subject,
            )
        except services.CaseInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The case is raised."))
            return redirect("accountability:detail", pk=case.pk)
    if form.is_bound and form.data.get("unit", "").isdigit():
        picked = picked_unit(request.user, int(form.data["unit"][:18]))
    return render(request, "accountability/case_form.html", {"form": form, "picked_unit": picked})


def _people(rows) -> list[dict]:
    return [{**p, "role_label": role_label(p.get("role", ""))} for p in rows or []]


def chain_view(chain: dict) -> dict:
    """The frozen chain with words for its codes (roles, department kinds)."""
    out = {"taken_at": chain.get("taken_at", ""), "unit": None, "sector": None, "region": []}
    if chain.get("unit"):
        unit = dict(chain["unit"])
        unit["managers"] = _people(unit.get("managers"))
        out["unit"] = unit
    if chain.get("sector"):
        sector = dict(chain["sector"])
        sector["departments"] = [
            {**d, "kind_label": department_kind_label(d.get("kind", "")),
             "regulators": _people(d.get("regulators"))}
            for d in sector.get("departments") or []
        ]  # fmt: skip
        out["sector"] = sector
    if chain.get("department"):
        d = chain["department"]
        out["department"] = {**d, "regulators": _people(d.get("regulators"))}
    out["region"] = [
        {**level, "leaders": _people(level.get("leaders")),
         "office_regulators": _people(level.get("office_regulators"))}
        for level in chain.get("region") or []
    ]  # fmt: skip
    return out


def _detail(request, case, *, typed=None, error="", status=200):
    events = list(case.events.select_related("actor"))
    return render(
        request,
        "accountability/case_detail.html",
        {
            "case": case,
            "facts": fact_lines(case),
            "links": link_rows(case),
            "chain": chain_view(case.chain or {}),
            "events": events,
            "actions": services.allowed_actions(case) if can_decide(request.user, case) else [],
            "measures": Measure.choices,
            "typed": typed or {},
            "error": error,
        },
        status=status,
    )


@login_required
def case_detail(request, pk):
    return _detail(request, access_case(request.user, pk))


@login_required
@require_POST
def case_act(request, pk):
    """Confirm, dismiss, decide or close; a refusal shows the case again with what was typed
    and the reason, nothing written."""
    case = access_case(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        typed = {k: request.POST.get(k, "")[:5000] for k in ("action", "note", "measure")}
        return _detail(request, case, typed=typed, error=_("Check the form."), status=422)
    data = form.cleaned_data
    try:
        services.transition(
            case,
            data["action"],
            actor=request.user,
            note=data["note"],
            measure=data["measure"],
            version=data["version"],
        )
    except DomainError as exc:
        case.refresh_from_db()
        typed = {k: data[k] or "" for k in ("action", "note", "measure")}
        return _detail(request, case, typed=typed, error=str(exc), status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("accountability:detail", pk=case.pk)
