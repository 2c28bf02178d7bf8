"""Page: record (or correct) a shift of the unit's fire-control room, from its staff list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hazardloop.core.errors import DomainError
from hazardloop.training import certificates as access
from hazardloop.training.certificates_forms import ShiftForm
from hazardloop.training.certificates_services import record_shift


@login_required
@require_http_methods(["GET", "POST"])
def shift_form(request, unit_id: int | None = None, pk: int | None = None):
    if pk is not None:
        shift = access.shift_or_404(request.user, pk)
        unit = shift.unit
        initial = {
            "day": shift.day, "shift": shift.shift, "note": shift.note,
            "people": list(shift.people.values_list("pk", flat=True)),
        }  # fmt: skip
    else:
        unit = access.unit_for_certificates(request.user, unit_id)
        initial = {"day": timezone.localdate()}
    access.require_manage(request.user, unit)
    form = ShiftForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_shift(unit, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Control-room shift recorded."))
            return redirect("certificates:unit", unit.pk)
    return render(
        request,
        "training/certificates/shift_form.html",
        {"form": form, "unit": unit},
        status=422 if form.is_bound else 200,
    )
