"""The workbench page, its one-click action and GET /api/v1/me/todo, against the standard cast.

The row each case makes is a rectification of cast.unit submitted for verification: the county
office (and the offices above) list it to verify, the Nanguan inspector to re-check, the unit
among its open hazards; nobody else's workbench shows it.
"""

import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone

from hazardloop.hazards.choices import Status
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.services import order_hazard, start_rectification, submit_rectification
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect, scope_expectations

LISTED = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=HIDE,
    expert=HIDE,
    leader=HIDE,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
# The top bar's search finds a hazard of cast.unit by its title for everyone who may read it
# (the ledger's readers); everyone else gets the page without it.
SEARCH = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)


def _titled(cast):
    return hazard(cast, title="搜索范围测试隐患")


# Ordering in one click: regulators and inspectors over the hazard's region.
ORDER = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=DENY,
    expert=DENY,
    leader=DENY,
    unit_manager=DENY,
    other_unit_manager=HIDE,
)


def _submitted(cast):
    h = hazard(cast, title="工作台待复查隐患")
    order_hazard(h, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=10))
    start_rectification(h, actor=cast.unit_manager)
    after = photo(cast.unit_manager, cast.unit)
    submit_rectification(h, actor=cast.unit_manager, note="已整改", photo_ids=[after.pk])
    h.refresh_from_db()
    return h


def _found(cast):
    return hazard(cast, title="工作台待责令隐患")


def _ordered(response, cast, obj) -> bool:
    return Hazard.objects.get(pk=obj.pk).status == Status.ORDERED


CASES = [
    ScopeCase(
        "the workbench lists a submission to those who act on it",
        "workbench:home",
        lambda c, o: "/",
        LISTED,
        make=_submitted,
        is_list=True,
        marker=lambda o: f'href="/hazards/{o.pk}/"',
    ),
    ScopeCase(
        "one click orders a found hazard",
        "workbench:act",
        lambda c, o: f"/workbench/hazards/{o.pk}/order/",
        ORDER,
        make=_found,
        method="post",
        data=lambda c, o: {"version": o.version},
        redirect=lambda c, o: "/",
        check=_ordered,
    ),
    ScopeCase(
        "API: my to-do lists a submission to those who act on it",
        "GET /api/v1/me/todo",
        lambda c, o: "/api/v1/me/todo",
        LISTED,
        make=_submitted,
        api=True,
        is_list=True,
        marker=lambda o: f'"/hazards/{o.pk}/"',
    ),
    ScopeCase(
        "search: a hazard by its title, in scope only",
        "workbench:search",
        lambda c, o: "/search/?" + urlencode({"q": "搜索范围测试"}),
        SEARCH,
        make=_titled,
        is_list=True,
        marker=lambda o: f'"/hazards/{o.pk}/"',
    ),
]
