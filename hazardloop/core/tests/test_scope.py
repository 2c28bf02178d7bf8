"""The shared scope test: every page and API endpoint against the standard cast.

Each app lists its endpoints as `CASES` in `<app>/tests/scope_cases.py`. An endpoint with no case
fails `test_every_endpoint_has_a_scope_case`; add a case (or, for truly public endpoints, an
entry in PUBLIC with the reason).
"""

import importlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from hazardloop.api.router import api
from hazardloop.testing import MEMBERS, run_scope_case

# Endpoints anyone may reach, and why.
PUBLIC = {
    "accounts:login": "the sign-in page",
    "accounts:logout": "signing out needs no permission",
    "set_language": "the language switch works before sign-in",
    "javascript-catalog": "translations for scripts",
    "POST /api/v1/auth/token": "obtaining a token is the sign-in",
    "GET /api/v1/openapi.json": "the API description",
    "GET /api/v1/docs": "the interactive API documentation",
    "POST /api/v1/public/tips": "a tip from the public needs no account (rate limited per "
    "address and per unit: tips/tests/test_tips.py)",
    "GET /api/v1/public/tips/{tracking_code}": "the tipster follows a tip by its tracking code "
    "alone; the answer names nobody (tips/tests/test_tips.py)",
}


def _all_cases():
    cases = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hazardloop."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scope_cases")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def _url_names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns == "api":
                continue
            yield from _url_names(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def _api_operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield f"{method.upper()} {path}"


def test_every_endpoint_has_a_scope_case():
    covered = {case.covers for case in CASES} | set(PUBLIC)
    endpoints = set(_url_names(get_resolver().url_patterns)) | set(_api_operations())
    endpoints |= {"GET /api/v1/openapi.json", "GET /api/v1/docs"}
    missing = sorted(endpoints - covered)
    assert not missing, f"endpoints without a scope case: {missing}"
    stale = sorted(c for c in covered - endpoints)
    assert not stale, f"scope cases for endpoints that do not exist: {stale}"


def test_every_case_states_every_member_of_the_cast():
    """A role with no stated expectation would go unchecked: that is a failure, not a pass."""
    gaps = {
        case.name: sorted(set(MEMBERS) - set(case.expect))
        for case in CASES
        if set(MEMBERS) - set(case.expect)
    }
    assert not gaps, f"cases that leave members of the cast out: {gaps}"
    unknown = {case.name: sorted(set(case.expect) - set(MEMBERS)) for case in CASES}
    assert not any(unknown.values()), unknown


@pytest.mark.parametrize(
    ("case", "member", "outcome"),
    [
        pytest.param(case, member, case.expect.get(member), id=f"{case.name}-{member}")
        for case in CASES
        for member in MEMBERS
    ],
)
@pytest.mark.django_db
def test_scope(cast, case, member, outcome):
    assert outcome is not None, f"{case.name}: no expectation stated for {member}"
    run_scope_case(case, cast, member, outcome)
