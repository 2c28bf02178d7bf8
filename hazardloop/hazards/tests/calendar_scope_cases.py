"""Holiday calendars, deadline policies and a hazard's clock, against the standard cast.

Read: every department role (`region.view` anywhere) — administrators, regulators at every
level, inspectors, experts, leaders and duty officers, also of other counties: calendars and
deadline policies are province-wide configuration, not a region's data. Units' own people are
refused (403). Change: the province level only (administrator, provincial regulator); every other
department role is refused (403). A hazard's clock follows the hazard (`hazard.view` scope).
"""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from hazardloop.hazards.models import DeadlinePolicy, HolidayYear
from hazardloop.hazards.tests.helpers import ensure_rules, hazard
from hazardloop.testing import ALLOW, DENY, LOGIN, ScopeCase, expect, scope_expectations

READ = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=ALLOW,
    neighbour_regulator=ALLOW,
    duty_officer=ALLOW,
    expert=ALLOW,
    leader=ALLOW,
    unit_manager=DENY,
    other_unit_manager=DENY,
)
EDIT = {
    **READ,
    "city_regulator": DENY,
    "regulator": DENY,
    "inspector": DENY,
    "neighbour_inspector": DENY,
    "neighbour_regulator": DENY,
    "duty_officer": DENY,
    "expert": DENY,
    "leader": DENY,
}
CLOCK = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)

YEAR_2027 = {
    "name": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
    "source": "test",
    "holidays": ["2027-01-01/2027-01-03", "2027-02-06/2027-02-12"],
    "workdays": ["2027-02-13"],
}


def _calendar(cast):
    ensure_rules()
    return HolidayYear.objects.get(year=2026)


def _policy(cast):
    return DeadlinePolicy.objects.create(
        region_prefix="22", grade="general", days=10, working_days=True, note="测试规则"
    )


def _year_form(cast, obj):
    return {
        "name": YEAR_2027["name"],
        "source": "test",
        "holidays": "\n".join(YEAR_2027["holidays"]),
        "workdays": "2027-02-13",
    }


def _upload(cast, obj):
    body = json.dumps({"year": 2027, **YEAR_2027}).encode()
    return {"file": SimpleUploadedFile("cn-2027.json", body, content_type="application/json")}


def _loaded_2027(response, cast, obj) -> bool:
    return HolidayYear.objects.filter(year=2027).exists()


def _policy_form(cast, obj):
    return {"region_prefix": "2201", "grade": "major", "days": "30", "working_days": "on"}


def _policy_saved(response, cast, obj) -> bool:
    return DeadlinePolicy.objects.filter(region_prefix="2201", grade="major", days=30).exists()


def _policy_deleted(response, cast, obj) -> bool:
    return not DeadlinePolicy.objects.filter(pk=obj.pk).exists()


def _policy_json(cast, obj):
    return json.dumps({"region_prefix": "2201", "grade": "major", "days": 30})


CALENDAR_CASES = [
    ScopeCase(
        "calendars and deadline policies",
        "hazards:calendars",
        lambda c, o: "/deadlines/",
        READ,
        make=_calendar,
        marker=lambda o: 'data-testid="calendar-table"',
    ),
    ScopeCase(
        "one year's calendar",
        "hazards:calendar_year",
        lambda c, o: f"/deadlines/calendars/{o.year}/",
        READ,
        make=_calendar,
        marker=lambda o: "2026-10-01/2026-10-07",
    ),
    ScopeCase(
        "save a year's calendar",
        "hazards:calendar_year",
        lambda c, o: "/deadlines/calendars/2027/",
        EDIT,
        method="post",
        data=_year_form,
        redirect=lambda c, o: "/deadlines/",
        check=_loaded_2027,
    ),
    ScopeCase(
        "upload a calendar file",
        "hazards:calendar_upload",
        lambda c, o: "/deadlines/calendars/upload/",
        EDIT,
        method="post",
        data=_upload,
        redirect=lambda c, o: "/deadlines/",
        check=_loaded_2027,
    ),
    ScopeCase(
        "new deadline policy form",
        "hazards:policy_new",
        lambda c, o: "/deadlines/policies/new/",
        EDIT,
        marker=lambda o: 'data-testid="policy-form"',
    ),
    ScopeCase(
        "create a deadline policy",
        "hazards:policy_new",
        lambda c, o: "/deadlines/policies/new/",
        EDIT,
        method="post",
        data=_policy_form,
        redirect=lambda c, o: "/deadlines/",
        check=_policy_saved,
    ),
    ScopeCase(
        "one deadline policy",
        "hazards:policy_edit",
        lambda c, o: f"/deadlines/policies/{o.pk}/",
        READ,
        make=_policy,
        marker=lambda o: 'href="/deadlines/"',
    ),
    ScopeCase(
        "change a deadline policy",
        "hazards:policy_edit",
        lambda c, o: f"/deadlines/policies/{o.pk}/",
        EDIT,
        make=_policy,
        method="post",
        data=_policy_form,
        redirect=lambda c, o: "/deadlines/",
        check=_policy_saved,
    ),
    ScopeCase(
        "delete a deadline policy",
        "hazards:policy_delete",
        lambda c, o: f"/deadlines/policies/{o.pk}/delete/",
        EDIT,
        make=_policy,
        method="post",
        data={},
        redirect=lambda c, o: "/deadlines/",
        check=_policy_deleted,
    ),
    ScopeCase(
        "API: calendars loaded and missing",
        "GET /api/v1/calendars",
        lambda c, o: "/api/v1/calendars",
        READ,
        make=_calendar,
        api=True,
        check=lambda r, c, o: 2026 in [y["year"] for y in r.json()["years"]],
    ),
    ScopeCase(
        "API: one year's calendar",
        "GET /api/v1/calendars/{year}",
        lambda c, o: "/api/v1/calendars/2026",
        READ,
        make=_calendar,
        api=True,
        check=lambda r, c, o: "2026-10-01/2026-10-07" in r.json()["holidays"],
    ),
    ScopeCase(
        "API: save a year's calendar",
        "PUT /api/v1/calendars/{year}",
        lambda c, o: "/api/v1/calendars/2027",
        EDIT,
        method="put",
        api=True,
        data=lambda c, o: json.dumps(YEAR_2027),
        content_type="application/json",
        check=lambda r, c, o: r.status_code == 201 and _loaded_2027(r, c, o),
    ),
    ScopeCase(
        "API: deadline policies",
        "GET /api/v1/deadline-policies",
        lambda c, o: "/api/v1/deadline-policies",
        READ,
        make=_policy,
        api=True,
        check=lambda r, c, o: [p["id"] for p in r.json()] == [o.pk],
    ),
    ScopeCase(
        "API: create a deadline policy",
        "POST /api/v1/deadline-policies",
        lambda c, o: "/api/v1/deadline-policies",
        EDIT,
        method="post",
        api=True,
        data=_policy_json,
        content_type="application/json",
        check=lambda r, c, o: r.status_code == 201 and _policy_saved(r, c, o),
    ),
    ScopeCase(
        "API: one deadline policy",
        "GET /api/v1/deadline-policies/{policy_id}",
        lambda c, o: f"/api/v1/deadline-policies/{o.pk}",
        READ,
        make=_policy,
        api=True,
        check=lambda r, c, o: r.json()["id"] == o.pk,
    ),
    ScopeCase(
        "API: change a deadline policy",
        "PUT /api/v1/deadline-policies/{policy_id}",
        lambda c, o: f"/api/v1/deadline-policies/{o.pk}",
        EDIT,
        make=_policy,
        method="put",
        api=True,
        data=_policy_json,
        content_type="application/json",
        check=_policy_saved,
    ),
    ScopeCase(
        "API: delete a deadline policy",
        "DELETE /api/v1/deadline-policies/{policy_id}",
        lambda c, o: f"/api/v1/deadline-policies/{o.pk}",
        EDIT,
        make=_policy,
        method="delete",
        api=True,
        check=lambda r, c, o: r.status_code == 204 and _policy_deleted(r, c, o),
    ),
    ScopeCase(
        "API: a hazard's clock",
        "GET /api/v1/hazards/{hazard_id}/clock",
        lambda c, o: f"/api/v1/hazards/{o.pk}/clock",
        CLOCK,
        make=lambda c: hazard(c),
        api=True,
        check=lambda r, c, o: r.json()["hazard_id"] == o.pk and r.json()["clock"] == "order",
    ),
]
