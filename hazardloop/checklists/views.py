"""Checklist pages: browse templates and versions, copy for a region, edit items, xlsx in/out."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accounts.access import has_perm_anywhere, require, scope_for
from hazardloop.audit.services import record_event
from hazardloop.checklists.access import can_manage, get_usable_template_or_404, usable_templates
from hazardloop.checklists.forms import ItemForm
from hazardloop.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from hazardloop.checklists.services import (
    ChecklistError,
    copy_template,
    item_dicts,
    save_items,
)
from hazardloop.checklists.xlsx import export_version, parse_workbook
from hazardloop.regions.models import Region


def _require_reader(user):
    if not (
        has_perm_anywhere(user, "inspection.view") or has_perm_anywhere(user, "checklist.manage")
    ):
        raise PermissionDenied(_("Your role does not allow this action here."))


def _require_manager(user, template: ChecklistTemplate):
    if not can_manage(user, template):
        require(user, "checklist.manage", region_code=template.region_code or "-", obj=template)


def manage_regions(user) -> list[Region]:
    """Regions where the user may keep adapted checklists (their checklist.manage scope)."""
    scope = scope_for(user, "checklist.manage")
    if scope.everything:
        return list(Region.objects.filter(level="province"))
    return list(Region.objects.filter(prefix__in=scope.prefixes).order_by("code"))


@login_required
def template_list(request):
    _require_reader(request.user)
    templates = (
        usable_templates(request.user)
        .annotate(
            n_items=Count("versions__items", filter=Q(versions__is_current=True)),
        )
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ChecklistVersion.objects.filter(is_current=True),
                to_attr="current",
            )
        )
        .order_by("region_code", "topic", "code")
    )
    regions = {
        r.code: r for r in Region.objects.filter(code__in={t.region_code for t in templates})
    }
    rows = [
        {
            "template": t,
            "version": t.current[0] if t.current else None,
            "region": regions.get(t.region_code),
        }
        for t in templates
    ]
    return render(
        request,
        "checklists/template_list.html",
        {"rows": rows, "can_copy": bool(manage_regions(request.user))},
    )


def _version(template, number: str | None) -> ChecklistVersion:
    versions = template.versions.all()
    if number:
        return get_object_or_404(versions, number=number)
    return get_object_or_404(versions, is_current=True)


@login_required
def template_detail(request, pk: int):
    _require_reader(request.user)
    template = get_usable_template_or_404(request.user, pk)
    version = _version(template, request.GET.get("version"))
    items = list(version.items.all())
    sections = [
        (section, list(group)) for section, group in groupby(items, key=lambda i: i.section)
    ]
    context = {
        "template": template,
        "version": version,
        "versions": template.versions.order_by("-number"),
        "sections": sections,
        "n_items": len(items),
        "n_not_citable": sum(1 for i in items if not i.citable_basis),
        "can_manage": can_manage(request.user, template),
        "copy_regions": manage_regions(request.user),
        "based_on": template.based_on,
    }
    return render(request, "checklists/template_detail.html", context)


@login_required
def template_export(request, pk: int):
    _require_reader(request.user)
    template = get_usable_template_or_404(request.user, pk)
    version = _version(template, request.GET.get("version"))
    data = export_version(version)
    record_event(
        "checklist.exported", actor=request.user, obj=template, message=f"v{version.number}"
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"checklist-{template.code}-v{version.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def template_copy(request, pk: int):
    template = get_usable_template_or_404(request.user, pk)
    regions = manage_regions(request.user)
    wanted = request.POST.get("region_code") or (regions[0].code if regions else "")
    region = next((r for r in regions if r.code == wanted), None)
    if region is None:
        require(request.user, "checklist.manage", region_code=wanted or "-", obj=template)
        raise PermissionDenied(_("Your role does not allow this action here."))
    try:
        copy = copy_template(template, actor=request.user, region_code=region.code)
    except ChecklistError as exc:
        for error in exc.errors:
            messages.error(request, error)
        return redirect("checklists:detail", pk=template.pk)
    messages.success(
        request, _("A copy for %(region)s was made; adapt it to local rules.") % {"region": region}
    )
    return redirect("checklists:detail", pk=copy.pk)


@login_required
@require_POST
def template_import(request, pk: int):
    template = get_usable_template_or_404(request.user, pk)
    _require_manager(request.user, template)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an .xlsx file to import."))
        return redirect("checklists:detail", pk=template.pk)
    try:
        _meta, items = parse_workbook(upload.read())
        before = template.versions.get(is_current=True)
        version = save_items(
            template,
            items,
            actor=request.user,
            note=_("Imported from %(name)s") % {"name": upload.name},
        )
    except ChecklistError as exc:
        for error in exc.errors[:30]:
            messages.error(request, error)
        return redirect("checklists:detail", pk=template.pk)
    if version.pk == before.pk and version.content_hash == before.content_hash:
        messages.info(request, _("The workbook holds no changes."))
    else:
        messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
    return redirect("checklists:detail", pk=template.pk)


@login_required
def item_edit(request, pk: int, code: str):
    template = get_usable_template_or_404(request.user, pk)
    _require_manager(request.user, template)
    version = template.versions.get(is_current=True)
    item = get_object_or_404(ChecklistItem, version=version, code=code)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        items = item_dicts(version)
        changed = {name: form.cleaned_data[name] for name in form.Meta.fields}
        items = [{**row, **changed} if row["code"] == code else row for row in items]
        try:
            saved = save_items(
                template, items, actor=request.user, note=_("Item %(code)s edited") % {"code": code}
            )
        except ChecklistError as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            messages.success(request, _("Saved as version %(n)s.") % {"n": saved.number})
            return redirect("checklists:detail", pk=template.pk)
    return render(
        request,
        "checklists/item_form.html",
        {"template": template, "version": version, "item": item, "form": form},
    )
