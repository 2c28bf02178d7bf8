"""Every tip page and API endpoint against the standard cast (hazardloop/testing.py).

A tip about cast.unit (Nanguan) is seen by the department roles over Nanguan holding
`tip.view` and answered by its regulators; the unit's own manager gets 404 everywhere, like
anyone outside the scope."""

import itertools
import json

from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, everyone, expect
from hazardloop.tips.choices import TipStatus
from hazardloop.tips.models import Tip
from hazardloop.tips.services import receive_tip

_addresses = itertools.count(1)


def _tip(cast) -> Tip:
    n = next(_addresses)
    return receive_tip(
        unit=cast.unit,
        category="blocked_exit",
        description=f"后门被纸箱堵住，范围测试{n}",
        client_address=f"198.51.100.{n % 250}",
    )


PUBLIC_PAGE = everyone(ALLOW, anonymous=ALLOW)
SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=ALLOW,
    expert=HIDE,
    leader=ALLOW,
    unit_manager=HIDE,
    other_unit_manager=HIDE,
)
TRIAGE = {**SEE, "inspector": DENY, "duty_officer": DENY, "leader": DENY}


def _dismissed(response, cast, obj) -> bool:
    obj.refresh_from_db()
    return obj.status == TipStatus.DISMISSED


CASES = [
    ScopeCase(
        "tip form of a unit (public)",
        "tips:unit_tip",
        lambda c, o: f"/u/{c.unit.public_id}/tip/",
        PUBLIC_PAGE,
        marker=lambda o: 'name="category"',
    ),
    ScopeCase(
        "province tip page (public)",
        "tips:new",
        lambda c, o: "/report/",
        PUBLIC_PAGE,
        marker=lambda o: 'name="region"',
    ),
    ScopeCase(
        "tip tracking form (public)",
        "tips:track",
        lambda c, o: "/report/track/",
        PUBLIC_PAGE,
        marker=lambda o: 'name="code"',
    ),
    ScopeCase(
        "tip tracking page (public, by code)",
        "tips:tracked",
        lambda c, o: f"/report/track/{o.tracking_code}/",
        PUBLIC_PAGE,
        make=_tip,
        marker=lambda o: o.tracking_code,
    ),
    ScopeCase(
        "tip queue",
        "tips:list",
        lambda c, o: "/tips/?status=received",
        SEE,
        make=_tip,
        is_list=True,
        marker=lambda o: f'href="/tips/{o.pk}/"',
    ),
    ScopeCase(
        "tip page",
        "tips:detail",
        lambda c, o: f"/tips/{o.pk}/",
        SEE,
        make=_tip,
        marker=lambda o: o.description,
    ),
    ScopeCase(
        "tip triage (dismiss)",
        "tips:triage",
        lambda c, o: f"/tips/{o.pk}/triage/",
        TRIAGE,
        make=_tip,
        method="post",
        data={"outcome": "dismiss", "version": 0, "reason": "Checked: the exit is clear."},
        redirect=lambda c, o: f"/tips/{o.pk}/",
        check=_dismissed,
    ),
    ScopeCase(
        "tips API list",
        "GET /api/v1/tips",
        lambda c, o: "/api/v1/tips?status=received&limit=500",
        SEE,
        make=_tip,
        api=True,
        is_list=True,
        marker=lambda o: json.dumps(o.description)[1:-1],
    ),
    ScopeCase(
        "tips API triage (dismiss)",
        "POST /api/v1/tips/{tip_id}/triage",
        lambda c, o: f"/api/v1/tips/{o.pk}/triage",
        TRIAGE,
        make=_tip,
        method="post",
        api=True,
        content_type="application/json",
        data={"outcome": "dismiss", "version": 0, "reason": "Checked: the exit is clear."},
        check=_dismissed,
    ),
]
