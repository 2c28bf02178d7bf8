"""Test helpers shared by every app: builders, the standard cast, and the shared scope test.

The cast (`Cast`) is the same in every test module: a province and a county regulator, an
inspector of Nanguan district (220102) and one of the neighbouring Kuancheng district
(220103), a read-only duty officer in Nanguan, an expert and a leader of Changchun, the managers
of two units in Nanguan and an administrator.

Every page and API endpoint is registered in a `tests/scope_cases.py` of its app as a
`ScopeCase`; `hazardloop/core/tests/test_scope.py` runs each case against the cast and fails
for any URL that no case covers.
"""

import itertools
import json
import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.test import Client

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.accounts.services import create_api_token
from hazardloop.lib import uscc
from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.loading import DATA, SECTORS, read_rows, upsert_regions
from hazardloop.regions.models import Department, Region, Sector
from hazardloop.units.models import Unit

HOME, NEIGHBOUR, CITY, PROVINCE = "220102", "220103", "220100", "220000"
_counter = itertools.count(1)
_rng = random.Random(7)


# settings.TASKS for a test in which background tasks (e-mail, unit jobs) run at once.
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def ensure_reference_data() -> None:
    """Regions and sectors come from a data migration; transactional tests flush them."""
    if not Region.objects.filter(code=PROVINCE).exists():
        upsert_regions(Region, read_rows(DATA / "jilin-regions.csv"))
    if not Sector.objects.exists():
        for sort, (code, zh, en) in enumerate(SECTORS):
            Sector.objects.create(code=code, name_zh=zh, name_en=en, sort=sort)
    from hazardloop.audit.services import ensure_chains
    from hazardloop.obligations.defaults import seed_default_rules

    # Every chain's head, as the migration leaves them: a flushed database without them would
    # send every writer to chain 1 and to creating the others inside its own transaction.
    ensure_chains()
    seed_default_rules()  # the 61号令 duty rules, also from a data migration


def _label(kind: str, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(DepartmentKind(kind).label)


@contextmanager
def prepared_statements(on: bool):
    """PostgreSQL: the block runs with the hot paths' statements prepared (`on`, the default)
    or not, as `DB_PREPARED_STATEMENTS` sets them (core/prepared.py); nothing elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = 1 if on else None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def held_prepared() -> list[str]:
    """PostgreSQL: the statements this connection holds prepared."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def make_department(region_code: str, kind: str = DepartmentKind.SAFETY_COMMITTEE) -> Department:
    region = Region.objects.get(code=region_code)
    dept, _ = Department.objects.get_or_create(
        region=region,
        kind=kind,
        # Named as a real office is (南关区消防救援大队-like), never after the kind's code.
        defaults={
            "name_zh": f"{region.name_zh}{_label(kind, 'zh-hans')}",
            "name_en": f"{region.name_en} {_label(kind, 'en')}",
        },
    )
    return dept


def make_unit(region_code: str = HOME, sector: str = "catering", **fields) -> Unit:
    n = next(_counter)
    values = {
        "name": f"测试单位{n}号饭店",
        "uscc": uscc.generate(region_code[:6], _rng),
        "region_id": region_code,
        "sector_id": sector,
        "address": f"测试路{n}号",
    }
    values.update(fields)
    return Unit.objects.create(**values)


def make_user(
    username: str | None = None,
    role: str | None = None,
    *,
    region: str = HOME,
    kind: str = DepartmentKind.SAFETY_COMMITTEE,
    unit: Unit | None = None,
    password: str = "correct-horse-battery",
    **fields,
) -> User:
    username = username or f"user{next(_counter)}"
    user = User.objects.create_user(username=username, password=password, **fields)
    if role == Role.ADMIN:
        Membership.objects.create(user=user, role=role, region_id=PROVINCE)
    elif role in (Role.UNIT_MANAGER, Role.UNIT_SAFETY_OFFICER):
        Membership.objects.create(user=user, role=role, unit=unit, region_id=unit.region_id)
    elif role:
        Membership.objects.create(
            user=user, role=role, department=make_department(region, kind), region_id=region
        )
    return user


@dataclass
class Cast:
    admin: User
    province_regulator: User
    city_regulator: User
    regulator: User
    inspector: User
    neighbour_inspector: User
    neighbour_regulator: User
    duty_officer: User
    expert: User
    leader: User
    unit: Unit
    other_unit: Unit
    neighbour_unit: Unit
    unit_manager: User
    other_unit_manager: User
    extra: dict = field(default_factory=dict)


def build_cast() -> Cast:
    ensure_reference_data()
    unit = make_unit(HOME, name="南关测试饺子馆")
    other_unit = make_unit(HOME, name="南关另一家饭店")
    neighbour_unit = make_unit(NEIGHBOUR, name="宽城测试烧烤店")
    return Cast(
        admin=make_user("t-admin", Role.ADMIN, is_superuser=True, is_staff=True),
        province_regulator=make_user("t-prov", Role.REGULATOR, region=PROVINCE),
        city_regulator=make_user("t-city", Role.REGULATOR, region=CITY),
        regulator=make_user("t-reg", Role.REGULATOR, region=HOME, kind=DepartmentKind.EMERGENCY),
        inspector=make_user("t-insp", Role.INSPECTOR, region=HOME, kind=DepartmentKind.FIRE),
        neighbour_inspector=make_user(
            "t-insp-n", Role.INSPECTOR, region=NEIGHBOUR, kind=DepartmentKind.FIRE
        ),
        neighbour_regulator=make_user("t-reg-n", Role.REGULATOR, region=NEIGHBOUR),
        duty_officer=make_user(
            "t-duty", Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY
        ),
        expert=make_user("t-expert", Role.EXPERT, region=CITY, kind=DepartmentKind.EMERGENCY),
        leader=make_user("t-leader", Role.LEADER, region=CITY),
        unit=unit,
        other_unit=other_unit,
        neighbour_unit=neighbour_unit,
        unit_manager=make_user("t-unit", Role.UNIT_MANAGER, unit=unit),
        other_unit_manager=make_user("t-unit-o", Role.UNIT_MANAGER, unit=other_unit),
    )


def web_client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user: User | None) -> Client:
    """A client that sends a fresh bearer token for user on every request."""
    if user is None:
        return Client()
    _token, raw = create_api_token(user, actor=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


# --- the shared scope test -------------------------------------------------------------------

ALLOW, HIDE, DENY, LOGIN, INVALID = "allow", "hide", "deny", "login", "invalid"
# Everyone the shared scope test signs in as, plus the anonymous visitor. Every case states an
# outcome for each of them: a member left out is a failure, never "not checked".
MEMBERS = (
    "anonymous",
    "admin",
    "province_regulator",
    "city_regulator",
    "regulator",
    "inspector",
    "neighbour_inspector",
    "neighbour_regulator",
    "duty_officer",
    "expert",
    "leader",
    "unit_manager",
    "other_unit_manager",
)


@dataclass
class ScopeCase:
    """One endpoint, checked against the cast.

    `covers` names what the case checks, so that an endpoint without a case fails the
    coverage test.
    `url(cast, obj)` builds the URL for an object made by `make(cast)` (a row in Nanguan,
    belonging to cast.unit, or None for endpoints without an object). `expect` maps every member
    of MEMBERS to ALLOW, HIDE (404, or for lists a 200 without the marker), DENY (403), LOGIN
    (302 to login / 401) or INVALID (400/422: the request names something outside the user's
    choices, e.g. a region out of scope).

    ALLOW is never "any 2xx/3xx": a 2xx must show `marker(obj)` (the row, or the page's own
    mark) or pass `check(response, cast, obj)` (files); a 3xx must go to `redirect(cast, obj)`
    (a string, or a compiled pattern for a row the request created) and pass `check` if given
    (a page action redirects back whether it worked or not).
    `api=True` authenticates with a bearer token instead of a session.
    """

    name: str
    covers: str  # the URL name ("app:name") or API operation ("GET /api/v1/...") checked
    url: Callable
    expect: dict
    make: Callable | None = None
    method: str = "get"
    data: Callable | dict | None = None
    api: bool = False
    is_list: bool = False
    marker: Callable | None = None
    content_type: str | None = None
    redirect: Callable | None = None
    check: Callable | None = None


def expect(**outcomes) -> dict:
    """An expectation for every member of the cast, stated one by one (none may be left out)."""
    missing = [m for m in MEMBERS if m not in outcomes]
    unknown = [m for m in outcomes if m not in MEMBERS]
    if missing or unknown:
        raise TypeError(f"state every member: missing {missing}, unknown {unknown}")
    return dict(outcomes)


def everyone(outcome: str, *, anonymous: str = LOGIN) -> dict:
    """The same outcome for every signed-in member (reference data, one's own pages)."""
    return expect(**{m: outcome for m in MEMBERS if m != "anonymous"}, anonymous=anonymous)


def scope_expectations(*, duty_officer: str, expert: str, leader: str, **overrides) -> dict:
    """Expectations for a detail view of an object in Nanguan owned by cast.unit.

    The department roles whose answer differs from view to view (duty officer, expert,
    leader) have no default: each case states them.
    """
    base = {
        "anonymous": LOGIN,
        "admin": ALLOW,
        "province_regulator": ALLOW,
        "city_regulator": ALLOW,
        "regulator": ALLOW,
        "inspector": ALLOW,
        "neighbour_inspector": HIDE,
        "neighbour_regulator": HIDE,
        "unit_manager": ALLOW,
        "other_unit_manager": HIDE,
        "duty_officer": duty_officer,
        "expert": expert,
        "leader": leader,
    }
    base.update(overrides)
    return expect(**base)


def file_of(content_type: str) -> Callable:
    """A `check` for a file download: the type, and a non-empty body."""

    def check(response, cast, obj) -> bool:
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
        return response["Content-Type"].startswith(content_type) and len(body) > 0

    return check


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # The API's renderer writes compact JSON; markers are written in the standard layout
        # (`"id": 5,`), so compare against the same document laid out that way.
        try:
            return json.dumps(json.loads(response.content))
        except ValueError:
            pass
    return response.content.decode(errors="replace")


def _check_allowed(case: ScopeCase, cast: Cast, obj, response, label: str) -> None:
    status = response.status_code
    assert 200 <= status < 400, label
    if status >= 300:
        assert case.redirect, f"{label}: an allowed redirect must name where it goes (redirect=)"
        where, location = case.redirect(cast, obj), response["Location"]
        if hasattr(where, "fullmatch"):
            assert where.fullmatch(location), f"{label}: went to {location}, not {where.pattern}"
        else:
            assert location == where, f"{label}: went to {location}, not {where}"
        if case.check:  # a write that redirects either way: did it happen?
            assert case.check(response, cast, obj), label + " (check failed)"
        return
    assert case.marker or case.check, (
        f"{label}: an allowed answer must be checked (marker= or check=), not just its status"
    )
    if case.check:
        assert case.check(response, cast, obj), label + " (check failed)"
    if case.marker:
        assert case.marker(obj) in _body(response), label + " (row missing)"


def run_scope_case(case: ScopeCase, cast: Cast, member: str, outcome: str) -> None:
    obj = case.make(cast) if case.make else None
    user = None if member == "anonymous" else getattr(cast, member)
    client = api_client(user) if case.api else web_client(user)
    url = case.url(cast, obj)
    kwargs = {}
    if case.data is not None:
        data = case.data(cast, obj) if callable(case.data) else case.data
        kwargs["data"] = data
        if case.content_type:
            kwargs["content_type"] = case.content_type
    response = getattr(client, case.method)(url, **kwargs)
    status = response.status_code
    label = (
        f"{case.name}: {member} expected {outcome}, got {status} for {case.method.upper()} {url}"
    )
    if outcome == ALLOW:
        _check_allowed(case, cast, obj, response, label)
    elif outcome == HIDE:
        if case.is_list and status != 404:  # a list inside a hidden object is hidden too
            assert status == 200, label
            assert case.marker, f"{label}: a list case needs a marker to tell a hidden row"
            assert case.marker(obj) not in _body(response), label + " (row leaked)"
        else:
            assert status == 404, label
    elif outcome == DENY:
        assert status == 403, label
    elif outcome == INVALID:
        assert status in (400, 422), label
    elif outcome == LOGIN:
        assert status in (401, 302), label
        if status == 302:
            assert "/login/" in response["Location"], label
    else:  # pragma: no cover - a typo in a case
        raise AssertionError(f"unknown outcome {outcome}")


def browser_login(page, username: str, password: str = "correct-horse-battery") -> None:
    """Sign in through the real login form (with the `browser_page` / `phone_page` fixtures)."""
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def subprocess_peak_mb(code: str, **env) -> dict:
    """Run `code` (which prints one JSON object with "peak_mb", and anything else it reports,
    on its last line) in a fresh Python with the project's settings; returns that object. The
    memory tests measure a process's peak this way: nothing earlier in the test run counts."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hazardloop.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
