"""Drill pages (phone first): the drills in scope, recording one (the unit's own people), one
drill, and an emergency plan's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.accounts.access import has_perm_anywhere, memberships_of
from hazardloop.drills import services
from hazardloop.drills.access import (
    drill_or_404,
    may_record,
    plan_or_404,
    unit_for_drills,
    unit_to_record,
    visible_drills,
)
from hazardloop.drills.choices import RATING_BADGE, Rating
from hazardloop.drills.forms import NEW_PLAN, DrillForm, problem_rows
from hazardloop.drills.models import DrillPlan
from hazardloop.evidence.imaging import PhotoError
from hazardloop.evidence.services import store_photo
from hazardloop.hazards.choices import Category
from hazardloop.training.models import StaffMember
from hazardloop.units.models import Unit

PAGE = 50


def _own_units(user) -> list[int]:
    return sorted({m.unit_id for m in memberships_of(user) if m.unit_id is not None})


@login_required
@require_GET
def drill_list(request):
    """The drills the user may see, latest first; `unit` narrows to one unit."""
    if not has_perm_anywhere(request.user, "drill.view"):
        raise Http404(_("Not found."))
    qs = visible_drills(request.user).select_related("unit").prefetch_related("problems")
    unit = None
    if (request.GET.get("unit") or "").isdigit():
        unit = unit_for_drills(request.user, request.GET["unit"])
        qs = qs.filter(unit=unit)
    page = Paginator(qs.order_by("-held_at", "-id"), PAGE).get_page(request.GET.get("page"))
    own = _own_units(request.user)
    recordable = [
        u for u in Unit.objects.filter(pk__in=own).order_by("name") if may_record(request.user, u)
    ]
    rows = [{"d": d, "badge": RATING_BADGE[Rating(d.rating)]} for d in page]
    context = {"page": page, "rows": rows, "unit": unit, "recordable": recordable}
    return render(request, "drills/drill_list.html", context)


def _store_photos(request, unit) -> list[int]:
    return [
        store_photo(
            f, actor=request.user, region_code=unit.region_id, unit_id=unit.pk,
            original_name=f.name,
        ).pk
        for f in request.FILES.getlist("photos")[: services.MAX_PHOTOS]
    ]  # fmt: skip


def _save(request, unit, form, problems):
    """Store the plan and photos, then record the drill; the drill or None (errors on form)."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            plan_id = data.get("plan") or None
            if plan_id == NEW_PLAN:
                upload = request.FILES.get("plan_file")
                if upload is None:
                    raise ValidationError({"plan": _("Choose the plan's file.")})
                plan_id = services.store_plan(
                    unit, upload, actor=request.user, title=request.POST.get("plan_title", "")
                ).pk
            return services.record_drill(
                unit, actor=request.user, held_at=data["held_at"], scenario=data["scenario"],
                participant_ids=[int(i) for i in data["participants"]],
                others_count=data.get("others_count") or 0,
                evacuation_seconds=form.evacuation_seconds(), rating=data["rating"],
                evaluation=data.get("evaluation", ""), plan_id=plan_id,
                problems=[p for p in problems if p["description"]],
                photo_ids=_store_photos(request, unit),
            )  # fmt: skip
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except PhotoError as exc:
        form.add_error(None, str(exc))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def drill_new(request, unit_id: int):
    """Record a drill of the user's own unit."""
    unit = unit_to_record(request.user, unit_id)
    staff = list(StaffMember.objects.filter(unit=unit, left_on__isnull=True).order_by("name"))
    plans = list(DrillPlan.objects.filter(unit=unit).order_by("-uploaded_at", "-id")[:20])
    status = 200
    if request.method == "POST":
        form = DrillForm(request.POST, staff=staff, plans=plans)
        problems = problem_rows(request.POST)
        if form.is_valid():
            drill = _save(request, unit, form, problems)
            if drill is not None:
                n = sum(1 for p in drill.problems.all() if p.hazard_id)
                if n:
                    messages.warning(
                        request,
                        _("Drill recorded: %(n)s problem(s) recorded as hazards to rectify.")
                        % {"n": n},
                    )
                else:
                    messages.success(request, _("Drill recorded."))
                return redirect("drills:detail", drill.pk)
        status = 422
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {"held_at": now, "others_count": 0, "plan": str(plans[0].pk) if plans else ""}
        form = DrillForm(initial=initial, staff=staff, plans=plans)
        problems = [{**p, "hazard": True} for p in problem_rows({})]
    context = {
        "unit": unit, "form": form, "problems": problems, "staff": staff,
        "categories": Category.choices, "new_plan": NEW_PLAN,
    }  # fmt: skip
    return render(request, "drills/drill_form.html", context, status=status)


@login_required
@require_GET
def drill_detail(request, pk: int):
    drill = drill_or_404(request.user, pk)
    context = {
        "drill": drill,
        "badge": RATING_BADGE[Rating(drill.rating)],
        "participants": list(drill.participants.order_by("name")),
        "problems": list(drill.problems.select_related("hazard")),
        "photos": list(drill.photos.all()),
    }
    return render(request, "drills/drill_detail.html", context)


@login_required
@require_GET
def plan_file(request, pk: int):
    """The plan's file, to whoever may see the unit's drills."""
    plan = plan_or_404(request.user, pk)
    try:
        handle = default_storage.open(plan.file.name, "rb")
    except FileNotFoundError:
        raise Http404(_("Not found.")) from None
    extension = plan.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=plan.content_type, as_attachment=not plan.is_pdf,
        filename=f"plan-{plan.pk}.{extension}",
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
