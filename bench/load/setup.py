"""The people and files of the load test's campaign day (bench/load/locustfile.py).

    createdb -h 127.0.0.1 -U postgres hl_load_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_load_bench .venv/bin/python manage.py migrate
    .venv/bin/python bench/province.py --hazards 100000 --db hl_load_bench
    .venv/bin/python bench/load/setup.py --db hl_load_bench [--out /tmp/hl-load]

Creates, through the services a province's administrator uses (`create_person`, the person's
own `change_password`, `create_api_token`), the accounts of one campaign day and writes what
the simulated users need to `--out`/people.json (never committed: it holds tokens and session
keys):

- inspectors (default 70) at the counties, one county each (round robin over the counties
  that have regulators), who inspect that county's units with a 30-item checklist;
- unit managers (60) of the units with the most hazards waiting for them (ordered or
  rectifying) in those counties, who start and submit rectifications;
- regulators (40), one county each (so no two order or verify the same hazard), who order the
  found hazards and verify the submitted ones;
- leaders (27): the province, each prefecture and some counties, on the dashboards (pages,
  signed in: a session made for them here as the sign-in form would);
- one province regulator who exports the whole ledger and one who imports units.

Also writes the import files (`import-N.xlsx`, fresh units each, `--import-rows` rows) and one
phone photo (`photo.jpg`, 1600×1200, ≈ 1 MB; the locustfile makes each upload's bytes new).
Running it again adds nothing twice: existing accounts get new tokens and sessions.
"""

import argparse
import importlib.util
import io
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--db", default="hl_load_bench")
parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "hl-load"))
parser.add_argument("--inspectors", type=int, default=70)
parser.add_argument("--units", type=int, default=60)
parser.add_argument("--regulators", type=int, default=40)
parser.add_argument("--leaders", type=int, default=28)
parser.add_argument("--imports", type=int, default=16, help="import files to write")
parser.add_argument("--import-rows", type=int, default=2000)
ARGS = parser.parse_args()

os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{ARGS.db}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
# The sessions made here must outlive the wait for a quiet machine (the server then keeps
# its own idle limit: every request saves the session again).
os.environ.setdefault("SESSION_IDLE_MINUTES", "1440")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.models import Membership, User  # noqa: E402
from hazardloop.accounts.people import Grant  # noqa: E402
from hazardloop.accounts.people_services import PersonData, create_person  # noqa: E402
from hazardloop.accounts.services import change_password, create_api_token  # noqa: E402
from hazardloop.checklists.models import ChecklistTemplate  # noqa: E402
from hazardloop.checklists.services import create_template  # noqa: E402
from hazardloop.hazards.models import Hazard  # noqa: E402
from hazardloop.regions.models import Department, Region  # noqa: E402
from hazardloop.testing import ensure_reference_data  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402

PREFIX = "load"
# The accounts sign in with their tokens and sessions only; nobody needs the password.
PASSWORD = secrets.token_urlsafe(24)


def admin() -> User:
    """The installation's first administrator (as `manage.py create_admin` makes one)."""
    user, created = User.objects.get_or_create(
        username=f"{PREFIX}-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.create(user=user, role=Role.ADMIN, region_id="220000")
    return user


def person(username: str, grant: Grant, actor: User) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user, _temporary = create_person(
            PersonData(username, name=username, password=PASSWORD, grants=[grant]), actor=actor
        )
        # The person signs in and chooses a password (clears must_change_password).
        change_password(user, actor=user, new_password=PASSWORD)
    return user


def dept_grant(role: str, code: str) -> Grant:
    region = Region.objects.get(code=code)
    return Grant(role, region=region, department=Department.objects.filter(region=region).first())


def credentials(user: User) -> dict:
    _token, raw = create_api_token(user, actor=user, name="load-bench")
    client = Client()
    client.force_login(user)  # the session the sign-in form would start
    return {
        "username": user.username,
        "token": raw,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def checklist(actor: User) -> int:
    template = ChecklistTemplate.objects.filter(code=f"{PREFIX}-routine", region_code="").first()
    if template is None:
        items = [
            {
                "code": f"Q{n:02d}",
                "section_zh": f"第{n // 10 + 1}部分",
                "text_zh": f"检查项{n}",
                "violation_zh": f"检查项{n}不合格",
                "legal_basis": "《消防法》第二十八条",
                "category": "evacuation",
                "photo_on_fail": n == 0,
                "answer_type": "photo" if n == 1 else "pass_fail",
                "rule_refs": ["gb35181:7.3.3"] if n == 0 else [],
            }
            for n in range(30)
        ]
        template = create_template(
            actor=actor, code=f"{PREFIX}-routine", title_zh="消防安全检查表（压测）", items=items
        )
    return template.versions.get(is_current=True).pk


def photo(path: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((1600, 1200), 40).convert("RGB").save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())


def import_files(out: Path, count: int, rows: int) -> list[str]:
    """Fresh units per file (the units benchmark's generator, seeds far from its own)."""
    spec = importlib.util.spec_from_file_location("units_bench", ROOT / "bench/units/bench.py")
    saved = sys.argv
    sys.argv = [saved[0]]
    try:
        units_bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(units_bench)
    finally:
        sys.argv = saved
    names = []
    for n in range(count):
        path = out / f"import-{n}.xlsx"
        if not path.exists():
            units_bench.write_import_file(path, rows, seed=9_000_000 + n * 100_000)
        names.append(str(path))
    return names


def main() -> None:
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    ensure_reference_data()
    root = admin()
    version = checklist(root)

    waiting = Q(hazards__status__in=["ordered", "rectifying"])
    counties = list(
        Region.objects.filter(level__in=["county", "zone"])
        .order_by("code")
        .values_list("code", flat=True)[: ARGS.regulators]
    )
    people: dict[str, list] = {k: [] for k in ("inspector", "unit", "regulator", "leader")}

    for i, code in enumerate(counties):
        user = person(f"{PREFIX}-reg-{i:03d}", dept_grant(Role.REGULATOR, code), root)
        people["regulator"].append({**credentials(user), "region": code})

    units_by_county = {}
    for code in counties:
        units_by_county[code] = list(
            Unit.objects.filter(region__code__startswith=code[:6])
            .order_by("id")
            .values_list("id", flat=True)[:200]
        )
    for i in range(ARGS.inspectors):
        code = counties[i % len(counties)]
        user = person(f"{PREFIX}-insp-{i:03d}", dept_grant(Role.INSPECTOR, code), root)
        people["inspector"].append(
            {**credentials(user), "region": code, "units": units_by_county[code]}
        )

    busiest = list(
        Unit.objects.filter(region__code__regex=r"^(" + "|".join(c[:6] for c in counties) + ")")
        .annotate(n=Count("hazards", filter=waiting))
        .order_by("-n", "id")
        .values_list("id", "n")[: ARGS.units]
    )
    for i, (unit_id, _n) in enumerate(busiest):
        unit = Unit.objects.get(pk=unit_id)
        user = person(f"{PREFIX}-unit-{i:03d}", Grant(Role.UNIT_MANAGER, unit=unit), root)
        people["unit"].append({**credentials(user), "unit": unit_id})

    prefectures = list(
        Region.objects.filter(level="prefecture").order_by("code").values_list("code", flat=True)
    )
    leader_regions = ["220000", *prefectures]
    leader_regions += counties[: max(0, ARGS.leaders - len(leader_regions))]
    for i, code in enumerate(leader_regions[: ARGS.leaders]):
        user = person(f"{PREFIX}-lead-{i:03d}", dept_grant(Role.LEADER, code), root)
        people["leader"].append({**credentials(user), "region": code})

    exporter = person(f"{PREFIX}-export", dept_grant(Role.REGULATOR, "220000"), root)
    importer = person(f"{PREFIX}-import", dept_grant(Role.REGULATOR, "220000"), root)
    photo(out / "photo.jpg")
    data = {
        "template_version": version,
        "people": people,
        "exporter": credentials(exporter),
        "importer": credentials(importer),
        "import_files": import_files(out, ARGS.imports, ARGS.import_rows),
        "photo": str(out / "photo.jpg"),
    }
    (out / "people.json").write_text(json.dumps(data))
    hazards = Hazard.objects.filter(unit_id__in=[u for u, _n in busiest])
    print(
        f"{len(people['inspector'])} inspectors, {len(people['unit'])} units "
        f"({hazards.filter(status='ordered').count()} ordered, "
        f"{hazards.filter(status='rectifying').count()} rectifying), "
        f"{len(people['regulator'])} regulators, {len(people['leader'])} leaders, "
        f"1 exporter, 1 importer → {out / 'people.json'}"
    )


if __name__ == "__main__":
    main()
