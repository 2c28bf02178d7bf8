"""Scope cases of the dashboards, the big screen, the scheduling reports and the stats API
(collected by reports/tests/scope_cases.py)."""

import datetime as dt
import re

from hazardloop.regions.models import Region
from hazardloop.reports.scheduling import generate_report
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, expect, file_of

# Figures of Nanguan: every department role of Changchun or Nanguan; units have no dashboard.
PAGE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=ALLOW,
    expert=ALLOW,
    leader=ALLOW,
    unit_manager=DENY,
    other_unit_manager=DENY,
)


def _report(cast):
    return generate_report(Region.objects.get(code="220102"), dt.date(2022, 10, 1))


CASES = [
    ScopeCase(
        "dashboard",
        "stats:dashboard",
        lambda c, o: "/stats/?region=220102",
        PAGE,
        marker=lambda o: "南关区",
    ),
    ScopeCase(
        "big screen",
        "stats:screen",
        lambda c, o: "/stats/screen/?region=220102",
        PAGE,
        marker=lambda o: "南关区",
    ),
    ScopeCase(
        "report archive",
        "stats:archive",
        lambda c, o: "/stats/reports/",
        PAGE,
        make=_report,
        is_list=True,
        marker=lambda o: o.title,
    ),
    ScopeCase(
        "report file",
        "stats:report_file",
        lambda c, o: f"/stats/reports/{o.pk}/pdf/",
        PAGE,
        make=_report,
        check=file_of("application/pdf"),
    ),
    ScopeCase(
        "report on demand",
        "stats:generate",
        lambda c, o: "/stats/reports/new/",
        PAGE,
        method="post",
        data={"region": "220102", "day": "2022-10-01", "format": "xlsx"},
        redirect=lambda c, o: re.compile(r"/stats/reports/\d+/xlsx/"),
    ),
    ScopeCase(
        "stats API",
        "GET /api/v1/stats/regions",
        lambda c, o: "/api/v1/stats/regions?parent=220102",
        PAGE,
        api=True,
        marker=lambda o: '"code": "220102"',
    ),
]
