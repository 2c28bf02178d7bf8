"""Every duty page and API endpoint against the cast.

The roster is the Nanguan emergency bureau's (the county regulator's and the duty officer's
department). Reading is `duty.view` (regulators, inspectors, leaders, duty officers of Nanguan
and above); keeping the roster is `duty.manage` (regulators of Nanguan and above); checking in,
writing the handover and asking for a swap are for the person on the shift alone.
"""

import datetime as dt
import json
import re

from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.duty import jobs, services
from hazardloop.duty.models import HeightenedPeriod, LeaderDay
from hazardloop.duty.tests.helpers import roster
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    HOME,
    ScopeCase,
    everyone,
    file_of,
    make_department,
    make_user,
    scope_expectations,
)

PHONE = "0431-88880000"

# Reading the roster: duty.view over Nanguan. Experts and a unit's people have no part in duty.
SEE = scope_expectations(
    duty_officer=ALLOW, expert=HIDE, leader=ALLOW, unit_manager=HIDE, other_unit_manager=HIDE
)
# Keeping it: regulators of Nanguan and above; the others who read it are refused.
MANAGE = {**SEE, "inspector": DENY, "duty_officer": DENY, "leader": DENY}
# The person on the shift (the duty officer) alone; the others who see the shift are refused.
OWN = {**MANAGE, "admin": DENY, "province_regulator": DENY, "city_regulator": DENY,
       "regulator": DENY, "duty_officer": ALLOW}  # fmt: skip
# Lists and pages without a row: 403 for those who may read no duty at all.
LIST = {**SEE, "expert": DENY, "unit_manager": DENY, "other_unit_manager": DENY}
# Who is on duty for Nanguan: its readers (a neighbour county may not ask).
NOW = LIST
# Creating (a roster for a Nanguan department, a period for Nanguan).
CREATE = {**MANAGE, "expert": DENY, "unit_manager": DENY, "other_unit_manager": DENY}
CREATE_API = {**MANAGE}


def _roster(cast):
    return roster(cast, phone=PHONE)


def _now():
    return timezone.now().replace(microsecond=0)


def _current_shift(cast):
    """A shift covering now with the duty officer on it."""
    r = _roster(cast)
    now = _now()
    return services.add_shift(
        r,
        actor=cast.regulator,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
        officers=[(cast.duty_officer, None)],
    )


def _colleague():
    return make_user(role=Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)


def _handed_over(cast):
    """The previous shift (a colleague's) wrote its handover; the duty officer is on the next.
    Returns the previous shift."""
    r = _roster(cast)
    now = _now()
    colleague = _colleague()
    previous = services.add_shift(
        r,
        actor=cast.regulator,
        starts_at=now - dt.timedelta(hours=9),
        ends_at=now - dt.timedelta(hours=1),
        officers=[(colleague, None)],
    )
    services.add_shift(
        r,
        actor=cast.regulator,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
        officers=[(cast.duty_officer, None)],
    )
    services.write_handover(
        previous, actor=colleague, note="一切正常", now=now - dt.timedelta(hours=1, minutes=5)
    )
    return previous


def _swap(cast):
    shift = _current_shift(cast)
    return services.request_swap(shift, actor=cast.duty_officer, replacement=_colleague())


def _export(cast):
    export = jobs.start_export(_roster(cast), dt.date(2026, 12, 1), actor=cast.regulator)
    jobs.run_roster_export_once(export.pk)
    export.refresh_from_db()
    return export


def _period(cast):
    _roster(cast)
    return services.create_period(
        actor=cast.regulator,
        region_code=HOME,
        name="National Day week",
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 10, 7),
        min_officers=2,
    )


def _checked_in(response, cast, shift) -> bool:
    return shift.assignments.filter(user=cast.duty_officer, checked_in_at__isnull=False).exists()


def _has_handover(response, cast, shift) -> bool:
    return hasattr(type(shift).objects.get(pk=shift.pk), "handover")


def _confirmed(response, cast, shift) -> bool:
    shift.handover.refresh_from_db()
    return shift.handover.confirmed_by_id == cast.duty_officer.pk


def _swapped(response, cast, shift) -> bool:
    return shift.assignments.get().swaps.exists()


def _decided(response, cast, swap) -> bool:
    swap.refresh_from_db()
    return swap.status == "approved"


def _people_set(response, cast, shift) -> bool:
    return shift.assignments.filter(user=cast.regulator).exists()


def _api(method, path, expect_, make, *, data=None, marker=None, **kw):
    body = (lambda c, o: json.dumps(data(c, o))) if callable(data) else (
        json.dumps(data) if data is not None else None
    )  # fmt: skip
    return ScopeCase(
        f"api {method} {path}",
        f"{method} /api/v1/duty{path}",
        lambda c, o: "/api/v1/duty" + path.format(id=o.pk if o is not None else 0),
        expect_,
        make=make,
        method=method.lower(),
        data=body,
        content_type="application/json" if body is not None else None,
        api=True,
        marker=marker,
        **kw,
    )


CASES = [
    # --- pages -------------------------------------------------------------------------------
    ScopeCase(
        "duty rosters",
        "duty:index",
        lambda c, o: "/duty/",
        LIST,
        make=_roster,
        is_list=True,
        marker=lambda o: f"/duty/rosters/{o.pk}/",
    ),
    ScopeCase(
        "who is on duty now",
        "duty:now",
        lambda c, o: f"/duty/now/?region={HOME}",
        NOW,
        make=_current_shift,
        marker=lambda o: PHONE,
    ),
    ScopeCase(
        "my duty",
        "duty:mine",
        lambda c, o: "/duty/mine/",
        everyone(ALLOW),
        marker=lambda o: 'data-testid="my-shifts"',
    ),
    ScopeCase(
        "new roster",
        "duty:roster_new",
        lambda c, o: "/duty/rosters/new/",
        # Any regulator (of their own region's departments); readers without it are refused.
        {**CREATE, "neighbour_regulator": ALLOW, "neighbour_inspector": DENY},
        marker=lambda o: 'data-testid="roster-form"',
    ),
    ScopeCase(
        "roster month",
        "duty:roster",
        lambda c, o: f"/duty/rosters/{o.pk}/",
        SEE,
        make=_roster,
        marker=lambda o: PHONE,
    ),
    ScopeCase(
        "roster settings",
        "duty:roster_settings",
        lambda c, o: f"/duty/rosters/{o.pk}/settings/",
        MANAGE,
        make=_roster,
        marker=lambda o: PHONE,
    ),
    ScopeCase(
        "lay out a month",
        "duty:fill",
        lambda c, o: f"/duty/rosters/{o.pk}/fill/",
        MANAGE,
        make=_roster,
        method="post",
        data={"month": "2026-12"},
        redirect=lambda c, o: f"/duty/rosters/{o.pk}/?month=2026-12",
        check=lambda r, c, o: o.shifts.count() == 31,
    ),
    ScopeCase(
        "leader on duty",
        "duty:leader",
        lambda c, o: f"/duty/rosters/{o.pk}/leader/",
        MANAGE,
        make=_roster,
        method="post",
        data=lambda c, o: {"day": "2026-12-05", "user": c.regulator.pk},
        redirect=lambda c, o: f"/duty/rosters/{o.pk}/?month=2026-12",
        check=lambda r, c, o: LeaderDay.objects.filter(roster=o, user=c.regulator).exists(),
    ),
    ScopeCase(
        "roster export",
        "duty:export",
        lambda c, o: f"/duty/rosters/{o.pk}/export/",
        MANAGE,
        make=_roster,
        method="post",
        data={"month": "2026-12"},
        redirect=lambda c, o: re.compile(r"/duty/exports/\d+/"),
    ),
    ScopeCase(
        "roster export page",
        "duty:export_job",
        lambda c, o: f"/duty/exports/{o.pk}/",
        {**everyone(HIDE), "regulator": ALLOW},
        make=_export,
        marker=lambda o: 'data-testid="export-status"',
    ),
    ScopeCase(
        "roster export download",
        "duty:export_download",
        lambda c, o: f"/duty/exports/{o.pk}/download/",
        {**everyone(HIDE), "regulator": ALLOW},
        make=_export,
        check=file_of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ),
    ScopeCase(
        "shift page",
        "duty:shift",
        lambda c, o: f"/duty/shifts/{o.pk}/",
        SEE,
        make=_current_shift,
        marker=lambda o: (
            f'data-testid="shift-title">{timezone.localtime(o.starts_at):%Y-%m-%d %H:%M}'
        ),
    ),
    ScopeCase(
        "people on a shift",
        "duty:shift_people",
        lambda c, o: f"/duty/shifts/{o.pk}/people/",
        MANAGE,
        make=_current_shift,
        method="post",
        data=lambda c, o: {"officer": [c.duty_officer.pk, c.regulator.pk]},
        redirect=lambda c, o: f"/duty/shifts/{o.pk}/",
        check=_people_set,
    ),
    ScopeCase(
        "check in",
        "duty:check_in",
        lambda c, o: f"/duty/shifts/{o.pk}/check-in/",
        OWN,
        make=_current_shift,
        method="post",
        redirect=lambda c, o: f"/duty/shifts/{o.pk}/",
        check=_checked_in,
    ),
    ScopeCase(
        "write the handover",
        "duty:handover",
        lambda c, o: f"/duty/shifts/{o.pk}/handover/",
        OWN,
        make=_current_shift,
        method="post",
        data={"note": "化工园区报警一次，已核实。"},
        redirect=lambda c, o: f"/duty/shifts/{o.pk}/",
        check=_has_handover,
    ),
    ScopeCase(
        "confirm the handover",
        "duty:handover_confirm",
        lambda c, o: f"/duty/shifts/{o.pk}/handover/confirm/",
        OWN,
        make=_handed_over,
        method="post",
        redirect=lambda c, o: re.compile(r"/duty/shifts/\d+/"),
        check=_confirmed,
    ),
    ScopeCase(
        "ask for a swap",
        "duty:swap",
        lambda c, o: f"/duty/shifts/{o.pk}/swap/",
        OWN,
        make=_current_shift,
        method="post",
        data=lambda c, o: {"replacement": _colleague().pk, "reason": "家中有事"},
        redirect=lambda c, o: f"/duty/shifts/{o.pk}/",
        check=_swapped,
    ),
    ScopeCase(
        "decide a swap",
        "duty:swap_decide",
        lambda c, o: f"/duty/swaps/{o.pk}/decide/",
        MANAGE,
        make=_swap,
        method="post",
        data={"decision": "approve"},
        redirect=lambda c, o: f"/duty/shifts/{o.assignment.shift_id}/",
        check=_decided,
    ),
    ScopeCase(
        "heightened-duty period",
        "duty:period_new",
        lambda c, o: "/duty/periods/new/",
        CREATE,
        make=_roster,
        method="post",
        data={
            "region": HOME,
            "name": "国庆假期",
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-07",
            "min_officers": "2",
        },
        redirect=lambda c, o: "/duty/",
        check=lambda r, c, o: HeightenedPeriod.objects.filter(name="国庆假期").exists(),
    ),
    # --- API ---------------------------------------------------------------------------------
    _api(
        "GET",
        "/rosters",
        LIST,
        _roster,
        is_list=True,
        marker=lambda o: PHONE,
    ),
    _api(
        "POST",
        "/rosters",
        {**CREATE_API},
        _roster,
        data=lambda c, o: {
            "department_id": make_department(HOME, DepartmentKind.FIRE).pk,
            "shift_starts": ["08:00", "20:00"],
            "duty_phone": "0431-119",
        },
        marker=lambda o: "0431-119",
    ),
    _api("GET", "/rosters/{id}", SEE, _roster, marker=lambda o: PHONE),
    _api(
        "PATCH",
        "/rosters/{id}",
        MANAGE,
        _roster,
        data={"duty_phone": "0431-12345"},
        marker=lambda o: "0431-12345",
    ),
    _api(
        "POST",
        "/rosters/{id}/fill",
        MANAGE,
        _roster,
        data={"month": "2026-12-01"},
        marker=lambda o: '"created": 31',
    ),
    _api(
        "GET",
        "/rosters/{id}/check?month=2026-12-01",
        SEE,
        _roster,
        marker=lambda o: "gap",
    ),
    _api(
        "POST",
        "/rosters/{id}/leaders",
        MANAGE,
        _roster,
        data=lambda c, o: {"day": "2026-12-05", "user_id": c.regulator.pk},
        marker=lambda o: "2026-12-05",
    ),
    _api(
        "GET",
        "/rosters/{id}/shifts",
        SEE,
        lambda c: _current_shift(c).roster,
        marker=lambda o: '"officers"',
    ),
    _api(
        "POST",
        "/rosters/{id}/shifts",
        MANAGE,
        _roster,
        data=lambda c, o: {
            "starts_at": "2026-12-05T08:00:00+08:00",
            "ends_at": "2026-12-06T08:00:00+08:00",
            "officers": [{"user_id": c.duty_officer.pk}],
        },
        marker=lambda o: "2026-12-05",
    ),
    _api("GET", "/shifts/{id}", SEE, _current_shift, marker=lambda o: f'"id": {o.pk}'),
    _api(
        "PATCH",
        "/shifts/{id}",
        MANAGE,
        _current_shift,
        data={"note": "Patrol twice"},
        marker=lambda o: "Patrol twice",
    ),
    _api("POST", "/shifts/{id}/check-in", OWN, _current_shift, marker=lambda o: "checked_in_at"),
    _api(
        "POST",
        "/shifts/{id}/handover",
        OWN,
        _current_shift,
        data={"note": "All quiet"},
        marker=lambda o: "All quiet",
    ),
    _api(
        "POST",
        "/shifts/{id}/handover/confirm",
        OWN,
        _handed_over,
        marker=lambda o: "confirmed_at",
    ),
    _api(
        "POST",
        "/shifts/{id}/swaps",
        OWN,
        _current_shift,
        data=lambda c, o: {"replacement_id": _colleague().pk, "reason": "家中有事"},
        marker=lambda o: "pending",
    ),
    _api(
        "POST",
        "/swaps/{id}/decision",
        MANAGE,
        _swap,
        data={"approve": True},
        marker=lambda o: "approved",
    ),
    _api("GET", "/periods", LIST, _period, is_list=True, marker=lambda o: "National Day week"),
    _api(
        "POST",
        "/periods",
        CREATE_API,
        _roster,
        data={
            "region_code": HOME,
            "name": "Spring Festival",
            "starts_on": "2027-02-10",
            "ends_on": "2027-02-17",
            "min_officers": 2,
        },
        marker=lambda o: "Spring Festival",
    ),
    _api(
        "GET",
        f"/now?region_code={HOME}",
        NOW,
        _current_shift,
        marker=lambda o: PHONE,
    ),
]

# `covers` names the operation as OpenAPI spells it (path parameters by name, no query).
_NAMES = {
    "/rosters/{id}": "/rosters/{roster_id}",
    "/rosters/{id}/fill": "/rosters/{roster_id}/fill",
    "/rosters/{id}/check?month=2026-12-01": "/rosters/{roster_id}/check",
    "/rosters/{id}/leaders": "/rosters/{roster_id}/leaders",
    "/rosters/{id}/shifts": "/rosters/{roster_id}/shifts",
    "/shifts/{id}": "/shifts/{shift_id}",
    "/shifts/{id}/check-in": "/shifts/{shift_id}/check-in",
    "/shifts/{id}/handover": "/shifts/{shift_id}/handover",
    "/shifts/{id}/handover/confirm": "/shifts/{shift_id}/handover/confirm",
    "/shifts/{id}/swaps": "/shifts/{shift_id}/swaps",
    "/swaps/{id}/decision": "/swaps/{swap_id}/decision",
    f"/now?region_code={HOME}": "/now",
}
for _case in CASES:
    if _case.api:
        method, _sep, path = _case.covers.partition(" /api/v1/duty")
        _case.covers = f"{method} /api/v1/duty{_NAMES.get(path, path)}"
