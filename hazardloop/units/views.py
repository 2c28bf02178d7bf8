"""Unit pages: list, detail, create/edit, risk override, QR codes and the public page."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazardloop.accounts.access import (
    can,
    get_in_scope_or_404,
    has_perm_anywhere,
    require,
    scope_for,
    scoped_regions,
)
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.core import picking
from hazardloop.regions.models import Department, Sector
from hazardloop.units import qr, services
from hazardloop.units.choices import RISK_BADGE, GasUse, RiskLevel
from hazardloop.units.filters import UnitFilter, pick_units, picked_unit, unit_option
from hazardloop.units.forms import ContactFormSet, RiskOverrideForm, UnitForm, contacts_from
from hazardloop.units.models import Unit

PAGE = 50
# The list counts matches up to this many ("more than 1,000"): an exact count of a
# province-wide filter scans hundreds of thousands of rows; a capped one stops early.
COUNT_CAP = 1000
# Areas of the detail page that later features fill over htmx (skipped until they exist).
UNIT_PANELS = ["hazards:unit_panel", "inspections:unit_panel"]
LIST_COLUMNS = ("region", "sector")


@functools.cache
def _labels(language: str) -> dict:
    """What the list prints for choices and flags, in one language (get_FOO_display() builds
    a dict per call; a per-row include or inclusion tag costs more than the row itself)."""
    with translation.override(language):
        return {
            "gas": {value: str(label) for value, label in GasUse.choices},
            "risk": {value: str(label) for value, label in RiskLevel.choices},
            # (field, badge classes, title, text): units/partials/_flags.html's badges
            "flags": [
                (
                    "is_fire_key_unit",
                    "text-bg-danger-subtle border border-danger-subtle text-danger-emphasis",
                    _("Fire-safety key unit"),
                    _("Key unit"),
                ),
                (
                    "is_crowded_place",
                    "text-bg-warning-subtle border border-warning-subtle text-warning-emphasis",
                    _("Crowded place"),
                    _("Crowded"),
                ),
                (
                    "is_public_gathering",
                    "text-bg-info-subtle border border-info-subtle text-info-emphasis",
                    _("Public gathering place"),
                    _("Gathering"),
                ),
            ],
        }


def list_rows(units) -> list[dict]:
    """What the list prints per unit, worked out in Python once per row: the row template is a
    plain loop of lookups (links by formatting one reversed URL)."""
    labels = _labels(translation.get_language() or settings.LANGUAGE_CODE)
    gas, risk, flags = labels["gas"], labels["risk"], labels["flags"]
    marker = 2_147_483_647
    link = reverse("units:detail", args=[marker]).replace(str(marker), "{}")
    return [
        {
            "url": link.format(u.pk),
            "name": u.name,
            "uscc": u.uscc,
            "region": u.region.name,
            "sector": u.sector.name,
            "flags": [(css, title, text) for field, css, title, text in flags if getattr(u, field)],
            "gas": gas.get(u.gas_use, u.gas_use),
            "risk": u.risk_level,
            "risk_label": risk.get(u.risk_level, u.risk_level),
            "override": bool(u.risk_override),
        }
        for u in units
    ]


def _options(pairs, current: str | None) -> list[tuple[str, str, bool]]:
    return [(value, str(label), value == current) for value, label in pairs]


def _unit_or_404(request, pk: int, perm: str = "unit.view") -> Unit:
    qs = Unit.objects.select_related("region", "sector", "risk_override_by")
    return get_in_scope_or_404(request.user, qs, perm=perm, unit_field="pk", pk=pk)


def _require_view(request) -> None:
    if not has_perm_anywhere(request.user, "unit.view"):
        raise PermissionDenied(_("Your role does not allow this action here."))


# The unit picker (units/partials/_picker.html): the form fields it may fill, and how many
# matches it offers (a longer search narrows them).
PICK_FIELDS = ("unit",)
PICK_SHOWN = 20


@login_required
@require_GET
def unit_pick(request):
    """The unit picker's options (htmx, the shared search picker): units in the caller's scope
    matching the search; the chosen one first."""
    _require_view(request)
    field = request.GET.get("field")
    field = field if field in PICK_FIELDS else PICK_FIELDS[0]
    # The search box is named after its field (`unit-q`), beside the form's own `q`.
    query = picking.search_text(request, field)
    ids = [int(v) for v in picking.picked_values(request, field) if v.isdigit() and len(v) < 19]
    return picking.options_response(
        request,
        name=field,
        multiple=False,
        picked=picked_unit(request.user, ids[0]) if ids else [],
        matches=[unit_option(u) for u in pick_units(request.user, query, PICK_SHOWN + 1)],
        query=query,
    )


@login_required
def unit_list(request):
    _require_view(request)
    unit_filter = UnitFilter(request.GET, request.user)
    qs = unit_filter.queryset()
    # Unordered: a capped count needs no sort (the model's default ordering would add one).
    total = qs.order_by()[: COUNT_CAP + 1].count()
    page_qs = unit_filter.ordered(qs.select_related("region", "sector"))
    cursor = request.GET.get("after", "")
    if cursor:
        page_qs = unit_filter.after(page_qs, cursor)
    units = list(page_qs[: PAGE + 1])
    more = len(units) > PAGE
    units = units[:PAGE]
    params = request.GET.copy()
    params.pop("after", None)
    next_params = params.copy()
    if more:
        next_params["after"] = unit_filter.cursor_for(units[-1])
    context = {
        "units": units,
        "rows": list_rows(units),
        "total": min(total, COUNT_CAP),
        "more_than": total > COUNT_CAP,
        "more": more,
        "next_query": next_params.urlencode() if more else "",
        "first_query": params.urlencode(),
        "is_later_page": bool(cursor),
        "filter": unit_filter,
        "values": unit_filter.values,
        "sort": unit_filter.sort,
        # Filter options as (value, label, selected): a plain loop in the template.
        "regions": _options(
            ((r.code, r.option_label) for r in scoped_regions(request.user, "unit.view")),
            unit_filter.values.get("region"),
        ),
        "sectors": _options(
            ((s.code, s.name) for s in Sector.objects.all()), unit_filter.values.get("sector")
        ),
        "gas_choices": _options(GasUse.choices, unit_filter.values.get("gas")),
        "risk_choices": _options(RiskLevel.choices, unit_filter.values.get("risk")),
        "risk_badge": RISK_BADGE,
        "can_create": has_perm_anywhere(request.user, "unit.create"),
        "can_import": has_perm_anywhere(request.user, "unit.import"),
        "can_export": has_perm_anywhere(request.user, "unit.export"),
    }
    template = "units/partials/_unit_rows.html" if request.htmx else "units/unit_list.html"
    return render(request, template, context)


def _panels(unit: Unit) -> list[str]:
    urls = []
    for name in UNIT_PANELS:
        try:
            urls.append(reverse(name, kwargs={"unit_id": unit.pk}))
        except NoReverseMatch:
            continue
    return urls


def _responsibility(unit: Unit) -> dict:
    """Region → sector → supervising departments (with their people) → the unit's principal."""
    people = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(
            is_active=True, role__in=[Role.REGULATOR, Role.LEADER]
        ).select_related("user"),
        to_attr="people",
    )
    departments = list(
        unit.supervising_departments.select_related("region").prefetch_related(people)
    )
    return {
        "regions": [*unit.region.ancestors(), unit.region],
        "departments": departments,
    }


@login_required
def unit_detail(request, pk: int):
    unit = _unit_or_404(request, pk)
    user = request.user
    context = {
        "unit": unit,
        "contacts": list(unit.contacts.all()),
        "chain": _responsibility(unit),
        "panels": _panels(unit),
        "risk_badge": RISK_BADGE,
        "public_url": qr.public_url(request, unit),
        "can_edit": can(user, "unit.edit", region_code=unit.region_id, unit_id=unit.pk),
        "can_override": can(user, "unit.override_risk", region_code=unit.region_id),
        "risk_form": RiskOverrideForm(initial={"level": unit.risk_level}),
    }
    return render(request, "units/unit_detail.html", context)


def _duplicate_message(request, existing: Unit | None) -> str:
    if existing is not None and can(
        request.user, "unit.view", region_code=existing.region_id, unit_id=existing.pk
    ):
        return _("This code is already registered: see %(name)s (%(url)s).") % {
            "name": existing.name,
            "url": reverse("units:detail", args=[existing.pk]),
        }
    return _(
        "This code is already registered to a unit outside your jurisdiction; ask the "
        "regulator of its region."
    )


@login_required
def unit_create(request):
    if not has_perm_anywhere(request.user, "unit.create"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    scope = scope_for(request.user, "unit.create")
    form = UnitForm(request.POST or None, region_scope=scope)
    contacts = ContactFormSet(request.POST or None, prefix="contacts")
    existing = None
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            unit = services.create_unit(
                actor=request.user, data=form.profile_data(), contacts=contacts_from(contacts)
            )
        except services.DuplicateUSCC as duplicate:
            existing = duplicate.existing
            form.add_error("uscc", _duplicate_message(request, existing))
        else:
            messages.success(request, _("The unit was registered."))
            return redirect("units:detail", pk=unit.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "contacts": contacts, "unit": None, "existing": existing},
        status=status,
    )


@login_required
def unit_edit(request, pk: int):
    unit = _unit_or_404(request, pk)
    require(request.user, "unit.edit", region_code=unit.region_id, unit_id=unit.pk, obj=unit)
    regulator = can(request.user, "unit.edit", region_code=unit.region_id)
    scope = scope_for(request.user, "unit.edit")
    form = UnitForm(request.POST or None, instance=unit, region_scope=scope, regulator=regulator)
    initial = [
        {"role_title": c.role_title, "name": c.name, "phone": c.phone} for c in unit.contacts.all()
    ]
    contacts = ContactFormSet(request.POST or None, prefix="contacts", initial=initial)
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        departments = form.cleaned_data.get("supervising_departments")
        try:
            services.update_unit(
                Unit.objects.get(pk=unit.pk),
                actor=request.user,
                data=form.profile_data(),
                contacts=contacts_from(contacts),
                departments=list(departments) if departments is not None else None,
            )
        except services.DuplicateUSCC as duplicate:
            form.add_error("uscc", _duplicate_message(request, duplicate.existing))
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("units:detail", pk=unit.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "contacts": contacts, "unit": unit},
        status=status,
    )


@login_required
@require_POST
def unit_risk(request, pk: int):
    unit = _unit_or_404(request, pk)
    require(request.user, "unit.override_risk", region_code=unit.region_id, obj=unit)
    if request.POST.get("action") == "clear":
        services.clear_risk_override(unit, actor=request.user, reason=request.POST.get("reason"))
        messages.success(request, _("The risk level is computed again."))
        return redirect("units:detail", pk=unit.pk)
    form = RiskOverrideForm(request.POST)
    if form.is_valid():
        services.override_risk(
            unit,
            actor=request.user,
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The risk level was overridden."))
    else:
        messages.error(request, _("Choose a level and give a reason for the override."))
    return redirect("units:detail", pk=unit.pk)


def _qr(request, pk: int, kind: str):
    unit = _unit_or_404(request, pk)
    data = qr.qr_bytes(qr.public_url(request, unit), kind)
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    response = HttpResponse(data, content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="unit-{unit.uscc}-qr.{kind}"'
    return response


@login_required
def unit_qr_svg(request, pk: int):
    return _qr(request, pk, "svg")


@login_required
def unit_qr_png(request, pk: int):
    return _qr(request, pk, "png")


def unit_public(request, public_id: str):
    """The page a door QR code opens: public facts only, no phone numbers, no sign-in."""
    unit = get_object_or_404(Unit.objects.select_related("region", "sector"), public_id=public_id)
    context = {
        "unit": unit,
        "region_chain": [*unit.region.ancestors(), unit.region],
        "contacts": list(unit.contacts.all()),
        "departments": list(
            Department.objects.filter(supervised_units=unit).select_related("region")
        ),
        # Later apps' parts of the page (the tip form): settings.UNIT_PUBLIC_PANELS.
        "panels": [import_string(path)(request, unit) for path in settings.UNIT_PUBLIC_PANELS],
    }
    return render(request, "units/unit_public.html", context)
