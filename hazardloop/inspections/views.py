"""Inspection pages: the scoped list, the record, its PDF, the phone form, the unit panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import (
    can,
    deny,
    get_in_scope_or_404,
    has_perm_anywhere,
    scope_for,
)
from hazardloop.inspections.access import get_inspection_or_404, visible_inspections
from hazardloop.inspections.choices import MODE_BADGE, RESULT_BADGE, Mode, Result, TeamRole
from hazardloop.inspections.cursor import after_cursor, make_cursor
from hazardloop.inspections.models import Answer
from hazardloop.inspections.services import SubmissionError, amend_inspection, may_amend
from hazardloop.units.models import Unit

PAGE = 50


@login_required
def inspection_list(request):
    if not has_perm_anywhere(request.user, "inspection.view"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    qs = visible_inspections(request.user).select_related(
        "unit", "inspector", "template_version__template"
    )
    mode = request.GET.get("mode", "")
    if mode in Mode.values:
        qs = qs.filter(mode=mode)
    if request.GET.get("failed") == "1":
        qs = qs.filter(n_failed__gt=0)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(unit__name__icontains=q)
    after = request.GET.get("after", "")
    if after:
        try:
            qs = after_cursor(qs, after)
        except ValueError:
            after = ""
    rows = list(qs.order_by("-received_at", "-id")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    for row in rows:
        row.badge = MODE_BADGE.get(row.mode, "secondary")
    next_cursor = make_cursor(rows[-1]) if more else ""
    context = {
        "rows": rows,
        "modes": Mode.choices,
        "mode": mode,
        "q": q,
        "failed": request.GET.get("failed") == "1",
        "next_cursor": next_cursor,
        "mode_badge": MODE_BADGE,
        "can_create": has_perm_anywhere(request.user, "inspection.create"),
    }
    return render(request, "inspections/inspection_list.html", context)


def _record(pk: int, user) -> dict:
    inspection = get_inspection_or_404(user, pk)
    answers = list(
        Answer.objects.filter(inspection=inspection)
        .select_related("item", "hazard")
        .prefetch_related("photos", "after_photos")
        .order_by("item__sort", "id")
    )
    amendments = list(inspection.amendments.select_related("author"))
    amended = {}
    for amendment in amendments:
        for change in amendment.changes:
            amended[change["code"]] = {**change, "number": amendment.number}
    sections = []
    for answer in answers:
        answer.amended = amended.get(answer.code)
        answer.badge = RESULT_BADGE.get(answer.result, "secondary")
        answer.number_display = (
            "" if answer.number_value is None else format(answer.number_value.normalize(), "f")
        )
        if not sections or sections[-1][0] != answer.item.section:
            sections.append((answer.item.section, []))
        sections[-1][1].append(answer)
    return {
        "inspection": inspection,
        "sections": sections,
        "answers": answers,
        "team": list(inspection.team.all()),
        "signatures": list(inspection.signatures.select_related("image")),
        "amendments": amendments,
        "mode_badge": MODE_BADGE.get(inspection.mode, "secondary"),
        "hazards": [a.hazard for a in answers if a.hazard_id],
    }


@login_required
def inspection_detail(request, pk: int):
    context = _record(pk, request.user)
    inspection = context["inspection"]

    context["can_amend"] = may_amend(request.user, inspection)
    return render(request, "inspections/inspection_detail.html", context)


@login_required
def inspection_pdf(request, pk: int):
    from hazardloop.inspections.pdf import render_record

    context = _record(pk, request.user)
    data = render_record(context)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-{pk}.pdf"'
    return response


@login_required
def inspection_amend(request, pk: int):
    context = _record(pk, request.user)
    inspection = context["inspection"]
    if not may_amend(request.user, inspection):
        deny(request.user, "inspection.amend", obj=inspection)
    errors = []
    if request.method == "POST":
        changes = []
        for answer in context["answers"]:
            result = request.POST.get(f"result_{answer.code}", "")
            number = request.POST.get(f"number_{answer.code}", "").strip()
            text = request.POST.get(f"text_{answer.code}", "").strip()
            note = request.POST.get(f"note_{answer.code}", "").strip()
            if not (result or number or text or note):
                continue
            changes.append(
                {
                    "code": answer.code,
                    "result": result or answer.result,
                    "number": number or answer.number_value,
                    "text": text or answer.text_value,
                    "note": note,
                    "photo_ids": [p.pk for p in answer.photos.all()],
                }
            )
        try:
            amendment = amend_inspection(
                inspection,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                changes=changes,
            )
        except SubmissionError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Amendment %(n)s recorded.") % {"n": amendment.number})
            return redirect("inspections:detail", pk=inspection.pk)
    context.update({"errors": errors, "results": Result.choices})
    return render(request, "inspections/inspection_amend.html", context)


@login_required
def inspection_new(request):
    """The phone form. The page is a shell: the checklist, unit search, photos and the draft
    live in the browser (Alpine.js), talking to the API."""
    if not has_perm_anywhere(request.user, "inspection.create"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    unit = None
    public_id = request.GET.get("u", "").strip()
    unit_id = request.GET.get("unit", "").strip()
    modes, mode = _modes(request)
    inspect = scope_for(request.user, "inspection.create")
    if (
        not (public_id or unit_id)
        and modes == [Mode.SELF_INSPECTION]
        and len(inspect.unit_ids) == 1
    ):
        unit_id = str(inspect.unit_ids[0])  # a unit's own people: their unit, already chosen
    if public_id or unit_id:
        lookup = (
            {"public_id": public_id} if public_id else {"pk": unit_id if unit_id.isdigit() else 0}
        )
        unit = get_in_scope_or_404(
            request.user,
            Unit.objects.select_related("region"),
            perm="unit.view",
            unit_field="pk",
            **lookup,
        )
    boot = {
        "unit": _unit_json(unit) if unit else None,
        # From a campaign task: the campaign the inspection counts for and its checklist.
        "campaign": _int_param(request.GET.get("campaign")),
        "checklist": _int_param(request.GET.get("checklist")),
        "user": {"id": request.user.pk, "name": request.user.get_full_name() or str(request.user)},
        "modes": [{"value": m.value, "label": str(m.label)} for m in modes],
        "mode": mode,
        "mode_asked": request.GET.get("mode") == mode,
        "roles": [{"value": v, "label": str(label)} for v, label in TeamRole.choices],
        "urls": {
            "units": "/api/v1/units",
            "checklists": "/api/v1/checklists",
            "hazards": "/api/v1/hazards",
            "photos": "/api/v1/evidence/photos",
            "submit": "/api/v1/inspections",
            "detail": reverse("inspections:detail", args=[0]).replace("/0/", "/{id}/"),
        },
        "now": timezone.now().isoformat(),
    }  # fmt: skip
    return render(
        request, "inspections/inspection_form.html", {"boot": boot, "strings": _strings()}
    )


def _modes(request) -> tuple[list[Mode], str]:
    """The modes the user may choose and the one the form starts with. A unit's own people only
    self-inspect (inspections.access.check_submission): the form offers them no other mode."""
    scope = scope_for(request.user, "inspection.create")
    if not (scope.everything or scope.prefixes):
        return [Mode.SELF_INSPECTION], Mode.SELF_INSPECTION
    modes = list(Mode)
    asked = request.GET.get("mode", "")
    if asked in Mode.values:
        return modes, asked
    return modes, Mode.CAMPAIGN if _int_param(request.GET.get("campaign")) else Mode.ROUTINE


def _int_param(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2**62 else None


def _strings() -> dict:
    """Messages the phone form's script shows, translated on the server."""
    return {
        "offline": _("You are offline. The draft is kept on this phone; submit when back online."),
        "saved": _("Draft saved on this phone."),
        "uploading": _("Uploading photos…"),
        "submitting": _("Submitting…"),
        "failed": _("The inspection was not saved:"),
        "network": _("The connection dropped. The draft is kept; try again when online."),
        "photo_failed": _("The photo was refused:"),
        "no_scan": _("This browser cannot scan QR codes: search for the unit instead."),
        "not_qr": _("No unit QR code was found in the picture."),
        "discard": _("Discard this draft and start again?"),
        "unanswered": _("Items still to answer:"),
        "sign_first": _("Add the signatures first."),
    }


def _unit_json(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "address": unit.address,
        "sector": unit.sector_id,
        "gas_use": unit.gas_use,
    }


@login_required
def unit_panel(request, unit_id: int):
    """htmx partial for the unit page: the unit's recent inspections."""
    unit = get_in_scope_or_404(
        request.user, Unit.objects.all(), perm="unit.view", unit_field="pk", pk=unit_id
    )
    rows = list(
        visible_inspections(request.user)
        .filter(unit=unit)
        .select_related("inspector", "template_version__template")
        .prefetch_related(Prefetch("team"))
        .order_by("-received_at", "-id")[:10]
    )
    for row in rows:
        row.badge = MODE_BADGE.get(row.mode, "secondary")

    return render(
        request,
        "inspections/partials/_unit_panel.html",
        {
            "unit": unit,
            "rows": rows,
            "mode_badge": MODE_BADGE,
            "can_create": can(
                request.user, "inspection.create", region_code=unit.region_id, unit_id=unit.pk
            ),
        },
    )
