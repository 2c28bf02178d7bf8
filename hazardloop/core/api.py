"""API plumbing every app's api.py uses: the error type and shape, and list pagination.

The NinjaAPI itself, its authentication and its exception handlers live in hazardloop/api
(the rightmost package, which mounts every app's router).
"""

from ninja.pagination import LimitOffsetPagination


class ApiError(Exception):
    """Raised by endpoints for a refusal with a stable code and a translated message."""

    def __init__(self, status: int, code: str, detail: str, errors: list | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []


def error_body(detail: str, code: str, errors: list | None = None) -> dict:
    """The one error shape: {"detail": str, "code": str, "errors": [...]}."""
    return {"detail": str(detail), "code": code, "errors": errors or []}


class Pagination(LimitOffsetPagination):
    """Lists shaped {"items": [...], "count": N} with limit/offset; a `limit` above the maximum
    (500, or `@paginate(Pagination, max_limit=...)`) gives the maximum."""

    def __init__(self, max_limit: int = 500, **kwargs):
        # Ninja's own __init__ sets max_limit from its setting (unbounded by default), which would
        # shadow a class attribute: the maximum is passed on here instead.
        super().__init__(max_limit=max_limit, **kwargs)
