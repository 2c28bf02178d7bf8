"""Pages: a unit's certificates and fire-control-room shifts (its own people add, correct and
renew; regulators in scope read), and the regulators' list of certificates expiring or expired
and control-room shifts short of certified people in their regions."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.accounts.access import memberships_of
from hazardloop.core.errors import DomainError
from hazardloop.regions import codes
from hazardloop.training import certificates as access
from hazardloop.training.certificates_choices import STATE_BADGE, CertState
from hazardloop.training.certificates_forms import CertificateForm
from hazardloop.training.certificates_services import create_certificate, update_certificate
from hazardloop.training.models import Certificate, ControlRoomShift

SHIFTS_BACK_DAYS = 14
SHIFTS_AHEAD_DAYS = 7
SHORT_BACK_DAYS = 30


def cert_rows(certs, today):
    rows = []
    for c in certs:
        state = CertState(access.state_of(c, today))
        rows.append({"c": c, "state": state.label, "badge": STATE_BADGE[state]})
    return rows


def shift_window(today):
    return today - dt.timedelta(days=SHIFTS_BACK_DAYS), today + dt.timedelta(days=SHIFTS_AHEAD_DAYS)


@login_required
@require_GET
def unit_certificates(request, unit_id: int):
    """The unit's certificates (current staff first, soonest expiry first) and, for a unit with
    a fire-control room, its shifts of the last two weeks and the next week."""
    unit = access.unit_for_certificates(request.user, unit_id)
    today = timezone.localdate()
    certs = (
        Certificate.objects.filter(holder__unit=unit)
        .select_related("holder")
        .order_by("holder__left_on", "expires_on", "pk")
    )
    control_room = access.has_control_room(unit)
    shifts = []
    if control_room:
        start, end = shift_window(today)
        shifts = list(
            ControlRoomShift.objects.filter(unit=unit, day__gte=start, day__lte=end)
            .with_certified()
            .prefetch_related("people")
            .order_by("-day", "shift")
        )
    return render(
        request,
        "training/certificates/unit_certificates.html",
        {
            "unit": unit,
            "rows": cert_rows(certs, today),
            "today": today,
            "control_room": control_room,
            "shifts": shifts,
            "min_certified": settings.CONTROL_ROOM_MIN_CERTIFIED,
            "may_manage": access.may_manage(request.user, unit),
        },
    )


def _save(request, form, save, done_message, back):
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done_message)
            return redirect(*back)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def certificate_create(request, unit_id: int):
    unit = access.unit_for_certificates(request.user, unit_id)
    access.require_manage(request.user, unit)
    form = CertificateForm(request.POST or None, unit=unit)
    done = request.method == "POST" and _save(
        request, form,
        lambda d: create_certificate(unit, actor=request.user, **d),
        _("Certificate recorded."), ("certificates:unit", unit.pk),
    )  # fmt: skip
    return done or _form_page(request, form, unit, _("Add a certificate"))


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request, pk: int, renew: bool = False):
    cert = access.certificate_or_404(request.user, pk)
    unit = cert.holder.unit
    access.require_manage(request.user, unit)
    initial = {
        "holder": cert.holder_id, "kind": cert.kind, "number": cert.number,
        "issuer": cert.issuer, "issued_on": cert.issued_on, "expires_on": cert.expires_on,
    }  # fmt: skip
    if renew:
        initial.update(number="", issued_on=None, expires_on=None)
    form = CertificateForm(
        request.POST or None, unit=unit, initial=initial, renew_of=cert if renew else None
    )
    done = request.method == "POST" and _save(
        request, form,
        lambda d: update_certificate(cert, actor=request.user, renewed=renew, **d),
        _("Certificate renewed.") if renew else _("Certificate saved."),
        ("certificates:unit", unit.pk),
    )  # fmt: skip
    title = _("Renew a certificate") if renew else _("Edit a certificate")
    return done or _form_page(request, form, unit, title, cert=cert)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_renew(request, pk: int):
    return certificate_edit(request, pk, renew=True)


def _form_page(request, form, unit, title, cert=None):
    return render(
        request,
        "training/certificates/certificate_form.html",
        {"form": form, "unit": unit, "title": title, "cert": cert},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_GET
def expiring(request):
    """Regulators: certificates expiring within CERTIFICATE_EXPIRING_DAYS or expired (of staff
    who still work there), and control-room shifts short of certified people, in their
    regions. A unit's own people never see it (their unit page has the same facts)."""
    if not any(m.unit_id is None for m in memberships_of(request.user)) and not (
        request.user.is_superuser
    ):
        raise Http404(_("Not found."))
    today = timezone.localdate()
    region = request.GET.get("region", "")
    certs = access.expiring(access.visible_certificates(request.user), today)
    shifts = (
        access.visible_shifts(request.user)
        .filter(
            day__gte=today - dt.timedelta(days=SHORT_BACK_DAYS),
            day__lte=today + dt.timedelta(days=SHIFTS_AHEAD_DAYS),
        )
        .with_certified()
        .short()
        .order_by("-day", "unit_id", "shift")
    )
    if codes.is_code(region):
        certs = certs.filter(codes.code_subtree_filter("holder__unit__region", region))
        shifts = shifts.filter(codes.code_subtree_filter("unit__region", region))
    page = Paginator(certs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "training/certificates/expiring.html",
        {
            "page": page,
            "rows": cert_rows(page, today),
            "shifts": list(shifts[:50]),
            "region": region,
            "days": settings.CERTIFICATE_EXPIRING_DAYS,
            "min_certified": settings.CONTROL_ROOM_MIN_CERTIFIED,
        },
    )
