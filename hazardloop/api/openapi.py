"""Every status code the API can answer is in its OpenAPI description.

Endpoints declare their success responses (and any error particular to them, e.g. 409 on a
duplicate USCC or 423/429 on sign-in). The errors that the shared machinery answers for every
endpoint alike are added here, once, from what the operation is:

- 401 (no or bad token) and 403 (role or scope refuses; a session write without its CSRF token)
  on every operation that needs authentication;
- 422 (the one validation error shape, api/errors.py) and 404 (an id or code in the input is
  unknown or outside the caller's scope) on every operation with an input;
- 400 (a body that cannot be read) on every operation with a body;
- 409 (`Conflict`: the object's state does not allow it now) on every write.

All of them share the one error body, `Error`. Every free text input also carries the pattern
that api/middleware.py enforces (no NUL character). api/tests/test_openapi.py checks that no
operation lacks them, and the schemathesis run in `make test` that nothing else is answered.
"""

from ninja import NinjaAPI

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "A sentence for the user, translated."},
        "code": {"type": "string", "description": "A stable code for programs."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["field", "message", "type"],
            },
        },
    },
    "required": ["detail", "code", "errors"],
}

# Descriptions are English on purpose: the OpenAPI document is for integrators, not end users.
DESCRIPTIONS = {
    400: "The request cannot be read (e.g. a malformed multipart body).",
    401: "No API token, or an expired or revoked one.",
    403: "Your role or scope does not allow this (or a session write without its CSRF token).",
    404: "Not found in your scope (the path, or an id or code the request names).",
    409: "The object's state does not allow this now.",
    422: "The request is not valid; `errors` lists each problem.",
}
WRITES = {"post", "put", "patch", "delete"}
# What api/middleware.py refuses in every input string (PostgreSQL cannot store it).
NO_NUL = "^[^\\u0000]*$"


def error_codes(path: str, method: str, operation: dict) -> set[int]:
    """The shared error codes an operation can answer with."""
    codes: set[int] = set()
    if operation.get("security"):
        codes |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        # Invalid input; and an id or code it names (path, query or body) is unknown or
        # outside the caller's scope.
        codes |= {404, 422}
    if operation.get("requestBody"):
        codes.add(400)  # a body that cannot be read (malformed JSON or multipart)
    if method in WRITES:
        codes.add(409)
    return codes


def _refs(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _no_nul(node) -> None:
    """Adds NO_NUL to every free string of an input schema."""
    if isinstance(node, dict):
        if (
            node.get("type") == "string"
            and not {"enum", "format", "pattern", "const"} & node.keys()
        ):
            node["pattern"] = NO_NUL
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


def input_components(schema: dict) -> set[str]:
    """The component schemas reachable from request bodies (the API's inputs)."""
    components = schema.get("components", {}).get("schemas", {})
    todo = set()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            todo |= _refs(operation.get("requestBody", {}))
    seen: set[str] = set()
    while todo - seen:
        name = (todo - seen).pop()
        seen.add(name)
        todo |= _refs(components.get(name, {}))
    return seen


def document_inputs(schema: dict) -> dict:
    components = schema.get("components", {}).get("schemas", {})
    for name in input_components(schema):
        _no_nul(components.get(name))
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema"))
            _no_nul(operation.get("requestBody", {}))
    return schema


def document_errors(schema: dict) -> dict:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(error_codes(path, method, operation)):
                if code in responses or str(code) in responses:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return schema


class HazardloopAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI description lists the shared error responses (see above)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_inputs(document_errors(schema))
