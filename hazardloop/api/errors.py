"""One error shape for every API failure: {"detail": str, "code": str, "errors": [...]}.

The one place domain errors become HTTP: every `DomainError` (hazardloop/core/errors.py)
answers with its own status and code. Endpoints never catch them one by one.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hazardloop.core.api import ApiError, error_body
from hazardloop.core.errors import DomainError


def _message(err: dict) -> str:
    """A field error in the user's language (pydantic's own messages are English only)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("less_than_equal", "less_than"):
        return _("Give at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Give at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind == "too_long":
        return _("At most %(count)s items.") % {"count": ctx.get("max_length")}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Give a whole number.")
    if kind.startswith(("date", "datetime", "timezone")) or (
        kind == "value_error"
        and ("ISO 8601" in err.get("msg", "") or "out of range" in err.get("msg", ""))
    ):
        return _("Give a valid date and time with its time zone, e.g. 2026-12-04T08:00:00+08:00.")
    if kind in ("literal_error", "enum", "union_tag_invalid"):
        return _("Choose one of the listed values.")
    if kind in ("bool_parsing", "bool_type") or "true or false" in err.get("msg", ""):
        return _("Give true or false.")
    if "JSON object" in err.get("msg", "") or kind in ("model_type", "dict_type"):
        return _("Send a JSON object.")
    return _("This value is not valid.")


def _field_errors(exc: ValidationError) -> list[dict]:
    out = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        out.append({"field": ".".join(loc), "message": _message(err), "type": err.get("type", "")})
    return out


def install(api) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return api.create_response(
            request, error_body(exc.detail, exc.code, exc.errors), status=exc.status
        )

    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        items = [{"field": "", "message": str(m), "type": exc.code} for m in exc.errors]
        body = error_body(exc.detail, exc.code, items)
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(ValidationError)
    def _validation(request, exc: ValidationError):
        errors = _field_errors(exc)
        if any(e["type"] == "union_tag_invalid" for e in errors):
            # A body whose `action` (the discriminator) names no action of the table.
            body = error_body(_("Unknown action."), "unknown_action", errors)
        else:
            body = error_body(_("The request is not valid."), "invalid", errors)
        return api.create_response(request, body, status=422)

    @api.exception_handler(DjangoValidationError)
    def _django_validation(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": str(msg), "type": "invalid"}
                for field, msgs in exc.message_dict.items()
                for msg in msgs
            ]
        else:
            errors = [{"field": "", "message": str(m), "type": "invalid"} for m in exc.messages]
        return api.create_response(
            request, error_body(_("The request is not valid."), "invalid", errors), status=422
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        body = error_body(_("Sign in first: send a valid API token."), "not_authenticated")
        return api.create_response(request, body, status=401)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(request, error_body(_("Not found."), "not_found"), status=404)

    @api.exception_handler(PermissionDenied)
    def _denied(request, exc):
        detail = str(exc) or _("Your role does not allow this action here.")
        return api.create_response(request, error_body(detail, "permission_denied"), status=403)

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return api.create_response(
            request, error_body(str(exc), f"http_{exc.status_code}"), status=exc.status_code
        )
