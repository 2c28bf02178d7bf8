"""Pages: a hazard's documents, issuing one, the document, its PDF, and the two public pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accounts.access import get_in_scope_or_404, require
from hazardloop.core.urls_public import printed_url
from hazardloop.hazards.models import Hazard
from hazardloop.supervision import authority, penalties, queries, services
from hazardloop.supervision.clocks import clocks_for
from hazardloop.supervision.forms import IssueForm, ServeForm
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.render import render_pdf


def _hazard(request, hazard_id: int) -> Hazard:
    return get_in_scope_or_404(
        request.user,
        Hazard.objects.select_related("unit", "unit__region"),
        perm="hazard.view",
        region_field="region_code",
        unit_field="unit",
        pk=hazard_id,
    )


def _document(request, pk: int) -> EnforcementDocument:
    return get_in_scope_or_404(
        request.user,
        EnforcementDocument.objects.select_related("hazard", "unit", "department", "issued_by"),
        perm="hazard.view",
        region_field="region_code",
        unit_field="unit",
        pk=pk,
    )


@login_required
def hazard_documents(request, hazard_id: int):
    """The documents panel of a hazard (the same partial the hazard page includes)."""
    hazard = _hazard(request, hazard_id)
    context = queries.panel_context(request.user, hazard)
    template = (
        "supervision/partials/_hazard_documents.html"
        if request.htmx
        else "supervision/hazard_documents.html"
    )
    return render(request, template, context)


@login_required
def issue(request, hazard_id: int):
    """Draft and issue a document on a hazard (regulators and inspectors of its region)."""
    hazard = _hazard(request, hazard_id)
    require(
        request.user,
        "hazard.enforce",
        region_code=hazard.region_code,
        unit_id=hazard.unit_id,
        obj=hazard,
    )
    departments = services.issuing_departments(request.user, hazard)
    if not departments:
        raise PermissionDenied(_("None of your departments may issue documents here."))
    now = timezone.now()
    guidance = penalties.guidance_for(hazard, now=now)
    form = IssueForm(
        request.POST or None, departments=departments, hazard=hazard, guidance=guidance
    )
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.issue_document(hazard, actor=request.user, **form.service_options())
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            return redirect("supervision:document", pk=doc.pk)
    context = {
        "hazard": hazard,
        "form": form,
        "guidance": guidance,
        "rules": penalties.RULES,
        "previews": [authority.preview(d, hazard, on=timezone.localdate(now)) for d in departments],
        "status": 422 if form.errors else 200,
    }
    return render(request, "supervision/issue.html", context, status=context["status"])


def _attach_errors(form, exc: ValidationError) -> None:
    names = {
        "rectify_due_at": "rectify_due",
        "penalties": "penalties",
        "seal_from": "seal_from",
        "seal_days": "seal_days",
        "situations": "situations",
        "kind": "kind",
    }
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = names.get(field)
            for message in errors:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def document(request, pk: int):
    doc = _document(request, pk)
    can_serve = queries.can_enforce(request.user, doc.hazard)
    context = {
        "doc": doc,
        "hazard": doc.hazard,
        "clocks": clocks_for(doc, unrecorded=True),
        "serve_form": ServeForm(initial={"served_on": timezone.localdate()})
        if can_serve and doc.served_at is None
        else None,
        "verify_url": printed_url(request, doc_verify_path(doc)),
    }
    return render(request, "supervision/document_detail.html", context)


def doc_verify_path(doc) -> str:
    return reverse("supervision:verify", args=[doc.token])


@login_required
def document_pdf(request, pk: int):
    doc = _document(request, pk)
    data = render_pdf(doc, verify_url=printed_url(request, doc_verify_path(doc)))
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"document-{doc.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def serve(request, pk: int):
    doc = _document(request, pk)
    require(
        request.user,
        "hazard.enforce",
        region_code=doc.region_code,
        unit_id=doc.unit_id,
        obj=doc,
    )
    form = ServeForm(request.POST)
    if form.is_valid():
        try:
            services.serve_document(
                doc,
                actor=request.user,
                served_at=form.served_at(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Give the date the document was served."))
    return redirect("supervision:document", pk=doc.pk)


# --- public pages (no sign-in) ----------------------------------------------------------------


def verify(request, token: str):
    """What a printed copy's QR code opens: the document's public facts and its hash."""
    doc = get_object_or_404(
        EnforcementDocument.objects.select_related("unit", "department"), token=token
    )
    return render(request, "supervision/verify.html", {"doc": doc})


def listed(request):
    """Hazards listed for supervision (挂牌督办), with only public facts."""
    page = queries.listed_page(
        region=request.GET.get("region", ""), after=request.GET.get("after", "")
    )
    return render(request, "supervision/listed.html", page)
