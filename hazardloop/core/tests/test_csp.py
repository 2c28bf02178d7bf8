"""The Content-Security-Policy: on every response, and nothing in a template that it would block.

The header is set by `ContentSecurityPolicyMiddleware`; the template scan keeps the policy free of
'unsafe-inline' and 'unsafe-eval' (the browser tests fail on any violation a page reports).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from hazardloop.core.middleware import CONTENT_SECURITY_POLICY
from hazardloop.testing import build_cast

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((ROOT / "hazardloop").glob("**/templates/**/*.html"))

TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:[^>{]|\{[^}]*\})*)>", re.S)
INLINE_HANDLER = re.compile(r"""(?:^|\s)on[a-z]+\s*=""")
STYLE_ATTRIBUTE = re.compile(r"""(?:^|\s)style\s*=""")
SRC = re.compile(r"""(?:^|\s)src\s*=""")
DATA_BLOCK = re.compile(r"""(?:^|\s)type\s*=\s*["']application/(?:ld\+)?json["']""")


def offences(text: str) -> list[str]:
    """What in one template's text needs 'unsafe-inline' (an executable inline script, a <style>
    element, a style= attribute, an on*= handler)."""
    found = []
    for match in TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        if name == "script" and not SRC.search(attributes) and not DATA_BLOCK.search(attributes):
            found.append(f"line {line}: inline <script>")
        if name == "style":
            found.append(f"line {line}: <style> element")
        if STYLE_ATTRIBUTE.search(attributes):
            found.append(f"line {line}: style= attribute on <{name}>")
        if INLINE_HANDLER.search(attributes):
            found.append(f"line {line}: on*= handler on <{name}>")
    return found


def test_the_scan_finds_what_csp_blocks():
    assert offences('<p style="color: red">') and offences("<style>p {}</style>")
    assert offences("<script>alert(1)</script>") and offences('<select onchange="x()">')
    assert not offences('<script src="/static/a.js"></script><p class="x" data-on="1">')
    assert not offences('<script type="application/json" id="d">{}</script>')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_unsafe_inline(path):
    assert not offences(path.read_text()), (
        "move inline scripts, styles and handlers into static files (the CSP blocks them)"
    )


def test_the_policy_allows_nothing_inline_or_evaluated():
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy(client):
    cast = build_cast()
    anonymous = ["/login/", "/no-such-page/", "/static/hazardloop/app.css", "/api/v1/openapi.json"]
    for url in anonymous:
        response = client.get(url)
        assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, url
    client.force_login(cast.regulator)
    pages = ["/", "/stats/", "/stats/screen/", "/hazards/", "/units/", "/inspections/new/"]
    for url in [*pages, "/api/v1/docs"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    # A redirect made before any view (sign-in required) carries it too.
    client.logout()
    response = client.get("/hazards/")
    assert response.status_code == 302
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_production_sends_hsts_for_a_year_with_subdomains():
    env = dict(
        os.environ,
        HAZARDLOOP_PRODUCTION="1",
        SECRET_KEY="test-" + "k" * 50,
        AUDIT_HMAC_KEY="test-" + "h" * 50,
        DJANGO_SETTINGS_MODULE="hazardloop.settings",
        SECURE_SSL_REDIRECT="1",
    )
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(365 * 24 * 3600), "True", "True"]
    # Not in development: a browser that saw HSTS from localhost would refuse plain HTTP there.
    assert not getattr(settings, "SECURE_HSTS_SECONDS", 0)


@pytest.mark.django_db
def test_hsts_header_on_https_responses(client, settings):
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
