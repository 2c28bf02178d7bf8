"""Tip pages: the public form behind a unit's door QR code and the province's tip page (no
sign-in), the tracking page, and the regulators' triage queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazardloop.accounts.access import has_perm_anywhere, scope_for
from hazardloop.accounts.models import User
from hazardloop.core.errors import page_errors
from hazardloop.core.request_context import client_ip
from hazardloop.evidence.imaging import PhotoError
from hazardloop.tips import public, services
from hazardloop.tips.access import tip_or_404, visible_tips
from hazardloop.tips.choices import Outcome, TipCategory, TipStatus
from hazardloop.tips.forms import ProvinceTipForm, TipForm, TrackForm, TriageForm
from hazardloop.tips.models import Tip
from hazardloop.tips.throttle import TooManyTips
from hazardloop.units.models import Unit

PAGE = 50


def unit_panel(request, unit) -> str:
    """The tips' part of the public unit page (units:public, settings.UNIT_PUBLIC_PANELS): the
    unit's published status and the tip form."""
    context = {"unit": unit, "facts": public.unit_status(unit), "form": TipForm()}
    return render_to_string("tips/_unit_panel.html", context, request=request)


def hazard_source_link(user, ref: str) -> tuple[str, str] | None:
    """The hazard page's link to the tip a hazard came from (settings.HAZARD_SOURCE_LINKS), for
    those who may see the tip (tip.view over its region). A unit's own people never hold
    tip.view, so the unit a tip accuses never sees it."""
    if not ref.isdigit():
        return None
    tip = visible_tips(user).filter(pk=int(ref)).only("pk", "tracking_code").first()
    if tip is None:
        return None
    return _("public tip %(code)s") % {"code": tip.tracking_code}, reverse(
        "tips:detail", args=[tip.pk]
    )


def _file(request, form, *, unit=None, region_code=""):
    """Receive a tip from a bound, valid form; (tip, status) — tip None with the form's errors."""
    data = form.cleaned_data
    try:
        tip = services.receive_tip(
            unit=unit,
            region_code=region_code,
            category=data["category"],
            description=data["description"],
            phone=data.get("phone") or "",
            address=data.get("address") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            uploads=request.FILES.getlist("photos"),
            client_address=client_ip(request),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None, 400
    except PhotoError as exc:
        form.add_error(None, _("Photo: %(error)s") % {"error": exc})
        return None, 400
    except TooManyTips as exc:
        form.add_error(None, str(exc))
        request.tip_retry_after = exc.retry_after
        return None, 429
    return tip, 200


def _filed(request, tip):
    messages.success(
        request,
        _("Thank you: your tip has been sent. Keep its tracking code: %(code)s")
        % {"code": tip.tracking_code},
    )
    return redirect("tips:tracked", code=tip.tracking_code)


def unit_tip(request, public_id: str):
    """The tip form of one unit (posted from its public page, or opened on its own)."""
    unit = get_object_or_404(Unit.objects.select_related("region"), public_id=public_id)
    status = 200
    if request.method == "POST":
        form = TipForm(request.POST)
        if form.is_valid():
            tip, status = _file(request, form, unit=unit)
            if tip is not None:
                return _filed(request, tip)
        else:
            status = 400
    else:
        form = TipForm()
    context = {"unit": unit, "facts": public.unit_status(unit), "form": form}
    return _retry(request, render(request, "tips/unit_tip.html", context, status=status))


def _retry(request, response):
    """A refusal by the rate limit says when to try again."""
    if getattr(request, "tip_retry_after", None):
        response["Retry-After"] = str(request.tip_retry_after)
    return response


def province_tip(request):
    """A tip about a place without a door QR code: county, address, optional coordinates."""
    status = 200
    if request.method == "POST":
        form = ProvinceTipForm(request.POST)
        if form.is_valid():
            tip, status = _file(request, form, region_code=form.cleaned_data["region"])
            if tip is not None:
                return _filed(request, tip)
        else:
            status = 400
    else:
        form = ProvinceTipForm()
    return _retry(request, render(request, "tips/province_tip.html", {"form": form}, status=status))


def track(request):
    """Look a tip up by its tracking code."""
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = services.normal_code(form.cleaned_data["code"])
        if code and Tip.objects.filter(tracking_code=code).exists():
            return redirect("tips:tracked", code=code)
        form.add_error("code", _("No tip has this tracking code. Check it and try again."))
    return render(request, "tips/track.html", {"form": form}, status=400 if form.errors else 200)


def tracked(request, code: str):
    """Where a tip stands, for the person who sent it: status and outcome, no names."""
    tip = get_object_or_404(
        Tip.objects.select_related("hazard", "task"), tracking_code=services.normal_code(code)
    )
    context = {"tip": tip, "outcome": public.outcome(tip), "form": TrackForm()}
    return render(request, "tips/tracked.html", context)


@login_required
def tip_list(request):
    if not has_perm_anywhere(request.user, "tip.view"):
        raise Http404(_("Not found."))  # a unit's own people never learn of the queue
    status = request.GET.get("status", TipStatus.RECEIVED)
    if status not in TipStatus.values and status != "all":
        status = TipStatus.RECEIVED
    qs = visible_tips(request.user).select_related("unit")
    if status != "all":
        qs = qs.filter(status=status)
    qs = qs.order_by("due_at", "id") if status == TipStatus.RECEIVED else qs.order_by("-id")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": TipStatus.choices,
        "now": timezone.now(),
    }
    return render(request, "tips/tip_list.html", context)


def _inspectors(user, tip):
    scope = scope_for(user, "tip.triage")
    if scope.is_empty:
        return []
    people = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role="inspector",
        memberships__unit__isnull=True,
    ).distinct()
    rows = []
    for person in people.order_by("username")[:200]:
        if scope_for(person, "inspection.create").covers(tip.region_code):
            rows.append(person)
    return rows


@login_required
def tip_detail(request, pk: int, form=None):
    tip = tip_or_404(request.user, pk)
    may_triage = scope_for(request.user, "tip.triage").covers(tip.region_code)
    if form is None:
        form = TriageForm(
            initial={
                "version": tip.version,
                # The category's words, never the tipster's own: the hazard is shown to the
                # unit, and a tipster's wording can tell the unit who wrote it.
                "description": str(TipCategory(tip.category).label),
                "category": services.HAZARD_CATEGORY[tip.category],
                "due_on": timezone.localdate() + timezone.timedelta(days=7),
            }
        )
    context = {
        "tip": tip,
        "form": form,
        "may_triage": may_triage and tip.status == TipStatus.RECEIVED,
        "outcomes": Outcome.choices,
        "categories": TipCategory,
        "photos": list(tip.photos.all()),
        "outcome_text": public.outcome(tip),
        "inspectors": _inspectors(request.user, tip) if may_triage else [],
        "now": timezone.now(),
    }
    return render(request, "tips/tip_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def tip_triage(request, pk: int):
    tip = tip_or_404(request.user, pk)
    form = TriageForm(request.POST)
    if not form.is_valid():
        return tip_detail(request, pk, form=form)
    data = form.cleaned_data
    unit = None
    if data.get("unit_id"):
        unit = Unit.objects.filter(pk=data["unit_id"]).first()
        if unit is None:
            form.add_error("unit_id", _("No such unit."))
            return tip_detail(request, pk, form=form)
    inspector = None
    raw_inspector = request.POST.get("inspector_id", "")
    if raw_inspector.isdigit():
        inspector = User.objects.filter(pk=int(raw_inspector), is_active=True).first()
    done = False
    try:
        with page_errors(request):
            services.triage_tip(
                tip,
                actor=request.user,
                outcome=data["outcome"],
                version=data["version"],
                reason=data.get("reason") or "",
                title=data.get("title") or "",
                description=data.get("description") or "",
                category=data.get("category") or "",
                unit=unit,
                due_on=data.get("due_on"),
                inspector=inspector,
            )
            done = True
    except ValidationError:  # pragma: no cover - page_errors shows it
        pass
    if done:
        messages.success(request, _("The tip has been answered."))
    return redirect("tips:detail", pk=tip.pk)
