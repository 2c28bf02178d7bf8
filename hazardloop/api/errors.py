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


def _field_errors(exc: ValidationError) -> list[dict]:
    out = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        out.append(
            {"field": ".".join(loc), "message": err.get("msg", ""), "type": err.get("type", "")}
        )
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
