"""Pages for what people judge: the rule-set editor (province), determinations of possible
major hazards and exclusions (regulators with authority over the unit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hazardloop.accounts.access import has_perm_anywhere
from hazardloop.hazards import grading, services
from hazardloop.hazards.access import access_hazard
from hazardloop.hazards.judging_forms import (
    MEMBER_ROWS,
    DeterminationForm,
    ExclusionForm,
    RuleSetForm,
)
from hazardloop.hazards.models import RuleSet
from hazardloop.hazards.services.judging import (
    element_text,
    exclusion_clauses,
    exclusions_visible_to,
    may_edit_rule_sets,
    may_judge,
)
from hazardloop.hazards.workflow import NotAllowedNow


def _reader(user) -> None:
    if not has_perm_anywhere(user, "hazard.view"):
        raise PermissionDenied(_("Your role does not allow this action here."))


# --- rule sets --------------------------------------------------------------------------------


@login_required
def rule_sets(request):
    _reader(request.user)
    rows = list(RuleSet.objects.all())
    return render(
        request,
        "hazards/rule_sets.html",
        {"rows": rows, "may_edit": may_edit_rule_sets(request.user)},
    )


def _marked(elements) -> list[tuple[str, str, bool]]:
    """(number, text, unverified) with the data file's "[UNVERIFIED]" marker turned into a flag."""
    out = []
    for number, text in (elements or {}).items():
        text = str(text or "")
        out.append((number, text.replace("[UNVERIFIED]", "").strip(), "[UNVERIFIED]" in text))
    return out


@login_required
def rule_set_detail(request, pk: int):
    _reader(request.user)
    row = get_object_or_404(RuleSet, pk=pk)
    data = row.data or {}
    return render(
        request,
        "hazards/rule_set_detail.html",
        {
            "row": row,
            "data": data,
            "direct": _marked(data.get("direct")),
            "comprehensive": _marked(data.get("comprehensive")),
            "exclusions": list((data.get("exclusions") or {}).items()),
            "maps": list((data.get("maps") or {}).items()),
            "thresholds": [
                {
                    **rule,
                    "places": [
                        (data.get("places") or {}).get(p, {}).get("label", p)
                        for p in rule.get("places", [])
                    ],
                }
                for rule in data.get("thresholds") or []
            ],
            "versions": list(row.versions.select_related("saved_by")),
            "may_edit": may_edit_rule_sets(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_set_edit(request, pk: int | None = None):
    if not may_edit_rule_sets(request.user):
        raise PermissionDenied(_("Only the province may edit rule sets."))
    row = get_object_or_404(RuleSet, pk=pk) if pk else None
    base = dict(row.data or {}) if row else {}
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if row is not None and request.POST.get("code") != row.code:
            form.add_error("code", _("The code of a saved rule set cannot change."))
        document = form.document(base) if not form.errors else None
        if document is not None:
            try:
                saved = services.save_rule_set(
                    document, actor=request.user, note=form.cleaned_data["change_note"]
                )
            except grading.RuleSetError as exc:
                for name, problems in exc.errors.items():
                    target = name if name in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
            else:
                messages.success(
                    request,
                    _("Rule set %(code)s saved as version %(n)s.")
                    % {"code": saved.code, "n": saved.version},
                )
                return redirect("hazards:rule_set", pk=saved.pk)
        status = 400
    else:
        form = RuleSetForm(initial=RuleSetForm.initial_from(base) if row else None)
        status = 200
    return render(request, "hazards/rule_set_form.html", {"form": form, "row": row}, status=status)


# --- determinations ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def determination(request, pk: int):
    hazard = access_hazard(request.user, pk, related=("unit", "unit__region"))
    if not may_judge(request.user, hazard.unit):
        raise PermissionDenied(_("Your role does not allow this action here."))
    form = DeterminationForm(request.POST or None)
    members = form.members(request.POST) if request.method == "POST" else []
    member_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_determination(
                    hazard,
                    actor=request.user,
                    method=form.cleaned_data["method"],
                    members=members,
                    conclusion=form.cleaned_data["conclusion"],
                    basis=form.cleaned_data["basis"],
                    basis_document=form.cleaned_data["basis_document"],
                    held_on=form.cleaned_data["held_on"],
                )
            except ValidationError as exc:
                for name, problems in exc.message_dict.items():
                    if name == "members":
                        member_errors.extend(problems)
                    else:
                        for problem in problems:
                            form.add_error(name if name in form.fields else None, problem)
            except NotAllowedNow as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The determination is recorded."))
                return redirect("hazards:detail", pk=hazard.pk)
        status = 400
    filled = [m for m in members if any(m.values())]
    blank = {"name": "", "organisation": "", "vote": ""}
    shown = max(MEMBER_ROWS, len(filled) + 3)
    rows = (filled + [blank] * shown)[: min(shown, MEMBER_ROWS * 2)]
    context = {
        "hazard": hazard,
        "form": form,
        "rows": list(enumerate(rows)),
        "member_errors": member_errors,
        "grade_text": grading.describe(hazard),
    }
    return render(request, "hazards/determination_form.html", context, status=status)


# --- exclusions -------------------------------------------------------------------------------


@login_required
def exclusions(request):
    _reader(request.user)
    rows = list(exclusions_visible_to(request.user).select_related("unit", "recorded_by")[:300])
    judges = {}
    for row in rows:
        if row.unit_id not in judges:
            judges[row.unit_id] = may_judge(request.user, row.unit)
        row.may_end = judges[row.unit_id]
    return render(request, "hazards/exclusions.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def exclusion_new(request, pk: int):
    """Record an exclusion for one element of this hazard (the reviewed one)."""
    hazard = access_hazard(request.user, pk, related=("unit", "unit__region"))
    if not may_judge(request.user, hazard.unit):
        raise PermissionDenied(_("Your role does not allow this action here."))
    found_on = hazard.found_at.date()
    refs = grading.qualify_refs(hazard.rule_refs, found_on)
    elements = [(r, f"{r} {element_text(r)}"[:120]) for r in refs if element_text(r)]
    chosen = request.POST.get("element") or (elements[0][0] if elements else "")
    clauses = [(k, f"{k} {v}"[:120]) for k, v in exclusion_clauses(chosen).items()]
    form = ExclusionForm(request.POST or None, elements=elements, clauses=clauses)
    status = 200
    if not elements:
        form.add_error(None, _("This hazard names no element of a loaded rule set."))
        status = 400 if request.method == "POST" else 200
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_exclusion(
                    hazard.unit,
                    actor=request.user,
                    element=data["element"],
                    clause=data["clause"],
                    location=data["location"],
                    hazard=hazard,
                    basis_document=data["basis_document"],
                    valid_until=data["valid_until"],
                    note=data["note"],
                )
            except ValidationError as exc:
                for name, problems in exc.message_dict.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            except NotAllowedNow as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The exclusion is recorded."))
                return redirect("hazards:detail", pk=hazard.pk)
        status = 400
    return render(
        request, "hazards/exclusion_form.html", {"hazard": hazard, "form": form}, status=status
    )


@login_required
@require_POST
def exclusion_end(request, pk: int):
    row = get_object_or_404(exclusions_visible_to(request.user).select_related("unit"), pk=pk)
    if not may_judge(request.user, row.unit):
        raise PermissionDenied(_("Your role does not allow this action here."))
    try:
        services.end_exclusion(row, actor=request.user)
    except NotAllowedNow as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The exclusion has ended."))
    return redirect("hazards:exclusions")
