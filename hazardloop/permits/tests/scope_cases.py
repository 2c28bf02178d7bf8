"""Every permit page and API endpoint against the standard cast (hazardloop/testing.py).

Permits are seen by whoever holds permit.view over the unit (authorities by region, the unit's
own people); only the unit's own people apply and act on them (cast.unit_manager); experts
have no part in them."""

import datetime as dt

from django.utils import timezone

from hazardloop.permits.models import HotWorkPermit
from hazardloop.permits.tests.helpers import make_permit, make_site
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect, scope_expectations

SEE = scope_expectations(duty_officer=ALLOW, expert=HIDE, leader=ALLOW)
LIST_PAGE = {**SEE, "expert": DENY}
UNIT_ONLY = expect(
    anonymous=LOGIN, admin=DENY, province_regulator=DENY, city_regulator=DENY, regulator=DENY,
    inspector=DENY, neighbour_inspector=HIDE, neighbour_regulator=HIDE, duty_officer=DENY,
    expert=HIDE, leader=DENY, unit_manager=ALLOW, other_unit_manager=HIDE,
)  # fmt: skip
MEASURES = ["combustibles_cleared", "no_flammable_discharge", "extinguishers", "fire_watch_present"]


def _site(cast):
    welder, watch, _officer = make_site(cast.unit)
    return {"welder": welder, "watch": watch}


def _permit(cast):
    welder, watch, _officer = make_site(cast.unit)
    return make_permit(cast.unit, cast.unit_manager, welder, watch)


def _cancelled(response, cast, obj) -> bool:
    return HotWorkPermit.objects.get(pk=obj.pk).status == "cancelled"


def _new_body(cast, site):
    now = timezone.now()
    return {
        "unit_id": cast.unit.pk,
        "place": "scope-place",
        "reason": "scope",
        "planned_start": (now + dt.timedelta(minutes=5)).isoformat(),
        "planned_end": (now + dt.timedelta(hours=2)).isoformat(),
        "worker_id": site["welder"].pk,
        "fire_watch_id": site["watch"].pk,
        "measures": MEASURES,
        "submit": True,
    }


CASES = [
    ScopeCase(
        "permit list",
        "permits:list",
        lambda c, o: "/permits/?show=all",
        LIST_PAGE,
        make=_permit,
        is_list=True,
        marker=lambda o: f'href="/permits/{o.pk}/"',
    ),
    ScopeCase(
        "permit application form",
        "permits:new",
        lambda c, o: f"/permits/new/?unit={c.unit.pk}",
        UNIT_ONLY,
        marker=lambda o: 'data-testid="permit-form"',
    ),
    ScopeCase(
        "permit page",
        "permits:detail",
        lambda c, o: f"/permits/{o.pk}/",
        SEE,
        make=_permit,
        marker=lambda o: o.place,
    ),
    ScopeCase(
        "permit action (cancel)",
        "permits:act",
        lambda c, o: f"/permits/{o.pk}/act/",
        UNIT_ONLY,
        make=_permit,
        method="post",
        data=lambda c, o: {"do": "cancel", "version": o.version},
        redirect=lambda c, o: f"/permits/{o.pk}/",
        check=_cancelled,
    ),
    ScopeCase(
        "permits API list",
        "GET /api/v1/hot-work-permits",
        lambda c, o: "/api/v1/hot-work-permits?limit=500",
        {**SEE, "expert": HIDE},
        make=_permit,
        api=True,
        is_list=True,
        marker=lambda o: o.place,
    ),
    ScopeCase(
        "permits API create",
        "POST /api/v1/hot-work-permits",
        lambda c, o: "/api/v1/hot-work-permits",
        UNIT_ONLY,
        make=_site,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: _new_body(c, o),
        marker=lambda o: "scope-place",
    ),
    ScopeCase(
        "permit API detail",
        "GET /api/v1/hot-work-permits/{permit_id}",
        lambda c, o: f"/api/v1/hot-work-permits/{o.pk}",
        SEE,
        make=_permit,
        api=True,
        marker=lambda o: o.place,
    ),
    ScopeCase(
        "permit API transition (cancel)",
        "POST /api/v1/hot-work-permits/{permit_id}/transitions",
        lambda c, o: f"/api/v1/hot-work-permits/{o.pk}/transitions",
        UNIT_ONLY,
        make=_permit,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {"action": "cancel", "version": o.version},
        check=_cancelled,
    ),
]
