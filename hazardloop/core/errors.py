"""Typed domain errors, and the one place a page turns a refusal into a message.

A service refuses with a `DomainError` subclass: its `str()` is a translated sentence for the
user, `status` and `code` are what the API answers with. `hazardloop/api/errors.py` maps every
DomainError to HTTP in one handler; pages call `page_errors(request)` around the service call.
Endpoints never catch domain errors one by one.

PermissionDenied (403) and Http404 stay Django's own: they are access decisions, not domain
refusals, and both the API handlers and Django's views already answer them.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A service refused; nothing was written. `str(exc)` is for the user; `errors` may list
    one translated message per problem (the API returns them as its `errors`)."""

    status = 422
    code = "invalid"
    errors: list[str] = []

    def __init__(self, message: str = "", code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    @property
    def detail(self) -> str:
        """The API's `detail`: the message (subclasses with many `errors` may summarise)."""
        return str(self)


class Conflict(DomainError):
    """The request is sound but the object's state does not allow it now."""

    status = 409
    code = "conflict"


@contextmanager
def page_errors(request) -> Iterator[None]:
    """Run a page's service call; a refusal becomes an error message on the next page.

    Domain errors and invalid input are shown; PermissionDenied and Http404 pass through.
    """
    from pydantic import ValidationError as SchemaError

    try:
        yield
    except DomainError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except SchemaError:
        # The form is built from the same schema, so this is a tampered or stale form.
        messages.error(request, _("Check the form."))
