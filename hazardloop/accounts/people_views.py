"""The people pages: list in scope, a person's page, add and edit, roles, password reset,
deactivate and reactivate, account import. Thin: parse, check access, call one service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hazardloop.accounts import people_import
from hazardloop.accounts import people_services as services
from hazardloop.accounts.models import ApiToken, Membership
from hazardloop.accounts.people import (
    access_person,
    can_manage,
    grant_units,
    grant_units_in_scope,
    has_people,
    may_end,
    people_visible_to,
    require_manage,
    resolve_grant,
)
from hazardloop.accounts.people_forms import (
    GrantForm,
    ImportForm,
    PeopleFilterForm,
    PersonEditForm,
    PersonForm,
    ResetForm,
)
from hazardloop.core.errors import DomainError
from hazardloop.regions.models import Region, subtree_filter

PAGE_SIZE = 25
_IMPORT_KEY = "people_import_plan"


def _require_people(request) -> None:
    if not has_people(request.user):
        raise PermissionDenied(_("Your role does not allow this action here."))


def _memberships():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("region", "department", "unit").order_by(
            "-is_active", "pk"
        ),
    )


@login_required
def people_list(request):
    _require_people(request)
    form = PeopleFilterForm(request.user, request.GET or None)
    qs = people_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(
                Q(username__icontains=text)
                | Q(display_name__icontains=text)
                | Q(phone__contains=text)
            )
        held = Membership.objects.filter(is_active=True)
        if data["role"]:
            held = held.filter(role=data["role"])
        if data["region"]:
            region = Region.objects.get(code=data["region"])
            held = held.filter(subtree_filter("region", region.prefix))
        if data["role"] or data["region"]:
            qs = qs.filter(pk__in=held.values("user_id"))
        if data["active"]:
            qs = qs.filter(is_active=data["active"] == "1")
    page = Paginator(qs.order_by("username").prefetch_related(_memberships()), PAGE_SIZE)
    people = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "people": people, "query": query.urlencode()}
    return render(request, "accounts/person_list.html", context)


def _grant_from(request, form: GrantForm):
    return resolve_grant(request.user, form.cleaned_data["role"], **form.place_kwargs())


def _unit_label(request, form: GrantForm) -> str:
    """The name of the unit already picked (a form shown again keeps the choice)."""
    unit_id = form.data.get(form.add_prefix("unit")) if form.is_bound else None
    if unit_id and str(unit_id).isdigit():
        unit = grant_units_in_scope(request.user).filter(pk=unit_id).first()
        return unit.name if unit else ""
    return ""


@login_required
@sensitive_post_parameters("password")
@never_cache
def person_new(request):
    _require_people(request)
    form = PersonForm(request.POST or None)
    grant_form = GrantForm(request.user, request.POST or None, prefix="grant")
    if request.method == "POST" and form.is_valid() and grant_form.is_valid():
        data = form.cleaned_data
        chosen = data["setting"] == "set"
        password = data["password"] if chosen else None
        try:
            grant = _grant_from(request, grant_form)
            person, temporary = services.create_person(
                services.PersonData(
                    data["username"], data["name"], data["phone"], password, [grant]
                ),
                actor=request.user,
            )
        except DomainError as error:
            for message in error.errors or [str(error)]:
                form.add_error(None, message)
        else:
            messages.success(request, _("The account was created."))
            if temporary:
                return render(
                    request,
                    "accounts/person_password_shown.html",
                    {"person": person, "temporary": temporary, "created": True},
                )
            return redirect("accounts:person", pk=person.pk)
    context = {
        "form": form,
        "grant_form": grant_form,
        "unit_label": _unit_label(request, grant_form),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/person_form.html", context, status=status)


@login_required
def person_detail(request, pk: int):
    person = access_person(request.user, pk)
    memberships = list(
        Membership.objects.filter(user=person)
        .select_related("region", "department", "unit")
        .order_by("-is_active", "pk")
    )
    for m in memberships:
        m.can_end = m.is_active and person.pk != request.user.pk and may_end(request.user, m)
    context = {
        "person": person,
        "memberships": memberships,
        "tokens": ApiToken.objects.filter(user=person),
        "manageable": can_manage(request.user, person),
        "own": person.pk == request.user.pk,
        "grant_form": GrantForm(request.user, prefix="grant"),
    }
    return render(request, "accounts/person_detail.html", context)


@login_required
def person_edit(request, pk: int):
    person = access_person(request.user, pk)
    initial = {"name": person.display_name, "phone": person.phone}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person,
                actor=request.user,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as error:
            for message in error.errors or [str(error)]:
                form.add_error(None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:person", pk=person.pk)
    elif request.method == "GET":
        require_manage(request.user, person)
    return render(request, "accounts/person_edit.html", {"person": person, "form": form})


@login_required
@require_POST
def grant_add(request, pk: int):
    person = access_person(request.user, pk)
    form = GrantForm(request.user, request.POST, prefix="grant")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("accounts:person", pk=person.pk)
    try:
        services.grant_membership(person, _grant_from(request, form), actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role was granted."))
    return redirect("accounts:person", pk=person.pk)


@login_required
@require_POST
def membership_end(request, pk: int, membership_id: int):
    person = access_person(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("region", "unit", "department", "user"),
        pk=membership_id,
        user=person,
    )
    try:
        services.end_membership(membership, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role was ended."))
    return redirect("accounts:person", pk=person.pk)


@login_required
@never_cache
def person_reset(request, pk: int):
    person = access_person(request.user, pk)
    require_manage(request.user, person)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        value = services.reset_password(person, actor=request.user, method=method)
        context = {"person": person}
        if method == "link":
            context["link"] = request.build_absolute_uri(value)
            context["link_hours"] = settings.PASSWORD_RESET_TIMEOUT // 3600
        else:
            context["temporary"] = value
        return render(request, "accounts/person_password_shown.html", context)
    return render(request, "accounts/person_reset.html", {"person": person, "form": form})


@login_required
def person_active(request, pk: int):
    person = access_person(request.user, pk)
    require_manage(request.user, person)
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        services.set_active(person, actor=request.user, active=active)
        messages.success(
            request,
            _("The account was reactivated.") if active else _("The account was deactivated."),
        )
        return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_active.html", {"person": person})


@login_required
def unit_picker(request):
    """The unit picker's results (htmx): units in scope matching the search."""
    _require_people(request)
    q = request.GET.get("q", "")[:100]
    units = grant_units(request.user, q) if q.strip() else []
    return render(request, "accounts/partials/_unit_options.html", {"units": units, "q": q})


@login_required
@never_cache
def people_import_view(request):
    _require_people(request)
    form = ImportForm()
    context = {"form": form}
    if request.method == "POST" and request.POST.get("step") == "commit":
        rows = request.session.get(_IMPORT_KEY)
        if not rows:
            messages.error(request, _("Check a file first."))
            return redirect("accounts:people_import")
        try:
            created = people_import.commit_plan(rows, request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.errors or [str(error)]))
            return redirect("accounts:people_import")
        request.session.pop(_IMPORT_KEY, None)
        return render(request, "accounts/person_import_done.html", {"created": created})
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan = people_import.read_plan(upload, upload.name, request.user)
            except people_import.FileProblem as problem:
                form.add_error("file", str(problem))
            else:
                context["plan"] = plan
                if plan.rows and not plan.errors:
                    request.session[_IMPORT_KEY] = [r.as_dict() for r in plan.rows]
                else:
                    request.session.pop(_IMPORT_KEY, None)
    return render(request, "accounts/person_import.html", context)
