"""Every page of every app, rendered in both languages as a role that may see it, shows no
developer text and no string of the other language (visible_text.py says what counts).

The pages come from the shared scope cases (every named URL has one, test_scope.py makes sure):
each GET case is rendered as the members of the cast it allows, with the object its `make`
builds. Beside the cast the database holds a small demo province (the demo's own loaders at a
smaller size: units, inspections, hazards moved along the rectification loop and up the
supervision ladder, campaigns, documents), so lists, timelines, inboxes and the audit log show
what a real day shows; the demo's detail pages are rendered too.
"""

import random
import re

import pytest
from django.db import transaction
from django.test import Client

from hazardloop.core.tests import visible_text
from hazardloop.core.tests.test_scope import CASES
from hazardloop.testing import ALLOW, Cast

LANGUAGES = ("zh-hans", "en")
# Who renders a page: every allowed member of these (a department view, the unit's own view, the
# administrator's), so each page is seen by the roles that see it differently.
VIEWERS = ("regulator", "inspector", "expert", "leader", "unit_manager", "admin")
NOT_A_PAGE = re.compile(r"^/(api|static|media|jsi18n)/")


def _load_small_demo():
    from hazardloop.demo.campaigns import load_campaigns
    from hazardloop.demo.departments import load_departments
    from hazardloop.demo.hazards import load_hazards
    from hazardloop.demo.inspections import load_inspections
    from hazardloop.demo.people import load_people
    from hazardloop.demo.progress import progress_hazards
    from hazardloop.demo.tips import load_tips
    from hazardloop.demo.units import load_units
    from hazardloop.reports.aggregates import refresh
    from hazardloop.supervision.demo import load_supervision_demo

    rng = random.Random(20220928)
    load_departments()
    load_people(rng)
    load_units(rng, target=80)
    load_hazards(rng)
    load_inspections(rng, total=60)
    load_campaigns()
    progress_hazards()
    load_supervision_demo()
    load_tips()
    refresh(full=True)


def _demo_pages() -> list[tuple[str, str]]:
    """(demo username, URL) of the demo's detail pages: a hazard at every rung and state, its
    documents, inspections, campaigns, units, audit events."""
    from hazardloop.audit.models import AuditEvent
    from hazardloop.campaigns.models import Campaign
    from hazardloop.hazards.models import Hazard
    from hazardloop.inspections.models import Inspection
    from hazardloop.supervision.models import EnforcementDocument

    pages = []
    seen = set()
    for h in Hazard.objects.filter(region_code__startswith="220102").order_by("pk"):
        shape = (h.status, h.supervision_level, h.clock_rung, h.grade)
        if shape not in seen:
            seen.add(shape)
            pages.append(("regulator@220102", f"/hazards/{h.pk}/"))
    for d in EnforcementDocument.objects.filter(hazard__region_code__startswith="220102")[:6]:
        pages.append(("regulator@220102", f"/documents/{d.pk}/"))
    for i in Inspection.objects.filter(unit__region_id="220102").order_by("pk")[:4]:
        pages.append(("regulator@220102", f"/inspections/{i.pk}/"))
    for c in Campaign.objects.order_by("pk")[:8]:
        pages.append(("admin", f"/campaigns/{c.pk}/"))
    from hazardloop.tips.models import Tip

    for t in Tip.objects.order_by("pk"):  # every state; the tracking page as the tipster sees it
        pages += [
            ("regulator@220102", f"/tips/{t.pk}/"),
            ("admin", f"/report/track/{t.tracking_code}/"),
        ]
    actions = set()
    for e in AuditEvent.objects.order_by("-seq")[:3000]:
        if e.action not in actions:
            actions.add(e.action)
            pages.append(("admin", f"/audit/{e.seq}/"))
    for username in ("regulator@220102", "inspector@220102", "expert@220100", "leader@220100"):
        pages += [(username, "/"), (username, "/inbox/"), (username, "/hazards/")]
    pages += [("admin", "/audit/"), ("admin", "/"), ("regulator@220000", "/stats/")]
    # A demo unit's manager: their home, ledger, inbox and one of their hazards.
    from hazardloop.accounts.models import Membership

    manager = (
        Membership.objects.filter(user__username__startswith="unit@", unit__hazards__isnull=False)
        .select_related("user")
        .first()
    )
    if manager is not None:
        name = manager.user.username
        pages += [(name, "/"), (name, "/hazards/"), (name, "/inbox/")]
        own = Hazard.objects.filter(unit_id=manager.unit_id).order_by("-pk").first()
        pages.append((name, f"/hazards/{own.pk}/"))
    return pages


# Messages the shared scope cases send (test fixtures, not product text).
FIXTURE_TEXT = frozenset({"Scope test 7"})


def _render(client: Client, url: str, language: str, data: frozenset) -> list[str]:
    client.cookies["django_language"] = language
    try:
        response = client.get(url)
    except Exception as exc:  # a page that fails is reported with the others
        return [f"the page fails: {type(exc).__name__}: {str(exc)[:160]}"]
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    return visible_text.problems(response.content.decode(), language, data, FIXTURE_TEXT)


def _gets():
    """(case, viewers) of every GET page case, with the members that may see it."""
    for case in CASES:
        if case.api or case.method != "get":
            continue
        viewers = [m for m in VIEWERS if case.expect.get(m) == ALLOW]
        if not viewers:
            viewers = [m for m, outcome in case.expect.items() if outcome == ALLOW][:1]
        if viewers:
            yield case, viewers


def _render_case(cast: Cast, case, viewers, data, found) -> int:
    """Render one case's page as each viewer in each language, its object built inside a
    savepoint that is rolled back afterwards (builders of different apps may reuse fixed names)."""
    point = transaction.savepoint()
    try:
        obj = case.make(cast) if case.make else None
        url = case.url(cast, obj)
        if NOT_A_PAGE.match(url):
            return 0
        if case.make:  # what the builder stored (names, titles, usernames) is data too
            data = data | visible_text.stored_strings()
        rendered = 0
        for member in viewers:
            client = Client()
            client.force_login(getattr(cast, member))
            for language in LANGUAGES:
                for problem in _render(client, url, language, data):
                    found.setdefault(f"[{language}] {problem}", set()).add(f"{case.covers} {url}")
                rendered += 1
        return rendered
    finally:
        transaction.savepoint_rollback(point)


@pytest.mark.django_db
def test_every_page_speaks_the_users_language(cast):
    from hazardloop.accounts.models import User

    _load_small_demo()
    demo = _demo_pages()
    data = visible_text.stored_strings()
    found: dict[str, set] = {}
    rendered = 0
    for case, viewers in _gets():
        rendered += _render_case(cast, case, viewers, data, found)
    clients = {}
    for username, url in demo:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        for language in LANGUAGES:
            for problem in _render(clients[username], url, language, data):
                found.setdefault(f"[{language}] {problem}", set()).add(f"{username} {url}")
            rendered += 1
    assert rendered > 200, rendered
    report = "\n".join(f"{p}  ← {', '.join(sorted(urls)[:3])}" for p, urls in sorted(found.items()))
    assert not found, f"{len(found)} problems:\n{report}"
