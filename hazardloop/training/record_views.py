"""Pages for a unit's training records: the list, recording one (phone first, with photos and
the attendees from the staff list) and a record's page with its QR code for signing on a phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.core.errors import DomainError
from hazardloop.core.urls_public import printed_url
from hazardloop.evidence.imaging import PhotoError
from hazardloop.evidence.services import store_photo
from hazardloop.training import services
from hazardloop.training.access import (
    may_record,
    training_or_404,
    unit_for_training,
    unit_to_record,
)
from hazardloop.training.choices import TrainingItem
from hazardloop.training.forms import TrainingForm
from hazardloop.training.models import Training
from hazardloop.training.queries import current_staff
from hazardloop.training.tokens import SIGN, make_token
from hazardloop.training.views import qr_data_uri

MAX_PHOTOS = 6


@login_required
@require_GET
def training_list(request, unit_id: int):
    unit = unit_for_training(request.user, unit_id)
    qs = Training.objects.filter(unit=unit).order_by("-held_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "training/training_list.html",
        {"unit": unit, "page": page, "may_record": may_record(request.user, unit)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request, unit_id: int):
    """Record a training: topic, content, trainer, time, duration, pre-job, attendees, photos."""
    unit = unit_to_record(request.user, unit_id)
    people = list(current_staff(unit.pk, timezone.localdate()).order_by("name", "id"))
    choices = [(str(m.pk), m.name) for m in people]
    errors: list[str] = []
    if request.method == "POST":
        form = TrainingForm(request.POST, staff_choices=choices)
        uploads = request.FILES.getlist("photos")
        if len(uploads) > MAX_PHOTOS:
            errors.append(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
        if form.is_valid() and not errors:
            d = form.cleaned_data
            try:
                photos = [
                    store_photo(
                        f,
                        actor=request.user,
                        region_code=unit.region_id,
                        unit_id=unit.pk,
                        original_name=f.name,
                    )
                    for f in uploads
                ]
                training = services.record_training(
                    unit,
                    actor=request.user,
                    topic=d["topic"],
                    items=d["items"],
                    trainer=d["trainer"],
                    held_at=d["held_at"],
                    duration_minutes=d["duration_minutes"],
                    pre_job=d["pre_job"],
                    staff_ids=[int(i) for i in d["staff"]],
                    photo_ids=[p.pk for p in photos],
                )
            except PhotoError as exc:
                errors.append(_("Photo: %(error)s") % {"error": exc})
            except DomainError as exc:
                errors.append(str(exc))
            else:
                messages.success(request, _("Training recorded."))
                return redirect("training:detail", training.pk)
        for field, es in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            errors.extend(f"{label}: {e}" if label else e for e in es)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = TrainingForm(
            staff_choices=choices,
            initial={"held_at": now, "items": TrainingItem.values, "duration_minutes": 60},
        )
    return render(
        request,
        "training/training_form.html",
        {"unit": unit, "form": form, "errors": errors, "people": people},
        status=422 if errors else 200,
    )


@login_required
@require_GET
def training_detail(request, pk: int):
    """A training's record; to the unit's own people, the QR code staff scan to sign."""
    training = training_or_404(request.user, pk)
    unit = training.unit
    rows = list(
        training.attendance.select_related("staff", "signature").order_by("staff__name", "id")
    )
    writable = may_record(request.user, unit)
    sign_url = ""
    if writable:
        sign_url = printed_url(
            request, reverse("training:sign", kwargs={"token": make_token(SIGN, training.pk)})
        )
    return render(
        request,
        "training/training_detail.html",
        {
            "t": training,
            "unit": unit,
            "rows": rows,
            "items": [TrainingItem(i).label for i in training.items if i in TrainingItem.values],
            "photos": list(training.photos.all()),
            "may_record": writable,
            "sign_url": sign_url,
            "sign_qr": qr_data_uri(sign_url) if sign_url else "",
            "signed": sum(1 for r in rows if r.signed_at),
        },
    )
