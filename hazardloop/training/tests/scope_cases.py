"""The training app's endpoints for the shared scope test (h-training's cases join these)."""

from hazardloop.training.tests.scope_cases_certificates import CASES as CERTIFICATE_CASES

CASES = [*CERTIFICATE_CASES]
