"""The hazard ledger, the hazard page and its actions, the unit panel and the export."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazardloop.accounts.access import (
    can,
    get_in_scope_or_404,
    get_own_or_404,
    has_perm_anywhere,
    roles_of,
    scoped_regions,
)
from hazardloop.accounts.choices import Role
from hazardloop.core import picking
from hazardloop.core.errors import DomainError, page_errors
from hazardloop.evidence.services import store_photo
from hazardloop.hazards import bulk, experts, exports, workflow
from hazardloop.hazards.access import access_hazard
from hazardloop.hazards.choices import EXPORT_BADGE, ExportStatus, Status
from hazardloop.hazards.filters import HazardFilterForm, apply_filters, page
from hazardloop.hazards.forms import action_payload
from hazardloop.hazards.models import Hazard, HazardExport
from hazardloop.hazards.pages import detail_context, ledger_rows
from hazardloop.lib.sheets import CONTENT_TYPES
from hazardloop.units.filters import picked_unit
from hazardloop.units.models import Unit

# What a ledger row shows: the wide text and JSON columns stay in the table.
LEDGER_FIELDS = (
    "id",
    "source",  # the unit-closes-its-own rule (workflow.unit_self_closes) reads it
    "unit_id",
    "region_code",
    "title",
    "grade",
    "status",
    "found_at",
    "due_at",
    "supervision_level",
    "listed_level",
    "determination",
    "clock",
    "clock_due_at",
)


def _require_anywhere(user, perm: str) -> None:
    if not has_perm_anywhere(user, perm):
        raise PermissionDenied(_("Your role does not allow this action here."))


@login_required
@require_GET
def ledger(request):
    """The hazard ledger (台账): filters, newest first, keyset pages."""
    _require_anywhere(request.user, "hazard.view")
    form = HazardFilterForm(request.GET or None)
    qs = (
        Hazard.objects.visible_to(request.user)
        .select_related("unit")
        .only(*LEDGER_FIELDS, "unit__name")
    )
    if form.is_bound and form.is_valid():
        qs = apply_filters(qs, form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()
    assigned_to_me = request.GET.get("assigned") == "me"
    if assigned_to_me:
        qs = qs.filter(assignments__expert=request.user)
    try:  # jump by date: the page starts at the newest hazard found on or before the day
        on_or_before = dt.date.fromisoformat(request.GET.get("on_or_before") or "")
    except ValueError:
        on_or_before = None
    hazards, next_cursor = page(qs, request.GET.get("after"), on_or_before=on_or_before)
    query = request.GET.copy()
    query.pop("after", None)
    jump_keep = [
        (name, value)
        for name, values in query.lists()
        if name != "on_or_before"
        for value in values
    ]
    now = timezone.now()
    regions = list(scoped_regions(request.user, "hazard.view"))
    current = request.GET.get("region", "")
    rows = ledger_rows(hazards, now, {r.code: r.name for r in regions})
    orderable = _orderable(request.user, hazards)
    for row in rows:
        row["orderable"] = row["pk"] in orderable
    picked = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None
    context = {
        "form": form,
        "picked_unit": picked_unit(request.user, picked),
        "region_options": [(r.code, r.option_label, r.code == current) for r in regions],
        "rows": rows,
        "any_orderable": bool(orderable),
        "next_cursor": next_cursor,
        "query": query.urlencode(),
        "jump_keep": jump_keep,
        "on_or_before": on_or_before.isoformat() if on_or_before else None,
        "now": now,
        "can_export": has_perm_anywhere(request.user, "hazard.export"),
        "can_record": has_perm_anywhere(request.user, "hazard.create"),
        "listed_url": _listed_url(),
        "assigned_to_me": assigned_to_me,
        "is_expert": Role.EXPERT in roles_of(request.user),
    }
    return render(request, "hazards/hazard_list.html", context)


def _orderable(user, hazards) -> set[int]:
    """The found hazards of the page the user may order (a checkbox each on the ledger)."""
    if not has_perm_anywhere(user, "hazard.order"):
        return set()
    out = set()
    for h in hazards:
        if h.status != Status.FOUND:
            continue
        try:
            if workflow.refusal(user, "order", h) is None:
                out.add(h.pk)
        except PermissionDenied:
            continue
    return out


@login_required
@require_POST
def bulk_order(request):
    """Order the hazards ticked on the ledger with one deadline: first a page to confirm
    (the hazards, the deadline, the measures), then each is ordered on its own (bulk.py)."""
    _require_anywhere(request.user, "hazard.order")
    back = reverse("hazards:list") + _ledger_query(request.POST.get("back", ""))
    ids = []
    for raw in request.POST.getlist("ids")[: bulk.MAX_ITEMS + 1]:
        if raw.isdigit() and 0 < int(raw) < 2**63:
            ids.append(int(raw))
    payload = None
    with page_errors(request):
        if not ids:
            raise DomainError(_("Choose at least one hazard."))
        if not request.POST.get("due_at"):
            raise ValidationError(_("Give the deadline."))
        payload = action_payload(workflow.ACTIONS["order"], request.POST)
    if payload is None:
        return redirect(back)
    if request.POST.get("confirm") != "yes":
        visible = Hazard.objects.visible_to(request.user).select_related("unit")
        chosen = list(visible.filter(pk__in=ids).order_by("-found_at", "-pk"))
        context = {
            "hazards": chosen,
            "ids": ids,
            "due_on": request.POST.get("due_at"),
            "due_at": payload.due_at,
            "measures": payload.measures,
            "back": back,
            "back_query": request.POST.get("back", ""),
        }
        return render(request, "hazards/bulk_order_confirm.html", context)
    refused = []
    with page_errors(request):
        try:
            result = bulk.order_many(request.user, ids, payload)
        except bulk.NothingOrdered as exc:
            messages.error(request, str(exc))
            refused = exc.refused
        else:
            messages.success(request, bulk.summary(result))
            refused = result.refused
    for refusal in refused:
        messages.warning(request, bulk.refusal_text(refusal))
    return redirect(back)


def _ledger_query(raw: str) -> str:
    """The ledger's filters to return to (only a query string, never another address)."""
    raw = raw.lstrip("?")
    if not raw or len(raw) > 2000 or any(c in raw for c in "/\\:#\r\n"):
        return ""
    return "?" + raw


def _listed_url() -> str | None:
    """The public page of listed hazards (the supervision app's), when it is installed."""
    try:
        return reverse("supervision:listed")
    except NoReverseMatch:
        return None


@login_required
@require_POST
def export(request):
    """Queue an export of the filtered ledger (the filters in the query string); the worker
    writes it, and the export's page offers the file when it is ready."""
    _require_anywhere(request.user, "hazard.export")
    try:
        job = exports.start_export(
            actor=request.user,
            params=request.GET.dict(),
            fmt=request.POST.get("format") or "xlsx",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('hazards:list')}?{request.GET.urlencode()}")
    return redirect("hazards:export_job", pk=job.pk)


def _own_export(request, pk: int) -> HazardExport:
    return get_own_or_404(request.user, HazardExport.objects.all(), pk=pk)


@login_required
@require_GET
def export_job(request, pk: int):
    """An export's progress (the page polls itself while the worker writes) and its file."""
    job = _own_export(request, pk)
    context = {"job": job, "badge": EXPORT_BADGE[ExportStatus(job.status)]}
    if request.headers.get("HX-Request"):
        return render(request, "hazards/partials/_export_status.html", context)
    return render(request, "hazards/export_detail.html", context)


@login_required
@require_GET
def export_download(request, pk: int):
    job = _own_export(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404(_("Not found."))
    fmt = "csv" if job.format == "csv" else "xlsx"
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"hazards-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )


def _hazard(request, pk: int) -> Hazard:
    return access_hazard(
        request.user, pk, related=("unit", "unit__region", "found_by", "submitted_by")
    )


@login_required
@require_GET
def detail(request, pk: int):
    hazard = _hazard(request, pk)
    return render(request, "hazards/hazard_detail.html", detail_context(request, hazard))


def _store_uploads(request, hazard) -> list[int]:
    """Store the form's photos as evidence of the hazard's unit, for those who may upload
    there (store_photo leaves that check to its caller); others' files are not kept."""
    if not can(
        request.user, "evidence.upload", region_code=hazard.region_code, unit_id=hazard.unit_id
    ):
        return []
    ids = []
    for upload in request.FILES.getlist("photos"):
        photo = store_photo(
            upload,
            actor=request.user,
            region_code=hazard.region_code,
            unit_id=hazard.unit_id,
            original_name=upload.name,
        )
        ids.append(photo.pk)
    return ids


@login_required
@require_POST
def act(request, pk: int, action: str):
    """Apply one action from the hazard page; refusals come back as messages on the page.

    The form is the action's schema (`forms.action_payload`); the service checks who may.
    """
    hazard = _hazard(request, pk)
    try:
        spec = workflow.user_action(action)
    except workflow.UnknownAction:
        raise Http404(_("Not found.")) from None
    with page_errors(request):
        photo_ids = _store_uploads(request, hazard) if "photo_ids" in spec.fields else ()
        payload = action_payload(spec, request.POST, photo_ids=photo_ids)
        workflow.perform(hazard, payload, actor=request.user)
        messages.success(request, _("Saved: %(action)s.") % {"action": spec.label})
    return redirect("hazards:detail", pk=hazard.pk)


@login_required
@require_GET
def expert_picker(request, pk: int):
    """The expert picker's options (htmx, the shared search picker): the experts who may be
    assigned to this hazard, by name; the chosen one first."""
    hazard = _hazard(request, pk)
    if not workflow.role_allows(request.user, "assign_expert", hazard):
        raise PermissionDenied(_("Your role does not allow this action here."))
    name = "expert_id"
    query = picking.search_text(request, name)
    ids = [int(v) for v in picking.picked_values(request, name) if v.isdigit() and len(v) < 19]
    people = experts.candidates(hazard)
    return picking.options_response(
        request,
        name=name,
        multiple=False,
        picked=experts.options(people.filter(pk__in=ids[:1])) if ids else [],
        matches=experts.options(experts.candidates(hazard, query)[: experts.PICKER_SIZE]),
        query=query,
    )


@login_required
@require_GET
def unit_panel(request, unit_id: int):
    """The unit page's panel of open hazards (an htmx partial)."""
    unit = get_in_scope_or_404(
        request.user, Unit.objects.all(), perm="hazard.view", unit_field="pk", pk=unit_id
    )
    rows = list(
        Hazard.objects.visible_to(request.user)
        .filter(unit=unit)
        .open()
        .order_by("due_at", "id")[:50]
    )
    context = {
        "unit": unit,
        "rows": rows,
        "now": timezone.now(),
        "can_record": can(
            request.user, "hazard.create", region_code=unit.region_id, unit_id=unit.pk
        ),
    }
    return render(request, "hazards/partials/_unit_panel.html", context)
