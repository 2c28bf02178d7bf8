"""Permit pages: the list (regulators: their scope; a unit: its own), the application form of
a unit's manager or safety officer, the permit with its actions, and the one action POST."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hazardloop.accounts.access import (
    get_in_scope_or_404,
    has_perm_anywhere,
    memberships_of,
    scope_for,
)
from hazardloop.core.errors import DomainError
from hazardloop.evidence.services import store_photo
from hazardloop.permits import config, rules, services
from hazardloop.permits.access import permit_or_404, visible_permits
from hazardloop.permits.choices import (
    LIVE_STATUSES,
    STATUS_BADGE,
    EventKind,
    PermitGrade,
    PermitStatus,
)
from hazardloop.permits.workflow import available_actions, user_action
from hazardloop.training.models import StaffMember
from hazardloop.units.models import Unit

PAGE = 50


def _when(raw: str):
    """A `datetime-local` input (local time, Asia/Shanghai) as an aware time, or None."""
    value = parse_datetime((raw or "").strip()) if raw else None
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _local_input(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


@login_required
def permit_list(request):
    if not has_perm_anywhere(request.user, "permit.view"):
        raise PermissionDenied(_("Your role does not allow this action here."))
    show = request.GET.get("show", "live")
    if show not in ("live", "past", "all"):
        show = "live"
    grade = request.GET.get("grade", "")
    status = request.GET.get("status", "")
    qs = visible_permits(request.user).select_related("unit", "worker", "fire_watch")
    if show == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif show == "past":
        qs = qs.exclude(status__in=LIVE_STATUSES)
    if grade in PermitGrade.values:
        qs = qs.filter(grade=grade)
    else:
        grade = ""
    if status in PermitStatus.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    page = Paginator(qs.order_by("-planned_start", "-id"), PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "grade": grade,
        "status": status,
        "grades": PermitGrade.choices,
        "statuses": PermitStatus.choices,
        "badges": STATUS_BADGE,
        "may_apply": bool(_applying_units(request.user)),
        "query": f"show={show}&grade={grade}&status={status}",
    }
    return render(request, "permits/permit_list.html", context)


def _applying_units(user) -> list[int]:
    scope = scope_for(user, "permit.apply")
    return [m.unit_id for m in memberships_of(user) if m.unit_id in scope.unit_ids]


def _form_context(unit, posted, errors):
    staff = list(StaffMember.objects.filter(unit=unit, left_on__isnull=True).order_by("name", "pk"))
    answers = set(posted.getlist("answers")) if posted else set()
    ticked = set(posted.getlist("measures")) if posted else set()
    return {
        "unit": unit,
        "staff": staff,
        "questions": [(q, q.code in answers) for q in config.questions()],
        "measures": [(m, m.code in ticked) for m in config.measures()],
        "posted": posted or {},
        "errors": errors,
        "hours": {g: config.cap_hours(g) for g in PermitGrade.values},
        "gas_minutes": settings.PERMIT_GAS_TEST_MINUTES,
    }


@login_required
@require_http_methods(["GET", "POST"])
def permit_new(request):
    """A unit's application (its manager or safety officer)."""
    units = _applying_units(request.user)
    raw = request.GET.get("unit") or request.POST.get("unit") or (units[0] if units else "")
    try:
        unit_id = int(raw)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    unit = get_in_scope_or_404(
        request.user, Unit.objects.select_related("region"), perm="permit.view",
        unit_field="pk", pk=unit_id,
    )  # fmt: skip
    if unit.pk not in units:
        raise PermissionDenied(_("Only the unit's own people apply for its permits."))
    errors: dict = {}
    if request.method == "POST":
        p = request.POST
        gas = []
        if p.get("gas_taken_at") or p.get("gas_lel"):
            gas.append(
                {"taken_at": _when(p.get("gas_taken_at")), "lel_percent": p.get("gas_lel"),
                 "point": p.get("gas_point", ""), "taken_by": p.get("gas_by", "")}
            )  # fmt: skip
        try:
            permit = services.create_permit(
                unit,
                actor=request.user,
                place=p.get("place", "")[:300],
                reason=p.get("reason", "")[:2000],
                planned_start=_when(p.get("planned_start")),
                planned_end=_when(p.get("planned_end")),
                worker_id=int(p["worker_id"]) if p.get("worker_id", "").isdigit() else None,
                fire_watch_id=(
                    int(p["fire_watch_id"]) if p.get("fire_watch_id", "").isdigit() else None
                ),
                answers=p.getlist("answers"),
                measures=p.getlist("measures"),
                gas_readings=gas,
                submit=p.get("submit") == "1",
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("The permit application has been saved."))
            return redirect("permits:detail", pk=permit.pk)
    context = _form_context(unit, request.POST if request.method == "POST" else None, errors)
    return render(request, "permits/permit_new.html", context, status=400 if errors else 200)


def _lines(event) -> list[str]:
    """A refusal's reasons in the reader's language (from the stored codes and details)."""
    details = event.data.get("details") or {}
    return [rules.sentence(code, details.get(code, {})) for code in event.data.get("reasons", [])]


def _history(permit):
    rows = []
    for event in permit.events.select_related("actor"):
        rows.append(
            {
                "event": event,
                "lines": _lines(event) if event.kind == EventKind.REFUSED else [],
                "label": EventKind(event.kind).label if event.kind in EventKind.values else "",
                "matches": event.data.get("matches")
                if event.kind == EventKind.SITE_CHECK
                else None,
            }
        )
    return rows


@login_required
def permit_detail(request, pk: int):
    permit = permit_or_404(request.user, pk)
    actions = {a.name: a for a in available_actions(request.user, permit)}
    history = _history(permit)
    refused = [row for row in history if row["event"].kind == EventKind.REFUSED]
    reasons = refused[-1]["lines"] if refused else []
    steps = config.approval_steps(permit.grade)
    context = {
        "permit": permit,
        "badge": STATUS_BADGE.get(permit.status, "secondary"),
        "actions": actions,
        "readings": list(permit.gas_readings.all()),
        "history": history,
        "reasons": reasons,
        "questions": [q for q in config.questions() if q.code in permit.answers],
        "measures": [(m, m.code in permit.measures) for m in config.measures()],
        "photos": list(permit.after_photos.all()),
        "steps_total": len(steps),
        "now_input": _local_input(timezone.now()),
    }
    return render(request, "permits/permit_detail.html", context)


@login_required
@require_POST
def permit_act(request, pk: int):
    permit = permit_or_404(request.user, pk)
    p = request.POST
    action = p.get("do", "")
    spec = None
    try:
        spec = user_action(action)
        version = int(p["version"]) if p.get("version", "").isdigit() else None
        photo_ids = []
        if action == "close":
            for upload in request.FILES.getlist("photos")[:5]:
                photo = store_photo(
                    upload, actor=request.user, region_code=permit.region_code,
                    unit_id=permit.unit_id, original_name=upload.name or "",
                )  # fmt: skip
                photo_ids.append(photo.pk)
        reading = None
        if action == "gas_test":
            reading = {
                "taken_at": _when(p.get("gas_taken_at")), "lel_percent": p.get("gas_lel"),
                "point": p.get("gas_point", ""), "taken_by": p.get("gas_by", ""),
            }  # fmt: skip
        matches = {"yes": True, "no": False}.get(p.get("site_matches", ""))
        services.perform(
            permit, action, actor=request.user, version=version, note=p.get("note", "")[:2000],
            reading=reading, matches=matches, no_smouldering=p.get("no_smouldering") == "1",
            photo_ids=photo_ids,
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if permit.status == PermitStatus.REFUSED and action == "approve":
            messages.error(request, _("The checks failed: the permit is refused."))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    return redirect("permits:detail", pk=permit.pk)
