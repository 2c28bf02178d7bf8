"""API plumbing every app's api.py uses: the error type and shape, and list pagination.

The NinjaAPI itself, its authentication and its exception handlers live in hazardloop/api
(the rightmost package, which mounts every app's router).
"""

import datetime as dt
import re
from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, model_validator

# The largest value a database id can hold (a signed 64-bit integer); the API's id fields and
# offsets say so in their schema, so a bigger number is a 422, never an overflow in the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A 32-bit count or version (PositiveIntegerField holds up to this).
MAX_INT = 2**31 - 1
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Version = Annotated[int, Field(ge=0, le=MAX_INT)]
# Free text stored without a column limit (notes, reasons, descriptions) still has one here.
TEXT_MAX = 5000


def Text(max_length: int = TEXT_MAX):
    """A string of at most `max_length` characters (the column's own limit where it has one).

    Every text field of an API input uses it (api/tests/test_openapi.py checks), so an
    over-long string is a 422 stated in the schema, never a database error.
    """
    return Annotated[str, Field(max_length=max_length)]


Code = Text(64)  # a code from a fixed list (sector, grade, action, …): checked by the endpoint
Codes = Annotated[list[Code], Field(max_length=200)]
RegionCode = Annotated[str, Field(max_length=12)]
Percent = Annotated[int, Field(ge=0, le=100)]


class ErrorItem(Schema):
    field: str
    message: str
    type: str


class Error(Schema):
    """The one error body (see error_body); endpoints name it for their own error codes."""

    detail: str
    code: str
    errors: list[ErrorItem]


def _in_utc(value: dt.datetime) -> dt.datetime:
    """A time with its offset applied: the database never sees an offset it cannot store."""
    try:
        value = value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None
    if not 1900 <= value.year <= 2999:
        raise ValueError("the time is out of range")
    return value


def _written(kind: str, pattern: str):
    """Only the written form: pydantic would otherwise read a number as seconds since 1970."""
    form = re.compile(pattern)

    def check(value):
        if isinstance(value, str) and not form.match(value):
            raise ValueError(f"give the {kind} as written in ISO 8601")
        if isinstance(value, int | float | bool):
            raise ValueError(f"give the {kind} as written in ISO 8601")
        return value

    return BeforeValidator(check)


# A date and time with its time zone, e.g. "2026-12-04T08:00:00+08:00".
When = Annotated[
    AwareDatetime,
    _written("date and time", r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"),
    AfterValidator(_in_utc),
]
# A calendar day, e.g. "2026-12-04".
Day = Annotated[dt.date, _written("date", r"^\d{4}-\d{2}-\d{2}$")]


def _flag(value):
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("give true or false")


# A yes/no form field: "true" or "false" only (pydantic would also read "0", "off", "y", …).
FormBool = Annotated[bool, BeforeValidator(_flag)]


class ObjectIn(Schema):
    """An input body that must be a JSON object (ninja's Schema would read any value's missing
    attributes as defaults, so a body of `[null]` would pass where every field is optional)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        sent = getattr(data, "_obj", data)  # ninja wraps what was sent in its DjangoGetter
        if isinstance(sent, list | str | int | float | bool) or sent is None:
            raise ValueError("the body must be a JSON object")
        return data


# No list is longer than this; an offset beyond it is refused rather than sent to the database.
MAX_OFFSET = 10**9
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


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
    (MAX_PAGE_SIZE, or `@paginate(Pagination, max_limit=...)`) gives the maximum."""

    class Input(Schema):
        limit: int = Field(
            PAGE_SIZE,
            ge=1,
            le=MAX_INT,
            description="rows per page; above the list's maximum "
            "(500 unless the operation says less) the maximum is given",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, max_limit: int = MAX_PAGE_SIZE, **kwargs):
        # Ninja's own __init__ sets max_limit from its setting (unbounded by default), which would
        # shadow a class attribute: the maximum is passed on here instead.
        super().__init__(max_limit=max_limit, **kwargs)
