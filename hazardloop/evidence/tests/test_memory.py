"""A photo upload cannot take a worker's memory: a 478 KB, 119-megapixel PNG (once ~900 MB per
upload) is refused before its pixels are decoded, and a process checking it stays small."""

import struct
import zlib
from pathlib import Path

from hazardloop.testing import subprocess_peak_mb

MEMORY_BUDGET_MB = 150


def png_bomb(path: Path, width: int = 11_000, height: int = 10_820) -> Path:
    """A transparent RGBA PNG of width × height (4 bytes a pixel decoded): well under 1 MB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\0" * (4 * width + 1)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


DECODE = """
import django, json, resource, zoneinfo
django.setup()
from django.conf import settings
from hazardloop.evidence.imaging import PhotoError, decode
path = {path!r}
code = ""
if path:
    try:
        decode(open(path, "rb").read(), max_pixels=settings.EVIDENCE_MAX_PIXELS, thumb_px=480,
               default_tz=zoneinfo.ZoneInfo("Asia/Shanghai"))
    except PhotoError as error:
        code = error.code
print(json.dumps({{"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "code": code}}))
"""


def _run(path: str) -> dict:
    return subprocess_peak_mb(DECODE.format(path=path))


def test_a_119_megapixel_png_is_refused_within_the_memory_budget(tmp_path):
    path = png_bomb(tmp_path / "bomb.png")
    assert path.stat().st_size < 1024 * 1024
    baseline = _run("")["peak_mb"]
    checked = _run(str(path))
    assert checked["code"] == "too_many_pixels"
    assert checked["peak_mb"] - baseline < MEMORY_BUDGET_MB, (baseline, checked)
