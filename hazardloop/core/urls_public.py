"""Absolute addresses printed on paper (door QR codes, document verification codes)."""

from django.conf import settings


def printed_url(request, path: str) -> str:
    """PUBLIC_BASE_URL + path when set (what the public can reach), else the request's address."""
    base = settings.PUBLIC_BASE_URL
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)
