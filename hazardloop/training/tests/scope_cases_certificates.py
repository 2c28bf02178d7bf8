"""Certificate and fire-control-room pages and API endpoints against the standard cast.

A unit's certificates are read by whoever holds certificate.view over the unit (its own people;
regulators, inspectors and leaders of the region); only its own people write them
(certificate.manage); the "expiring" list is for department roles."""

from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect, scope_expectations
from hazardloop.training.tests.certificates_helpers import certificate, shift, staff

SEE = scope_expectations(duty_officer=HIDE, expert=HIDE, leader=ALLOW)
MANAGE = expect(
    anonymous=LOGIN, admin=ALLOW, province_regulator=DENY, city_regulator=DENY, regulator=DENY,
    inspector=DENY, neighbour_inspector=HIDE, neighbour_regulator=HIDE, duty_officer=HIDE,
    expert=HIDE, leader=DENY, unit_manager=ALLOW, other_unit_manager=HIDE,
)  # fmt: skip
EXPIRING = {**SEE, "unit_manager": HIDE}


def _cert(cast):
    return certificate(staff(cast.unit), days=10)


def _shift(cast):
    return shift(cast.unit, [staff(cast.unit)])


def _staff(cast):
    return staff(cast.unit)


CASES = [
    ScopeCase(
        "certificates of a unit",
        "certificates:unit",
        lambda c, o: f"/certificates/unit/{c.unit.pk}/",
        SEE,
        make=_cert,
        marker=lambda o: f'data-testid="cert-state-{o.pk}"',
    ),
    ScopeCase(
        "add a certificate",
        "certificates:create",
        lambda c, o: f"/certificates/unit/{c.unit.pk}/new/",
        MANAGE,
        marker=lambda o: 'data-testid="certificate-form"',
    ),
    ScopeCase(
        "edit a certificate",
        "certificates:edit",
        lambda c, o: f"/certificates/{o.pk}/edit/",
        MANAGE,
        make=_cert,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "renew a certificate",
        "certificates:renew",
        lambda c, o: f"/certificates/{o.pk}/renew/",
        MANAGE,
        make=_cert,
        marker=lambda o: 'data-testid="certificate-form"',
    ),
    ScopeCase(
        "certificates expiring in my regions",
        "certificates:expiring",
        lambda c, o: "/certificates/expiring/",
        EXPIRING,
        make=_cert,
        is_list=True,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "record a control-room shift",
        "certificates:shift_create",
        lambda c, o: f"/certificates/unit/{c.unit.pk}/control-room/new/",
        MANAGE,
        marker=lambda o: 'data-testid="shift-form"',
    ),
    ScopeCase(
        "correct a control-room shift",
        "certificates:shift_edit",
        lambda c, o: f"/certificates/control-room/{o.pk}/",
        MANAGE,
        make=_shift,
        marker=lambda o: 'data-testid="shift-form"',
    ),
    ScopeCase(
        "certificates API",
        "GET /api/v1/certificates",
        lambda c, o: "/api/v1/certificates?expiring_within=30",
        SEE,
        make=_cert,
        api=True,
        is_list=True,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "record a certificate API",
        "POST /api/v1/certificates",
        lambda c, o: "/api/v1/certificates",
        MANAGE,
        make=_staff,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {
            "holder_id": o.pk,
            "kind": "fire_operator",
            "number": "A-1",
            "expires_on": "2031-01-01",
        },
        marker=lambda o: '"A-1"',
    ),
    ScopeCase(
        "control-room shifts API",
        "GET /api/v1/control-room-shifts",
        lambda c, o: "/api/v1/control-room-shifts?short=true",
        SEE,
        make=_shift,
        api=True,
        is_list=True,
        marker=lambda o: f'"id": {o.pk},',
    ),
    ScopeCase(
        "record a control-room shift API",
        "POST /api/v1/control-room-shifts",
        lambda c, o: "/api/v1/control-room-shifts",
        MANAGE,
        make=_staff,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {
            "unit_id": c.unit.pk,
            "day": "2026-12-01",
            "shift": "night",
            "people": [o.pk],
        },
        marker=lambda o: '"short": true',
    ),
]
