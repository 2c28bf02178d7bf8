"""Refuses API input that no field may hold, before any endpoint sees it; answers every API
path in JSON, even one no endpoint matches.

A NUL character is valid JSON and valid in a URL, but PostgreSQL cannot store it in text, so a
NUL anywhere in an API request's path, query string or JSON body is a 422 in the one error
shape (the OpenAPI description says so: every text field carries a pattern excluding it; see
api/openapi.py). Pages are covered by Django's forms, whose text fields already refuse it.
"""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _

from hazardloop.core.api import error_body

API_PREFIX = "/api/"


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.content_type == "application/json" and request.method not in ("GET", "HEAD"):
        try:
            body = request.body
        except RequestDataTooBig:
            return False  # the endpoint answers for that
        return b"\x00" in body or b"\\u0000" in body.lower()
    if request.content_type == "multipart/form-data" and request.method == "POST":
        try:
            fields = request.POST
        except RequestDataTooBig:
            return False
        return any("\x00" in value for _key, values in fields.lists() for value in values)
    return False


def _json_refusal(response):
    """Django's own 404 page (a path no endpoint matches, e.g. /api/v1/units/x) and ninja's
    plain-text 405, in the API's error shape."""
    if response.status_code == 404:
        return JsonResponse(error_body(_("Not found."), "not_found"), status=404)
    refused = JsonResponse(
        error_body(_("This method is not allowed here."), "method_not_allowed"), status=405
    )
    if response.has_header("Allow"):
        refused["Allow"] = response["Allow"]
    return refused


class ApiInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if _has_nul(request):
            body = error_body(
                _("The request contains a NUL character, which no field may hold."),
                "invalid",
                [{"field": "", "message": _("Remove the NUL character."), "type": "nul"}],
            )
            return JsonResponse(body, status=422)
        response = self.get_response(request)
        if response.status_code in (404, 405) and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return _json_refusal(response)
        return response
