"""One submission at a time, in process: time and query count of each step (not part of the tests).

Uses the same data as bench.py (units, inspector, 30-item checklist) and Django's test client
against the PostgreSQL database, so no server or network is involved: the figures are the
server's own work per request.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hazardloop_bench
    .venv/bin/python bench/inspections/alone.py --submissions 30
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import bench
from hazardloop.evidence.imaging import decode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL (see bench.py).")
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-insp-alone-")
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(11)
    token, units, version_id = bench.setup(20)
    images = bench.photos(2 * args.submissions + 2, rng)
    print(f"photo size: {sum(map(len, images)) / len(images) / 1e6:.2f} MB (1600×1200 JPEG)")
    import zoneinfo

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    decodes = []
    for data in images[:20]:
        started = time.perf_counter()
        decode(data, max_pixels=settings.EVIDENCE_MAX_PIXELS, thumb_px=settings.EVIDENCE_THUMB_PX,
               default_tz=tz)  # fmt: skip
        decodes.append(time.perf_counter() - started)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    uploads, posts, upload_q, post_q = [], [], [], []
    for n in range(args.submissions + 1):
        unit_id = units[n % len(units)]
        ids = []
        for data in images[2 * n : 2 * n + 2]:
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("p.jpg", data, content_type="image/jpeg")
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/evidence/photos", {"unit_id": unit_id, "file": upload}
                )
                took = time.perf_counter() - started
            assert response.status_code == 201, response.content[:300]
            ids.append(response.json()["id"])
            if n:  # the first round warms up
                uploads.append(took)
                upload_q.append(len(ctx.captured_queries))
        payload = bench.inspection_payload(unit_id, version_id, ids)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/inspections", json.dumps(payload), content_type="application/json"
            )
            took = time.perf_counter() - started
        assert response.status_code == 201, response.content[:500]
        if n:
            posts.append(took)
            post_q.append(len(ctx.captured_queries))
    ms = lambda values: f"p50 {1000 * statistics.median(values):.0f} ms"  # noqa: E731
    print(f"decode (validate + EXIF + thumbnail) of one photo: {ms(decodes)}")
    print(f"POST /api/v1/evidence/photos: {ms(uploads)}, {max(upload_q)} queries")
    print(f"POST /api/v1/inspections (30 answers, 1 hazard): {ms(posts)}, {max(post_q)} queries")
    whole = [2 * statistics.median(uploads) + statistics.median(posts)]
    print(f"whole submission (2 uploads + POST): {1000 * whole[0]:.0f} ms")


if __name__ == "__main__":
    main()
