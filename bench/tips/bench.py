"""Public tips against one county through the HTTP API, on PostgreSQL (not part of the tests).

A real gunicorn serves the app behind a pretend proxy (TRUSTED_PROXY_COUNT=1, each request's
X-Forwarded-For naming its client): `--tips` tips from `--addresses` different addresses about
`--units` units of Nanguan (220102) and, one in ten, from the province page without a unit;
one in five carries a phone photo. At the same time one address keeps sending: it must be
refused (429) after TIP_ADDRESS_LIMIT tips while everyone else goes through — the limit holds
per address, never for the whole site.

    createdb -h 127.0.0.1 -U postgres hl_tips_bench                  # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_tips_bench
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/tips/bench.py --tips 1000 --clients 16 --workers 4

Prints the rate per minute, p50/p95 latency and every status seen; docs/tips.md records the
last run.
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
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from PIL import Image  # noqa: E402

from hazardloop.testing import ensure_reference_data, make_unit  # noqa: E402
from hazardloop.tips.models import Tip  # noqa: E402
from hazardloop.units.models import Unit  # noqa: E402

REGION = "220102"
PREFIX = "bench-tips"
CATEGORIES = ["blocked_exit", "locked_door", "window_bars", "gas_indoors", "equipment_missing"]


def setup(n_units: int) -> list[str]:
    """Units of Nanguan (namespaced, reused); their public ids."""
    ensure_reference_data()
    have = list(Unit.objects.filter(name__startswith=PREFIX).values_list("public_id", flat=True))
    for n in range(len(have), n_units):
        have.append(make_unit(REGION, name=f"{PREFIX}-饭店{n}").public_id)
    return have


def photo(n: int) -> bytes:
    """A distinct 1600×1200 JPEG (a phone photo), new to the database on every run."""
    image = Image.effect_noise((1600, 1200), 40).convert("RGB")
    salt = os.urandom(9)
    for k in range(0, 9, 3):
        image.putpixel((k, 0), tuple(salt[k : k + 3]))
    image.putpixel((n % 1600, 1), (n % 256, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def multipart(fields: dict, files: list[bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for n, data in enumerate(files):
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="p{n}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = HTTPConnection("127.0.0.1", port, timeout=120)

    def send(self, fields: dict, files: list[bytes], address: str) -> tuple[int, bytes]:
        body, ctype = multipart(fields, files)
        headers = {"Content-Type": ctype, "X-Forwarded-For": address}
        for attempt in range(2):
            try:
                self.conn.request("POST", "/api/v1/public/tips", body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, OSError):
                self.conn.close()
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tips", type=int, default=1000)
    parser.add_argument("--addresses", type=int, default=500)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--photo-every", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL (see the module docstring).")
    rng = random.Random(11)
    units = setup(args.units)
    before = Tip.objects.count()
    connection.close()
    run = uuid.uuid4().hex[:6]  # new addresses every run: earlier runs' windows do not count
    per_address = -(-args.tips // args.addresses)
    if per_address > settings.TIP_ADDRESS_LIMIT:
        sys.exit(f"{per_address} tips per address exceed TIP_ADDRESS_LIMIT: add --addresses")
    jobs = []
    for n in range(args.tips):
        fields = {
            "category": rng.choice(CATEGORIES),
            "description": f"基准举报 {n}：安全出口被杂物堵塞，晚上还锁门。",
        }
        if n % 10 == 9:
            fields.update(region=REGION, address=f"南关区基准路 {n} 号")
        else:
            fields["unit"] = units[n % len(units)]
        if n % 3 == 0:
            fields["phone"] = f"139{n:08d}"
        address = f"10.{n % args.addresses // 250}.{n % 250}.{hash(run) % 200 + 1}"
        jobs.append((fields, n % args.photo_every == 0, address))
    print(f"generating {sum(1 for j in jobs if j[1])} photos…", flush=True)
    images = {n: photo(n) for n, job in enumerate(jobs) if job[1]}
    media = tempfile.mkdtemp(prefix="bench-tips-media-")
    env = dict(
        os.environ, MEDIA_ROOT=media, LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="600",
        TRUSTED_PROXY_COUNT="1",
    )  # fmt: skip
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
        times, statuses, problems = [], Counter(), []
        abuser = Counter()
        lock = threading.Lock()
        queue = list(range(len(jobs)))
        stop = threading.Event()

        def worker():
            client = Client(args.port)
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop(0)
                fields, with_photo, address = jobs[n]
                started = time.perf_counter()
                status, raw = client.send(fields, [images[n]] if with_photo else [], address)
                took = time.perf_counter() - started
                with lock:
                    times.append(took)
                    statuses[status] += 1
                    if status != 201:
                        problems.append(f"{status} {raw[:200]!r}")

        def flooder():
            """One address that never stops: refused after the limit, alone."""
            client = Client(args.port)
            while not stop.is_set():
                status, _raw = client.send(
                    {"category": "other", "description": "反复举报", "unit": units[0]},
                    [],
                    f"192.0.2.{hash(run) % 200 + 1}",
                )
                abuser[status] += 1
                time.sleep(0.05)

        Client(args.port).send({"category": "other", "description": "预热", "unit": units[1]},
                               [], f"172.16.0.{hash(run) % 200 + 1}")  # fmt: skip
        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        flood = threading.Thread(target=flooder)
        flood.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        stop.set()
        flood.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = Tip.objects.count() - before
    report = {
        "tips": args.tips,
        "addresses": args.addresses,
        "units": args.units,
        "with_photo": len(images),
        "clients": args.clients,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "per_minute": round(args.tips / elapsed * 60),
        "p50_ms": round(statistics.median(times) * 1000),
        "p95_ms": round(percentile(times, 95) * 1000),
        "statuses": dict(statuses),
        "stored": stored,
        "flooding_address": dict(abuser),
        "address_limit": settings.TIP_ADDRESS_LIMIT,
    }
    print(json.dumps(report, ensure_ascii=False))
    for problem in problems[:10]:
        print("  ", problem)
    ok = statuses.get(201, 0) == args.tips and abuser.get(201, 0) <= settings.TIP_ADDRESS_LIMIT
    sys.exit(0 if ok and abuser.get(429, 0) > 0 else 1)


if __name__ == "__main__":
    main()
