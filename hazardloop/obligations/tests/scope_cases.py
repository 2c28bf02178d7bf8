"""Every duty page and API endpoint against the standard cast (hazardloop/testing.py).

A unit's duty calendar is seen by whoever sees the unit (obligation.view); only its own staff
patrol; only province-level holders of obligation.rules set a region's rule; the lapsed list is
for department roles."""

from django.utils import timezone

from hazardloop.checklists.services import load_builtin_templates
from hazardloop.obligations.models import UnitDutyCount
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect, scope_expectations

SEE = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
PATROL = expect(
    anonymous=LOGIN, admin=DENY, province_regulator=DENY, city_regulator=DENY, regulator=DENY,
    inspector=DENY, neighbour_inspector=HIDE, neighbour_regulator=HIDE, duty_officer=DENY,
    expert=DENY, leader=DENY, unit_manager=ALLOW, other_unit_manager=HIDE,
)  # fmt: skip
RULES = expect(
    anonymous=LOGIN, admin=ALLOW, province_regulator=ALLOW, city_regulator=DENY, regulator=DENY,
    inspector=DENY, neighbour_inspector=HIDE, neighbour_regulator=HIDE, duty_officer=DENY,
    expert=DENY, leader=DENY, unit_manager=DENY, other_unit_manager=HIDE,
)  # fmt: skip
LAPSED = {**SEE, "unit_manager": HIDE}
# The opening hours: unit.edit (the unit's manager, regulators of the region).
HOURS = expect(
    anonymous=LOGIN, admin=ALLOW, province_regulator=ALLOW, city_regulator=ALLOW, regulator=ALLOW,
    inspector=DENY, neighbour_inspector=HIDE, neighbour_regulator=HIDE, duty_officer=DENY,
    expert=DENY, leader=DENY, unit_manager=ALLOW, other_unit_manager=HIDE,
)  # fmt: skip


def _templates(cast):
    load_builtin_templates()


def _count(cast):
    return UnitDutyCount.objects.create(
        unit=cast.unit, region_code=cast.unit.region_id, sector_id=cast.unit.sector_id,
        lapsed=3, lapsed_patrols=2, lapsed_other=1, computed_at=timezone.now(),
    )  # fmt: skip


CASES = [
    ScopeCase(
        "duties of a unit today",
        "obligations:unit",
        lambda c, o: f"/duties/unit/{c.unit.pk}/",
        SEE,
        marker=lambda o: 'data-testid="duty-rows"',
    ),
    ScopeCase(
        "patrol form",
        "obligations:patrol",
        lambda c, o: f"/duties/unit/{c.unit.pk}/patrol/",
        PATROL,
        make=_templates,
        marker=lambda o: 'data-testid="patrol-form"',
    ),
    ScopeCase(
        "opening hours form",
        "obligations:hours",
        lambda c, o: f"/duties/unit/{c.unit.pk}/hours/",
        HOURS,
        marker=lambda o: 'data-testid="hours-form"',
    ),
    ScopeCase(
        "units with lapsed duties",
        "obligations:lapsed",
        lambda c, o: "/duties/lapsed/",
        LAPSED,
        make=_count,
        is_list=True,
        marker=lambda o: f'href="/duties/unit/{o.unit_id}/"',
    ),
    ScopeCase(
        "duty calendar API",
        "GET /api/v1/units/{unit_id}/duties",
        lambda c, o: f"/api/v1/units/{c.unit.pk}/duties",
        SEE,
        api=True,
        marker=lambda o: '"duties"',
    ),
    ScopeCase(
        "duty rule override API",
        "POST /api/v1/units/{unit_id}/duties",
        lambda c, o: f"/api/v1/units/{c.unit.pk}/duties",
        RULES,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {
            "kind": "drill",
            "applies_to": "all",
            "region": c.unit.region_id,
            "every": 12,
            "every_unit": "month",
        },
        marker=lambda o: '"duties"',
    ),
    ScopeCase(
        "patrol API",
        "POST /api/v1/patrols",
        lambda c, o: "/api/v1/patrols",
        PATROL,
        make=_templates,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {"unit_id": c.unit.pk},
        marker=lambda o: '"inspection_id"',
    ),
]
