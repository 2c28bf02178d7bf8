"""The door QR code: it encodes the unit's stable public page address."""

import io

import segno
from django.conf import settings
from django.urls import reverse


def public_url(request, unit) -> str:
    path = reverse("units:public", kwargs={"public_id": unit.public_id})
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def qr_bytes(url: str, kind: str) -> bytes:
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=6, border=2, xmldecl=True, svgns=True)
    else:
        code.save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()
