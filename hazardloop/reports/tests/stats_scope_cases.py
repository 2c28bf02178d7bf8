"""Scope cases of the dashboards, the big screen, the scheduling reports and the stats API
(collected by reports/tests/scope_cases.py)."""

import datetime as dt

from hazardloop.regions.models import Region
from hazardloop.reports.scheduling import generate_report
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase

PAGE = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "province_regulator": ALLOW,
    "city_regulator": ALLOW,
    "regulator": ALLOW,
    "inspector": ALLOW,
    "duty_officer": ALLOW,
    "neighbour_regulator": HIDE,
    "neighbour_inspector": HIDE,
    "unit_manager": DENY,
}


def _report(cast):
    return generate_report(Region.objects.get(code="220102"), dt.date(2022, 10, 1))


CASES = [
    ScopeCase("dashboard", "stats:dashboard", lambda c, o: "/stats/?region=220102", PAGE),
    ScopeCase("big screen", "stats:screen", lambda c, o: "/stats/screen/?region=220102", PAGE),
    ScopeCase(
        "report archive",
        "stats:archive",
        lambda c, o: "/stats/reports/",
        {**PAGE, "neighbour_regulator": HIDE},
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
    ),
    ScopeCase(
        "report on demand",
        "stats:generate",
        lambda c, o: "/stats/reports/new/",
        PAGE,
        method="post",
        data={"region": "220102", "day": "2022-10-01", "format": "xlsx"},
    ),
    ScopeCase(
        "stats API",
        "GET /api/v1/stats/regions",
        lambda c, o: "/api/v1/stats/regions?parent=220102",
        PAGE,
        api=True,
    ),
]
