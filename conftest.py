import pytest

from hazardloop.testing import build_cast, ensure_reference_data


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is slow by design; tests that check hashing itself read PASSWORD_HASHERS directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_heads_elsewhere(settings, tmp_path):
    # Published audit heads are per test: a head left by one test would fail another's chain.
    settings.AUDIT_HEAD_FILE = tmp_path / "audit-heads.jsonl"


@pytest.fixture(autouse=True)
def _default_language(settings):
    # A request through the test client leaves its language active in this thread (LocaleMiddleware
    # activates, nothing deactivates): each test starts in the site's default language.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def reference_data(db):
    ensure_reference_data()


@pytest.fixture
def cast(db):
    return build_cast()


# --- browser tests: Playwright driving Debian's Chromium ------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def _browser():
    import os

    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page runs under the Content-Security-Policy (hazardloop.core.middleware): a violation,
# or an Alpine expression its CSP build cannot evaluate, is reported to the console, recorded in
# page.csp_violations, and fails the test.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""
CSP_MARKERS = (
    "Content Security Policy",
    "Refused to",
    "CSP violation",
    "CSP Parser Error",
    "Alpine Expression Error",
)


def _watched_page(context, base_url):
    context.set_default_timeout(15000)
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    page.base_url = base_url
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text)
            if any(marker in m.text for marker in CSP_MARKERS)
            else None
        ),
    )
    return page


@pytest.fixture
def browser_page(_browser, live_server, transactional_db):
    """A fresh browser context (desktop size, Chinese) against the live test server."""
    ensure_reference_data()
    context = _browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = _watched_page(context, live_server.url)
    yield page
    context.close()
    assert not page.csp_violations, f"Content-Security-Policy violations: {page.csp_violations}"


@pytest.fixture
def phone_page(_browser, live_server, transactional_db):
    """A 375-px-wide phone context against the live test server."""
    ensure_reference_data()
    context = _browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = _watched_page(context, live_server.url)
    yield page
    context.close()
    assert not page.csp_violations, f"Content-Security-Policy violations: {page.csp_violations}"
