"""Image fixtures for tests (also used by other apps' tests): real encoded photos in memory."""

import io
import struct
import zlib

from PIL import Image


def jpeg_bytes(
    size=(64, 48),
    color="red",
    *,
    taken="2022:09:28 10:15:00",
    gps=(43.88, 125.32),
    comment: str = "",
) -> bytes:
    """A JPEG with EXIF; `comment` makes the bytes distinct (close colours may encode alike)."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if gps:
        lat, lon = gps
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = _dms(lat)
        gps_ifd[3] = "E"
        gps_ifd[4] = _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90, **({"comment": comment} if comment else {}))
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = round((minutes_full - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def encoded(fmt: str, size=(40, 30), color="blue", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def png_bomb(width: int = 12_000, height: int = 12_000) -> bytes:
    """A small (~100 kB) PNG that decodes to width × height pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )
