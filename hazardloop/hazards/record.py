"""Recording a hazard by hand: choose a unit in scope, describe the hazard, add photos.

Regulators and inspectors record it as "entered by hand"; a unit's own people record their
self-reported hazard (source "self-inspection"). The grade is never typed in: it is computed by
`grading.determine` from the rule elements (a preview shows the grade and its reason while the
form is filled in, and the hazard page shows them after saving).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.accounts.access import (
    get_in_scope_or_404,
    has_perm_anywhere,
    memberships_of,
    require,
    scope_for,
)
from hazardloop.evidence.services import PhotoError, store_photo
from hazardloop.hazards import grading, services
from hazardloop.hazards.applicability import applicable_refs
from hazardloop.hazards.choices import GRADE_BADGE, Grade, Source
from hazardloop.hazards.forms import RecordForm
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.services.create import unresolved_findings
from hazardloop.units.models import Unit
from hazardloop.units.search import match, normalise

CHOICES_SHOWN = 20


def own_units(user) -> list[int]:
    """The units the user belongs to (a unit's own people self-report their hazards)."""
    return sorted({m.unit_id for m in memberships_of(user) if m.unit_id is not None})


def source_for(user, unit) -> str:
    return Source.SELF_INSPECTION if unit.pk in own_units(user) else Source.MANUAL


def _require_create_anywhere(user) -> None:
    if not has_perm_anywhere(user, "hazard.create"):
        raise PermissionDenied(_("Your role does not allow this action here."))


@login_required
@require_GET
def choose_unit(request):
    """Which unit? The user's own unit directly, otherwise a search among the units in scope."""
    _require_create_anywhere(request.user)
    mine = own_units(request.user)
    if len(mine) == 1:
        return redirect("hazards:record", unit_id=mine[0])
    query = (request.GET.get("q") or "").strip()[:100]
    units = []
    if query:
        qs = scope_for(request.user, "hazard.create").filter(
            Unit.objects.select_related("region"), "region_id", "pk"
        )
        # The units list's search (units/search.py), its indexes on PostgreSQL.
        units = list(qs.filter(match(normalise(query))).order_by("name", "pk")[:CHOICES_SHOWN])
    elif mine:
        units = list(Unit.objects.filter(pk__in=mine).select_related("region").order_by("name"))
    context = {"query": query, "units": units, "limit": CHOICES_SHOWN}
    return render(request, "hazards/record_choose.html", context)


PREVIEW_FIELDS = ("rule_refs", "default_grade", "found_at")


def _preview(request, unit, form):
    """The grade the hazard would get now, with its reason (an htmx partial).

    Only the fields the grade depends on are needed; the rest of the form may still be empty.
    """
    form.is_valid()
    result = reason = None
    if not any(name in form.errors for name in PREVIEW_FIELDS):
        data = form.cleaned_data
        found_at = data.get("found_at") or timezone.now()
        found_on = timezone.localtime(found_at).date()
        result = grading.determine(
            unit,
            # as create_hazard will: only the elements that apply at this unit
            applicable_refs(unit, data["rule_refs"], found_on),
            on_date=found_on,
            default_grade=data["default_grade"],
            unresolved=lambda: unresolved_findings(unit),
        )
        shown = Hazard(grade=result.grade, grade_reason=result.reason, grade_basis=result.basis)
        reason = grading.describe(shown)
    context = {
        "result": result,
        "reason": reason,
        "errors": [e for n in PREVIEW_FIELDS for e in form.errors.get(n, [])],
        "badge": GRADE_BADGE.get(result.grade) if result else None,
        "grade_label": _grade_label(result.grade) if result else "",
    }
    return render(request, "hazards/partials/_grade_preview.html", context)


def _grade_label(grade: str) -> str:
    return str(Grade(grade).label)


@login_required
@require_http_methods(["GET", "POST"])
def record(request, unit_id: int):
    """The form to record a hazard at one unit, its grade preview, and saving it."""
    unit = get_in_scope_or_404(
        request.user,
        Unit.objects.select_related("region", "sector"),
        perm="hazard.view",
        unit_field="pk",
        pk=unit_id,
    )
    require(request.user, "hazard.create", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    source = source_for(request.user, unit)
    if request.method == "GET" and request.GET.get("preview"):
        query = request.GET.copy()
        query.setdefault("default_grade", Grade.GENERAL)
        return _preview(request, unit, RecordForm(query))
    form = RecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                hazard = _save(request, unit, form.cleaned_data, source)
            except PhotoError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Hazard recorded: %(grade)s — %(reason)s")
                    % {"grade": hazard.get_grade_display(), "reason": grading.describe(hazard)},
                )
                return redirect("hazards:detail", pk=hazard.pk)
        status = 400
    context = {"unit": unit, "form": form, "source": Source(source).label}
    return render(request, "hazards/record.html", context, status=status)


def _save(request, unit, data: dict, source: str):
    """Store the photos and create the hazard in one transaction: all of it or nothing."""
    with transaction.atomic():
        photo_ids = [
            store_photo(
                upload,
                actor=request.user,
                region_code=unit.region_id,
                unit_id=unit.pk,
                original_name=upload.name,
            ).pk
            for upload in request.FILES.getlist("photos")
        ]
        return services.create_hazard(
            unit,
            actor=request.user,
            source=source,
            description=data["description"],
            title=data.get("title") or "",
            category=data["category"],
            legal_basis=data.get("legal_basis") or "",
            rule_refs=data["rule_refs"],
            default_grade=data["default_grade"],
            found_at=data.get("found_at"),
            photo_ids=photo_ids,
        )
