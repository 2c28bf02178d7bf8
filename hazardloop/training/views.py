"""Pages for a unit's staff list (phone first): the list with who is trained and who passes
the 四个能力 check, adding, editing, marking a person as left, the practical check, and the
import from .xlsx. Regulators in scope see the same pages read-only."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hazardloop.core.errors import page_errors
from hazardloop.core.urls_public import printed_url
from hazardloop.lib.sheets import CONTENT_TYPES, XLSX
from hazardloop.training import importing, services
from hazardloop.training.access import may_record, staff_or_404, unit_for_training, unit_to_record
from hazardloop.training.forms import ImportForm, PracticalForm, StaffForm
from hazardloop.training.models import PracticalCheck, QuizAttempt, StaffMember, Training
from hazardloop.training.queries import capable_staff, trained_staff, training_window_start
from hazardloop.training.tokens import QUIZ, make_token


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an inline PNG image (for a phone to scan off the screen)."""
    return segno.make(url, error="m").png_data_uri(scale=6, border=2)


def _latest(model, field: str, ids) -> dict:
    out = {}
    for row in model.objects.filter(staff_id__in=ids).order_by(field, "id"):
        out[row.staff_id] = row
    return out


def staff_rows(unit, now):
    """The unit's staff, current first, each with what the checks say about them."""
    people = list(StaffMember.objects.filter(unit=unit).order_by("left_on", "name", "id"))
    today = timezone.localdate(now)
    current = [m.pk for m in people if m.left_on is None or m.left_on > today]
    trained = trained_staff(current, now)
    capable = capable_staff(current, now)
    since = training_window_start(now)
    quiz = _latest(QuizAttempt, "taken_at", current)
    practical = _latest(PracticalCheck, "checked_at", current)
    rows = []
    for m in people:
        is_current = m.pk in set(current)
        rows.append(
            {
                "m": m,
                "current": is_current,
                "new": is_current and m.hired_on is not None and m.hired_on >= since,
                "trained": m.pk in trained,
                "capable": m.pk in capable,
                "quiz": quiz.get(m.pk),
                "practical": practical.get(m.pk),
            }
        )
    return rows, current, trained, capable


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@login_required
@require_GET
def staff(request, unit_id: int):
    """The staff list: who is trained (new staff only after a pre-job training) and who passes
    the 四个能力 check, with the unit's share of current staff who pass."""
    unit = unit_for_training(request.user, unit_id)
    now = timezone.now()
    rows, current, trained, capable = staff_rows(unit, now)
    writable = may_record(request.user, unit)
    quiz_url = ""
    if writable:
        quiz_url = printed_url(
            request, reverse("training:quiz", kwargs={"token": make_token(QUIZ, unit.pk)})
        )
    return render(
        request,
        "training/staff_list.html",
        {
            "unit": unit,
            "rows": rows,
            "months": settings.TRAINING_VALID_MONTHS,
            "n_current": len(current),
            "n_trained": len(trained),
            "n_capable": len(capable),
            "trained_share": _share(len(trained), len(current)),
            "capable_share": _share(len(capable), len(current)),
            "may_record": writable,
            "form": StaffForm(),
            "practical_form": PracticalForm(),
            "quiz_url": quiz_url,
            "quiz_qr": qr_data_uri(quiz_url) if quiz_url else "",
            "trainings": Training.objects.filter(unit=unit).order_by("-held_at")[:5],
        },
    )


def _staff_fields(form) -> dict:
    d = form.cleaned_data
    return {"name": d["name"], "post": d["post"], "phone": d["phone"], "hired_on": d["hired_on"]}


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}: {e}" if label else e)


@login_required
@require_POST
def staff_add(request, unit_id: int):
    unit = unit_to_record(request.user, unit_id)
    form = StaffForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with page_errors(request):
            member = services.add_staff(unit, actor=request.user, **_staff_fields(form))
            messages.success(request, _("%(name)s added to the staff list.") % {"name": member})
    return redirect("training:staff", unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, unit_id: int, pk: int):
    unit = unit_to_record(request.user, unit_id)
    member = staff_or_404(request.user, unit, pk)
    if request.method == "POST":
        form = StaffForm(request.POST)
        if form.is_valid():
            with page_errors(request):
                services.edit_staff(
                    member, actor=request.user, left_on=member.left_on, **_staff_fields(form)
                )
                messages.success(request, _("Saved."))
                return redirect("training:staff", unit.pk)
    else:
        form = StaffForm(
            initial={"name": member.name, "post": member.post, "phone": member.phone,
                     "hired_on": member.hired_on}
        )  # fmt: skip
    return render(
        request, "training/staff_edit.html", {"unit": unit, "member": member, "form": form}
    )


@login_required
@require_POST
def staff_left(request, unit_id: int, pk: int):
    unit = unit_to_record(request.user, unit_id)
    member = staff_or_404(request.user, unit, pk)
    with page_errors(request):
        services.mark_left(member, actor=request.user)
        messages.success(request, _("%(name)s marked as left.") % {"name": member})
    return redirect("training:staff", unit.pk)


@login_required
@require_POST
def practical(request, unit_id: int, pk: int):
    """The trainer records the practical check of one person."""
    unit = unit_to_record(request.user, unit_id)
    member = staff_or_404(request.user, unit, pk)
    form = PracticalForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with page_errors(request):
            check = services.record_practical(member, actor=request.user, **form.cleaned_data)
            if check.passed:
                messages.success(
                    request, _("%(name)s passed the practical check.") % {"name": member}
                )
            else:
                messages.warning(
                    request, _("%(name)s did not pass the practical check.") % {"name": member}
                )
    return redirect("training:staff", unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request, unit_id: int):
    """Import people from the template .xlsx: every row checked, nothing saved on any error."""
    unit = unit_to_record(request.user, unit_id)
    errors: list[str] = []
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = importing.read_staff(form.cleaned_data["file"])
                made = services.import_staff(unit, rows, actor=request.user)
            except importing.ImportProblems as exc:
                errors = exc.errors
            else:
                messages.success(request, _("%(n)s people imported.") % {"n": len(made)})
                return redirect("training:staff", unit.pk)
        else:
            errors = [e for es in form.errors.values() for e in es]
    return render(
        request,
        "training/staff_import.html",
        {"unit": unit, "form": form, "errors": errors},
        status=422 if errors else 200,
    )


@login_required
@require_GET
def staff_template(request, unit_id: int):
    unit_to_record(request.user, unit_id)
    response = HttpResponse(importing.template_bytes(), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = 'attachment; filename="staff.xlsx"'
    return response
