"""The API says what it answers and refuses what it cannot hold (issue 11, "Zero server errors").

Each test here failed before: limits and bounds were missing from the OpenAPI description and
from validation, so the database met numbers, strings and times it could not store.
"""

import json

import pytest

from hazardloop.api.openapi import error_codes, input_components
from hazardloop.api.router import api
from hazardloop.hazards.models import Hazard
from hazardloop.testing import api_client


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = [
        f"{method.upper()} {path}: {sorted(needed - have)}"
        for path, method, operation in _operations(schema)
        if (needed := error_codes(path, method, operation))
        - (have := {int(code) for code in operation["responses"]})
    ]
    assert not missing
    # The shared errors use the one error body.
    unit = schema["paths"]["/api/v1/units/{unit_id}"]["get"]["responses"]
    assert unit[404]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def _unbounded(node, where, out):
    """Input fields without a bound: text without maxLength, numbers without both limits,
    lists without maxItems."""
    if isinstance(node, dict):
        kind = node.get("type")
        free = not {"enum", "const", "format", "$ref"} & node.keys()
        if kind == "string" and free and "maxLength" not in node:
            out.append(f"{where}: text without maxLength")
        bounded = {"minimum", "maximum"} <= node.keys() or "enum" in node
        if kind in ("integer", "number") and not bounded:
            out.append(f"{where}: number without minimum and maximum")
        if kind == "array" and "maxItems" not in node:
            out.append(f"{where}: list without maxItems")
        for key, value in node.items():
            if key in ("properties",):
                for name, sub in value.items():
                    _unbounded(sub, f"{where}.{name}", out)
            elif key in ("anyOf", "oneOf", "allOf", "items"):
                _unbounded(value, where, out)
    elif isinstance(node, list):
        for value in node:
            _unbounded(value, where, out)


def test_every_input_is_bounded(schema):
    """A new endpoint states the limits of what it takes (core/api.py: Id, Text, Code, …)."""
    out: list[str] = []
    components = schema["components"]["schemas"]
    for name in sorted(input_components(schema)):
        _unbounded(components[name], name, out)
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            label = f"{method.upper()} {path} ?{parameter['name']}"
            _unbounded(parameter["schema"], label, out)
    # A string that may be a number (a decimal, a measured value) is bounded by its validator.
    out = [o for o in out if "latitude" not in o and "longitude" not in o]
    assert not out, "\n".join(out)


def test_every_input_text_refuses_nul_in_the_schema(schema):
    title = schema["components"]["schemas"]["HazardIn"]["properties"]["title"]
    assert title["pattern"] == "^[^\\u0000]*$"


def test_page_size_is_bounded(cast):
    client = api_client(cast.admin)
    # Above the list's maximum the maximum is given (units/tests count the rows); a number no
    # page could have is refused.
    assert client.get("/api/v1/units", {"limit": 100000}).status_code == 200
    response = client.get("/api/v1/units", {"limit": 2**40})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/units?offset={2**64}",
        f"/api/v1/units/{2**64}",
        f"/api/v1/hazards?unit={2**70}",
        f"/api/v1/inspections?leader={2**70}",
        f"/api/v1/hazards/{2**63}",
        "/api/v1/hazards?found_from=0",
        "/api/v1/units?q=" + "x" * 101,
    ],
)
def test_out_of_range_query_values_are_422(cast, url):
    response = api_client(cast.admin).get(url)
    assert response.status_code in (404, 422), response.content
    assert response["Content-Type"].startswith("application/json")


def test_nul_in_a_query_or_body_is_refused_and_changes_nothing(cast):
    client = api_client(cast.regulator)
    response = client.get("/api/v1/units", {"q": "饺子\x00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "nul"
    before = Hazard.objects.count()
    body = {"unit_id": cast.unit.pk, "description": "灭火器\u0000过期"}
    response = client.post("/api/v1/hazards", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert Hazard.objects.count() == before


def test_over_long_and_out_of_range_unit_edits_change_nothing(cast):
    client = api_client(cast.regulator)
    url = f"/api/v1/units/{cast.unit.pk}"
    for body in (
        {"floors": 2**40},
        {"lpg_stored_kg": -1},
        {"name": "店" * 201},
        {"principal_phone": "1" * 33},
        {"latitude": "123.5"},
        [None, None],
    ):
        response = client.patch(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 422, (body, response.content)
    cast.unit.refresh_from_db()
    assert cast.unit.floors is None and cast.unit.name == "南关测试饺子馆"


def test_times_are_stored_in_utc_and_impossible_ones_refused(cast):
    client = api_client(cast.regulator)

    def create(found_at):
        body = {"unit_id": cast.unit.pk, "description": "灭火器过期", "found_at": found_at}
        return client.post("/api/v1/hazards", json.dumps(body), content_type="application/json")

    # An offset PostgreSQL cannot store as given is applied before the database sees it.
    response = create("2026-12-01T20:00:00+20:00")
    assert response.status_code == 201, response.content
    assert response.json()["found_at"].startswith("2026-12-01T00:00:00")
    for found_at in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", 1700000000):
        assert create(found_at).status_code == 422


def test_unknown_paths_and_methods_answer_in_json(cast):
    client = api_client(cast.admin)
    response = client.get("/api/v1/units/not-a-number")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = client.put("/api/v1/units")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_form_flags_are_true_or_false(cast):
    client = api_client(cast.admin)
    response = client.post("/api/v1/units/import", {"dry_run": "0"})
    assert response.status_code == 422


def test_field_errors_are_in_the_users_language(cast):
    client = api_client(cast.admin)
    response = client.get("/api/v1/units", {"offset": 2**40}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["errors"][0]["message"] == "不能大于 1000000000。"
    response = client.get("/api/v1/units", {"offset": 2**40}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"][0]["message"] == "Give at most 1000000000."


def test_no_two_schemas_share_a_name():
    """OpenAPI names a component by its class name: two different schemas of one name would be
    described as one (GET /auth/me was once documented with the users API's memberships)."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen: dict[str, type] = {}
    clashes = []
    for cls in subclasses(Schema):
        if not cls.__module__.startswith("hazardloop."):
            continue
        other = seen.setdefault(cls.__name__, cls)
        if other is not cls:
            clashes.append(f"{cls.__name__}: {other.__module__} and {cls.__module__}")
    assert not clashes, "\n".join(clashes)


def test_a_body_whose_fields_are_all_optional_must_be_an_object(schema):
    """ninja reads any JSON value's missing attributes as defaults, so a body of `[null]` would
    pass where every field is optional: such bodies derive from core.api.ObjectIn."""
    from ninja import Schema

    from hazardloop.core.api import ObjectIn

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name = {c.__name__: c for c in subclasses(Schema) if c.__module__.startswith("hazardloop.")}
    bodies = set()
    for _path, _method, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        if ref:
            bodies.add(ref.rsplit("/", 1)[1])
    loose = [
        name
        for name in sorted(bodies)
        if name in by_name
        and not schema["components"]["schemas"][name].get("required")
        and not issubclass(by_name[name], ObjectIn)
    ]
    assert not loose
