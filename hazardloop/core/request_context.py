"""Who is asking and from where, for code far from the request (the audit log)."""

import contextvars

_meta: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_meta", default=None)


def set_request_meta(meta: dict | None) -> contextvars.Token:
    return _meta.set(meta)


def reset_request_meta(token: contextvars.Token) -> None:
    _meta.reset(token)


def current_request_meta() -> dict:
    return _meta.get() or {}


def client_ip(request) -> str:
    """The client address. Behind a trusted proxy set TRUSTED_PROXY_COUNT (see operations.md)."""
    from django.conf import settings

    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR", "")
