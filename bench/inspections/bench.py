"""Inspection submissions per second through the HTTP API, on PostgreSQL (not part of the tests).

A real gunicorn serves the app on a loopback port; 20 client threads each submit whole
inspections the way the phone does: upload two photos (`POST /api/v1/evidence/photos`), then
`POST /api/v1/inspections` with 30 answers (one failed item, so one hazard is raised) and the
photo ids. One "submission" is those three requests.

    createdb -h 127.0.0.1 -U postgres hazardloop_bench      # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazardloop_bench
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/inspections/bench.py --submissions 400 --clients 20 --workers 4

Prints throughput and p50/p95 latencies; docs/inspections.md records the last run.
"""

import argparse
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from PIL import Image  # noqa: E402

from hazardloop.accounts.choices import Role  # noqa: E402
from hazardloop.accounts.services import create_api_token  # noqa: E402
from hazardloop.checklists.models import ChecklistTemplate  # noqa: E402
from hazardloop.checklists.services import create_template  # noqa: E402
from hazardloop.lib import uscc  # noqa: E402
from hazardloop.testing import ensure_reference_data, make_unit, make_user  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402

REGION = "220102"
PREFIX = "bench-insp"


def setup(n_units: int):
    """Units, an inspector with a token and a 30-item checklist (namespaced, reused)."""
    ensure_reference_data()
    from hazardloop.accounts.models import User

    user = User.objects.filter(username=f"{PREFIX}-inspector").first()
    if user is None:
        user = make_user(f"{PREFIX}-inspector", Role.INSPECTOR, region=REGION)
    units = list(Unit.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True))
    # Codes from the system's randomness: make_unit's own sequence starts again in every
    # process and would repeat a code an earlier run stored.
    rng = random.Random()
    for n in range(len(units), n_units):
        code = uscc.generate(REGION, rng)
        units.append(make_unit(REGION, name=f"{PREFIX}-饭店{n}", uscc=code).pk)
    template = ChecklistTemplate.objects.filter(code=PREFIX, region_code="").first()
    if template is None:
        items = [
            {
                "code": f"Q{n:02d}",
                "section_zh": f"第{n // 10 + 1}部分",
                "text_zh": f"基准检查项{n}",
                "violation_zh": f"基准检查项{n}不合格",
                "legal_basis": "《消防法》第二十八条",
                "category": "evacuation",
                "photo_on_fail": n == 0,
                "answer_type": "photo" if n == 1 else "pass_fail",
                "rule_refs": ["gb35181:7.3.3"] if n == 0 else [],
            }
            for n in range(30)
        ]
        template = create_template(actor=user, code=PREFIX, title_zh="基准测试检查表", items=items)
    version = template.versions.get(is_current=True)
    _token, raw = create_api_token(user, actor=user, name="bench")
    return raw, units, version.pk


def photos(count: int, rng: random.Random) -> list[bytes]:
    """Distinct ~1600×1200 JPEGs (a phone photo after the camera's own compression).

    A per-run salt in the first pixels makes the bytes new to the database on every run, so
    each upload is decoded (bytes stored before are not decoded again)."""
    base = Image.effect_noise((1600, 1200), 40).convert("RGB")
    salt = os.urandom(12)
    out = []
    for n in range(count):
        image = base.copy()
        for k in range(0, 12, 3):
            image.putpixel((k, 0), tuple(salt[k : k + 3]))
        image.putpixel((n % 1600, 1 + (n // 1600) % 1199), (rng.randrange(256), n % 256, 0))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def small_photo(actor, unit, seed: int) -> int:
    """Store a distinct 64×48 JPEG for `unit` as `actor`; its id. For benchmarks that time
    what comes after the upload (bench/hazards/bench.py writers, open_hazards.py): the
    photos are stored before the clock starts, and small ones decode fast."""
    from hazardloop.evidence.services import store_photo

    image = Image.new("RGB", (64, 48), (seed % 256, (seed // 256) % 256, 90))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=80)
    data.seek(0)
    data.name = "p.jpg"
    return store_photo(data, actor=actor, region_code=unit.region_id, unit_id=unit.pk).pk


def multipart(fields: dict, file_bytes: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + file_bytes
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn = HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body, content_type):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": content_type}
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, OSError):
                self.conn.close()
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def inspection_payload(unit_id: int, version_id: int, photo_ids: list[int]) -> dict:
    """What the phone posts: 30 answers (Q00 failed with a photo), two signatures."""
    answers = [{"code": "Q00", "result": "fail", "photo_ids": [photo_ids[0]], "note": "出口上锁"}]
    answers.append({"code": "Q01", "photo_ids": [photo_ids[1]]})
    answers += [{"code": f"Q{n:02d}", "result": "pass"} for n in range(2, 30)]
    return {
        "client_id": str(uuid.uuid4()),
        "unit_id": unit_id,
        "template_version_id": version_id,
        "mode": "routine",
        "device_time": "2026-01-10T10:00:00+08:00",
        "latitude": 43.88,
        "longitude": 125.32,
        "team": [{"name": "基准", "role": "cadre"}],
        "answers": answers,
        "signatures": [
            {"role": "inspector", "name": "基准", "photo_id": photo_ids[1]},
            {"role": "unit", "name": "店主", "refused": True, "witness_name": "网格员"},
        ],
    }


def submit_one(
    client: Client, unit_id: int, version_id: int, images: list[bytes]
) -> tuple[float, float]:
    started = time.perf_counter()
    ids = []
    for data in images:
        body, ctype = multipart({"unit_id": unit_id}, data)
        status, raw = client.request("POST", "/api/v1/evidence/photos", body, ctype)
        if status != 201:
            raise RuntimeError(f"photo upload: {status} {raw[:300]!r}")
        ids.append(json.loads(raw)["id"])
    payload = inspection_payload(unit_id, version_id, ids)
    post_started = time.perf_counter()
    status, raw = client.request(
        "POST", "/api/v1/inspections", json.dumps(payload).encode(), "application/json"
    )
    if status != 201:
        raise RuntimeError(f"submit: {status} {raw[:500]!r}")
    done = time.perf_counter()
    return done - started, done - post_started


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--units", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL (see the module docstring).")
    rng = random.Random(7)
    token, units, version_id = setup(args.units)
    connection.close()
    print(f"generating {2 * args.submissions} photos…", flush=True)
    images = photos(2 * args.submissions, rng)
    media = tempfile.mkdtemp(prefix="bench-insp-media-")
    env = dict(os.environ, MEDIA_ROOT=media, LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="600")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"), "hazardloop.wsgi:application",
            "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
            "--log-level", "warning", "--timeout", "120",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        totals, posts, errors = [], [], []
        lock = threading.Lock()
        queue = list(range(args.submissions))

        def worker():
            client = Client(args.port, token)
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop()
                try:
                    total, post = submit_one(
                        client, rng.choice(units), version_id, images[2 * n : 2 * n + 2]
                    )
                except Exception as exc:  # report and go on
                    with lock:
                        errors.append(str(exc))
                    continue
                with lock:
                    totals.append(total)
                    posts.append(post)

        # warm up each worker process
        warm = Client(args.port, token)
        submit_one(warm, units[0], version_id, photos(2, random.Random(99)))
        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ok = len(totals)
    print(f"submissions: {ok} ok, {len(errors)} failed, in {elapsed:.1f} s")
    if errors:
        print("first error:", errors[0])
    print(f"throughput: {ok / elapsed:.1f} submissions/s ({3 * ok / elapsed:.1f} requests/s)")
    print(
        f"whole submission (2 uploads + POST): p50 {1000 * statistics.median(totals):.0f} ms, "
        f"p95 {1000 * percentile(totals, 95):.0f} ms"
    )
    print(
        f"POST /api/v1/inspections alone:       p50 {1000 * statistics.median(posts):.0f} ms, "
        f"p95 {1000 * percentile(posts, 95):.0f} ms"
    )
    print(f"clients {args.clients}, gunicorn workers {args.workers}, cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
