"""The door QR code: it encodes the unit's stable public page address."""

import io

import segno
from django.urls import reverse

from hazardloop.core.urls_public import printed_url


def public_url(request, unit) -> str:
    return printed_url(request, reverse("units:public", kwargs={"public_id": unit.public_id}))


def qr_bytes(url: str, kind: str) -> bytes:
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=6, border=2, xmldecl=True, svgns=True)
    else:
        code.save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()
