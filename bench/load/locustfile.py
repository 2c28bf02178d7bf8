"""A campaign day on one server: 200 people at once (docs/performance.md, "Many users at once").

    locust -f bench/load/locustfile.py --headless -u 200 -r 5 -t 4m --host http://127.0.0.1:8000

Reads the accounts and files `bench/load/setup.py` wrote (`HL_LOAD_DIR`, default /tmp/hl-load).
Each kind of person does what the app's own clients do, through the API where the phone app
and the pages' scripts use it and through the pages where people read:

- inspector (70): the list of their inspections, two photos uploaded, one 30-item inspection
  submitted (one failed item with its photo: a hazard is raised), then the next unit;
- unit (60): their unit's open hazards, one opened; an ordered one started, a rectifying one
  submitted with an after-photo;
- regulator (40): the county's submitted hazards, one verified; the found ones, one ordered;
- leader (28): the workbench, the dashboard (default period, then the year) and the
  statistics API, signed in with a session;
- exporter (1): the whole province's ledger exported (.xlsx, a job the worker writes), its page
  polled every second as the page does, the file downloaded, again;
- importer (1): a 2,000-unit spreadsheet checked (dry run), then committed, polled, the next.

Think times are compressed (an inspection takes 20 minutes on site, here 20–40 s): the run
offers several times a real day's peak, to find what gives first. Every request that does not
answer as the client expects counts as a failure (the target is none).
"""

import itertools
import json
import os
import random
import re
import struct
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

# HL_LOAD_PACE=3: every think time a third as long (three times the offered load).
PACE = float(os.environ.get("HL_LOAD_PACE") or 1)
DIR = Path(os.environ.get("HL_LOAD_DIR") or Path(tempfile.gettempdir()) / "hl-load")
DATA = json.loads((DIR / "people.json").read_text())
PHOTO = Path(DATA["photo"]).read_bytes()
POOLS = {kind: itertools.cycle(rows) for kind, rows in DATA["people"].items()}
CST = timezone(timedelta(hours=8))
PLAN = {
    part: "按要求落实"
    for part in (
        "targets_and_tasks", "methods_and_measures", "funds_and_materials",
        "organisation_and_people", "time_limit_and_requirements", "safety_and_contingency",
    )
}  # fmt: skip
YEAR = f"from={datetime.now(CST).year}-01-01&to={datetime.now(CST):%Y-%m-%d}"


def fresh_photo() -> bytes:
    """The photo with a JPEG comment of random bytes after SOI: new bytes (so the server stores
    and decodes it, as a new photo), the same picture."""
    salt = os.urandom(16)
    return PHOTO[:2] + b"\xff\xfe" + struct.pack(">H", len(salt) + 2) + salt + PHOTO[2:]


def multipart(fields: dict, name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def cookie(name: str, value: str, host: str):
    from http.cookiejar import Cookie

    return Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None,
        None, {},
    )  # fmt: skip


class Person(FastHttpUser):
    abstract = True
    kind = ""
    # One connection per simulated person, kept alive, as a phone or a browser tab.
    connection_timeout = 60.0
    network_timeout = 120.0

    def on_start(self):
        self.me = next(POOLS[self.kind]) if self.kind in POOLS else DATA[self.kind]
        self.api_headers = {"Authorization": f"Bearer {self.me['token']}"}

    def api(self, method, path, name, expect=(200,), **kwargs):
        headers = {**self.api_headers, **kwargs.pop("headers", {})}
        with self.client.request(
            method, "/api/v1" + path, name=name, headers=headers, catch_response=True, **kwargs
        ) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return None
            return response.json() if response.text else {}

    def upload_photo(self, unit_id: int) -> int | None:
        body, ctype = multipart({"unit_id": unit_id}, "photo.jpg", fresh_photo(), "image/jpeg")
        out = self.api(
            "POST",
            "/evidence/photos",
            "photo: upload",
            expect=(201,),
            data=body,
            headers={"Content-Type": ctype},
        )
        return out["id"] if out else None

    def step(self, hazard: dict, action: str, **fields) -> dict | None:
        return self.api(
            "POST",
            f"/hazards/{hazard['id']}/transitions",
            f"hazard: {action}",
            json={"action": action, "version": hazard["version"], **fields},
        )


class Inspector(Person):
    kind = "inspector"
    fixed_count = 70
    wait_time = between(20 / PACE, 40 / PACE)

    @task
    def inspect(self):
        self.api("GET", "/inspections?limit=20", "inspections: list (own)")
        unit_id = random.choice(self.me["units"])
        ids = [self.upload_photo(unit_id) for _ in range(2)]
        if None in ids:
            return
        answers = [{"code": "Q00", "result": "fail", "photo_ids": [ids[0]], "note": "出口上锁"}]
        answers.append({"code": "Q01", "photo_ids": [ids[1]]})
        answers += [{"code": f"Q{n:02d}", "result": "pass"} for n in range(2, 30)]
        payload = {
            "client_id": str(uuid.uuid4()),
            "unit_id": unit_id,
            "template_version_id": DATA["template_version"],
            "mode": "routine",
            "device_time": datetime.now(CST).isoformat(timespec="seconds"),
            "latitude": 43.88,
            "longitude": 125.32,
            "team": [{"name": "检查员", "role": "cadre"}],
            "answers": answers,
            "signatures": [
                {"role": "inspector", "name": "检查员", "photo_id": ids[1]},
                {"role": "unit", "name": "店主", "refused": True, "witness_name": "网格员"},
            ],
        }
        self.api("POST", "/inspections", "inspection: submit", expect=(201,), json=payload)


class UnitStaff(Person):
    kind = "unit"
    fixed_count = 60
    wait_time = between(15 / PACE, 45 / PACE)

    @task
    def rectify(self):
        unit = self.me["unit"]
        page = self.api("GET", f"/hazards?unit={unit}&status=open&limit=20", "hazards: list (unit)")
        if not page:
            return
        waiting = [h for h in page["items"] if h["status"] in ("ordered", "rectifying")]
        if not waiting:
            return
        hazard = self.api(
            "GET", f"/hazards/{random.choice(waiting)['id']}", "hazard: detail (unit)"
        )
        if not hazard:
            return
        if hazard["status"] == "ordered":
            if hazard["grade"] == "major":  # a major hazard starts with its six-part plan
                hazard = self.step(hazard, "plan", parts=PLAN)
            if hazard:
                self.step(hazard, "start")
        else:
            photo = self.upload_photo(unit)
            if photo is not None:
                self.step(hazard, "submit", note="已整改，恢复疏散通道畅通", photo_ids=[photo])


class Regulator(Person):
    kind = "regulator"
    fixed_count = 40
    wait_time = between(15 / PACE, 45 / PACE)

    def pick(self, status: str) -> dict | None:
        region = self.me["region"]
        page = self.api(
            "GET", f"/hazards?region={region}&status={status}&limit=20", f"hazards: list ({status})"
        )
        if not page or not page["items"]:
            return None
        return self.api(
            "GET", f"/hazards/{random.choice(page['items'])['id']}", "hazard: detail (regulator)"
        )

    @task
    def verify(self):
        hazard = self.pick("submitted")
        if hazard:
            team = [{"name": "复查员甲"}, {"name": "复查员乙"}]  # at least two
            self.step(hazard, "verify", reason="现场复查合格", team=team)

    @task
    def order(self):
        hazard = self.pick("found")
        if hazard:
            due = (datetime.now(CST) + timedelta(days=7)).isoformat(timespec="seconds")
            self.step(hazard, "order", due_at=due, measures="立即清理疏散通道")


class SignedIn(Person):
    """A person in a browser: the session cookie the sign-in form would have set."""

    abstract = True

    def on_start(self):
        super().on_start()
        host = self.host.split("://", 1)[1].split(":")[0]
        self.client.cookiejar.set_cookie(cookie("sessionid", self.me["session"], host))

    def page(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/login" in (response.url or ""):
                response.failure(f"{response.status_code} {response.url}")


class Leader(SignedIn):
    kind = "leader"
    fixed_count = 28
    wait_time = between(10 / PACE, 30 / PACE)

    @task
    def dashboards(self):
        self.page("/", "page: workbench")
        self.page("/stats/", "page: /stats/ (default period)")
        self.page(f"/stats/?{YEAR}", "page: /stats/ (year)")
        self.api("GET", f"/stats/regions?{YEAR}", "api: stats/regions (year)")


class Exporter(SignedIn):
    kind = "exporter"
    fixed_count = 1
    wait_time = constant(20)

    @task
    def export(self):
        self.page("/hazards/", "page: ledger (exporter)")
        csrf = self.client.cookiejar._cookies  # the csrftoken the page set
        token = next(
            c.value
            for domain in csrf.values()
            for path in domain.values()
            for c in path.values()
            if c.name == "csrftoken"
        )
        with self.client.post(
            "/hazards/export/",
            name="export: start",
            data=f"format=xlsx&csrfmiddlewaretoken={token}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            catch_response=True,
        ) as response:
            match = re.search(r"/hazards/exports/(\d+)/", response.url or "")
            if response.status_code != 200 or not match:
                response.failure(f"{response.status_code} {response.url}")
                return
        job = match.group(1)
        started = time.monotonic()
        status = ""
        while time.monotonic() - started < 180:
            time.sleep(1)
            response = self.client.get(
                f"/hazards/exports/{job}/", name="export: poll", headers={"HX-Request": "true"}
            )
            status = re.search(r'data-status="(\w+)"', response.text or "")
            status = status.group(1) if status else ""
            if status not in ("queued", "running"):
                break
        elapsed = time.monotonic() - started
        ok = status == "done"
        events.request.fire(
            request_type="JOB",
            name="export: whole ledger, start to file",
            response_time=elapsed * 1000,
            response_length=0,
            exception=None if ok else RuntimeError(f"export ended {status!r}"),
            context={},
        )
        if ok:
            self.client.get(f"/hazards/exports/{job}/download/", name="export: download")


class Importer(Person):
    kind = "importer"
    fixed_count = 1
    wait_time = constant(10)
    files = iter(DATA["import_files"])

    def poll(self, job: dict, until: tuple[str, ...]) -> dict:
        while job["state"] not in until:
            time.sleep(1)
            job = self.api("GET", f"/units/imports/{job['id']}", "import: poll") or job
        return job

    def job_event(self, name, started, ok, detail=""):
        events.request.fire(
            request_type="JOB",
            name=name,
            response_time=(time.monotonic() - started) * 1000,
            response_length=0,
            exception=None if ok else RuntimeError(detail),
            context={},
        )

    @task
    def import_units(self):
        path = next(self.files, None)
        if path is None:
            time.sleep(60)
            return
        body, ctype = multipart(
            {"dry_run": "true"},
            Path(path).name,
            Path(path).read_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        started = time.monotonic()
        job = self.api(
            "POST",
            "/units/import",
            "import: upload (dry run)",
            expect=(202,),
            data=body,
            headers={"Content-Type": ctype},
        )
        if not job:
            return
        job = self.poll(job, ("checked", "failed"))
        checked = job["state"] == "checked" and not job["counts"]["errors"]
        self.job_event("import: 2,000 units checked", started, checked, str(job)[:300])
        if not checked:
            return
        started = time.monotonic()
        job = self.api(
            "POST", f"/units/imports/{job['id']}/commit", "import: commit", expect=(202,)
        )
        if job:
            job = self.poll(job, ("committed", "failed"))
            ok = job["state"] == "committed"
            self.job_event("import: 2,000 units committed", started, ok, str(job)[:300])
