"""The workbench: each role's lists hold the right rows, inside the user's scope; one click
acts; the menu counts; the same lists under GET /api/v1/me/todo; a query budget."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.hazards.choices import Status
from hazardloop.testing import api_client, web_client
from hazardloop.workbench.tests.seed import seed_day
from hazardloop.workbench.todo import todo_count, workbench

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()


def _lists(user) -> dict:
    """{section key: [item ids]} for every group the user has, keyed "group.section"."""
    return {
        f"{g.key}.{s.key}": [i.id for i in s.items] for g in workbench(user) for s in g.sections
    }


def test_the_county_office_sees_what_waits_for_it(cast):
    day = seed_day(cast)
    lists = _lists(cast.regulator)
    assert lists["office.to_order"] == [day.found.pk]
    assert lists["office.to_verify"] == [day.submitted.pk]
    assert lists["office.due_soon"] == [day.due_soon.pk]
    assert lists["office.overdue"] == [day.overdue.pk]
    assert lists["office.documents"] == [day.document.pk]
    assert len(lists["office.extensions"]) == 1
    assert day.task.pk in lists["office.campaign_tasks"]
    assert {g.key for g in workbench(cast.regulator)} == {"office"}
    page = web_client(cast.regulator).get("/").content.decode()
    assert "灭火器压力不足" in page and 'data-testid="waited"' in page


def test_the_neighbouring_county_sees_none_of_it(cast):
    seed_day(cast)
    lists = _lists(cast.neighbour_regulator)
    assert all(ids == [] for ids in lists.values()), lists
    assert todo_count(cast.neighbour_regulator) == 0


def test_the_inspector_the_expert_the_leader_and_the_unit(cast):
    day = seed_day(cast)
    inspector = _lists(cast.inspector)
    assert inspector["inspector.my_tasks"] == [day.task.pk]
    assert inspector["inspector.rechecks"] == [day.submitted.pk]
    assert inspector["inspector.recent_inspections"] == [day.inspection.pk]
    assert _lists(cast.neighbour_inspector)["inspector.my_tasks"] == []

    expert = _lists(cast.expert)
    assert expert["expert.assigned"] == [day.due_soon.pk]
    assert expert["expert.advice_due"] == [day.due_soon.pk]

    leader = _lists(cast.leader)
    assert leader["leader.lead_tasks"] == [day.lead_task.pk]
    assert leader["leader.led_inspections"] == [day.inspection.pk]
    assert leader["leader.overdue"] == [day.overdue.pk]
    figures = {
        f.key: f.value
        for g in workbench(cast.leader)
        for s in g.sections
        for f in s.figures
        if s.key == "headline"
    }
    assert figures == {"open": 4, "overdue": 1, "major": 0, "inspections": 1}

    duty = _lists(cast.duty_officer)
    assert duty == {
        "duty.accidents_waiting": [],
        "duty.my_shift": [],  # on no shift (workbench/tests/test_duty_section.py)
        "duty.on_duty_now": [],
        "duty.headline": [],
        "duty.overdue": [day.overdue.pk],
    }

    unit = _lists(cast.unit_manager)
    assert set(unit["unit.unit_hazards"]) == {
        day.found.pk,
        day.submitted.pk,
        day.due_soon.pk,
        day.overdue.pk,
    }
    assert unit["unit.unit_hazards"][0] == day.overdue.pk  # the earliest deadline first
    assert unit["unit.self_inspection_due"] == [day.invite.pk]
    assert unit["unit.latest_inspection"] == [day.inspection.pk]
    other = _lists(cast.other_unit_manager)
    assert other["unit.unit_hazards"] == [] and other["unit.self_inspection_due"] == []
    # A unit's people never see the authorities' plan (an unannounced visit stays unannounced).
    assert not any(k.startswith(("office.", "inspector.")) for k in unit)


def test_a_person_with_several_roles_sees_each_group(cast):
    seed_day(cast)
    Membership.objects.create(
        user=cast.inspector, role=Role.UNIT_MANAGER, unit=cast.unit, region_id=cast.unit.region_id
    )
    page = web_client(cast.inspector).get("/").content.decode()
    assert 'data-testid="group-inspector"' in page and 'data-testid="group-unit"' in page


def test_one_click_orders_and_verifies_and_the_item_leaves_the_list(cast):
    day = seed_day(cast)
    client = web_client(cast.regulator)
    response = client.post(
        reverse("workbench:act", args=[day.found.pk, "order"]), {"version": day.found.version}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    day.found.refresh_from_db()
    assert day.found.status == Status.ORDERED and day.found.due_at is not None
    response = client.post(
        reverse("workbench:act", args=[day.submitted.pk, "verify"]),
        {"version": day.submitted.version},
    )
    day.submitted.refresh_from_db()
    assert day.submitted.status == Status.VERIFIED
    lists = _lists(cast.regulator)
    assert lists["office.to_order"] == [] and lists["office.to_verify"] == []


def test_a_stale_click_changes_nothing_and_says_why(cast):
    day = seed_day(cast)
    client = web_client(cast.regulator)
    url = reverse("workbench:act", args=[day.found.pk, "order"])
    response = client.post(url, {"version": day.found.version + 7}, follow=True)
    day.found.refresh_from_db()
    assert day.found.status == Status.FOUND
    assert "该隐患已被他人修改，请刷新后重试。" in response.content.decode()
    assert day.found.events.count() == 1  # recorded only
    # Only the one-click actions; others open the hazard page.
    assert client.post(reverse("workbench:act", args=[day.found.pk, "close"])).status_code == 404


def test_the_unit_cannot_order_its_own_hazard(cast):
    day = seed_day(cast)
    client = web_client(cast.unit_manager)
    response = client.post(
        reverse("workbench:act", args=[day.found.pk, "order"]), {"version": day.found.version}
    )
    assert response.status_code == 403
    day.found.refresh_from_db()
    assert day.found.status == Status.FOUND


def test_the_menu_counts_what_to_do_and_what_is_unread(cast):
    seed_day(cast)
    # to order 1 + to verify 1 + extension 1 (due soon / overdue / documents / tasks are not)
    assert todo_count(cast.regulator) == 3
    page = web_client(cast.regulator).get("/hazards/").content.decode()
    assert 'data-testid="nav-count-todo">3<' in page
    # The unit's: the two ordered hazards to rectify (not those waiting for the regulator) and
    # the self-inspection asked of it.
    assert todo_count(cast.unit_manager) == 3
    unit_page = web_client(cast.unit_manager).get("/hazards/").content.decode()
    assert 'data-testid="nav-count-unread"' in unit_page  # the order notified the unit


def test_the_api_gives_the_same_lists(cast):
    day = seed_day(cast)
    body = api_client(cast.regulator).get("/api/v1/me/todo").json()
    office = body["groups"][0]
    assert office["key"] == "office"
    to_order = next(s for s in office["sections"] if s["key"] == "to_order")
    assert [i["id"] for i in to_order["items"]] == [day.found.pk]
    assert to_order["items"][0]["action"]["name"] == "order"
    assert body["counts"]["todo"] == 3
    unit = api_client(cast.unit_manager).get("/api/v1/me/todo").json()
    assert [g["key"] for g in unit["groups"]] == ["unit"]
    assert api_client(None).get("/api/v1/me/todo").status_code == 401


# unit_manager: 16 measured with "Certificates expiring soon" (one query; 15 without it), kept
# at 20.
@pytest.mark.parametrize(
    "member,budget",
    [("regulator", 30), ("inspector", 20), ("leader", 20), ("expert", 15), ("unit_manager", 20)],
)
def test_the_home_page_query_budget(cast, member, budget, django_assert_max_num_queries):
    seed_day(cast)
    client = web_client(getattr(cast, member))
    with django_assert_max_num_queries(budget):
        started = time.perf_counter()
        assert client.get("/").status_code == 200
        elapsed = time.perf_counter() - started
    assert elapsed < 2.0


def test_someone_without_a_role_is_told_whom_to_ask(cast):
    from hazardloop.testing import make_user

    nobody = make_user("t-nobody")
    page = web_client(nobody).get("/").content.decode()
    assert "尚未分配角色，请联系管理员。" in page and 'data-testid="group-' not in page
    assert api_client(nobody).get("/api/v1/me/todo").json()["groups"] == []


def test_unit_portal_links_poster_and_certificates_and_lists_expiring(cast):
    from hazardloop.training.tests.certificates_helpers import certificate, staff

    cert = certificate(staff(cast.unit, name="李秀英"), days=5)
    certificate(staff(cast.unit), days=300)  # not expiring: not listed
    page = web_client(cast.unit_manager).get("/").content.decode()
    assert f'href="/units/{cast.unit.pk}/qr.png"' in page
    assert f'href="/certificates/unit/{cast.unit.pk}/"' in page
    assert f'data-testid="item-certificates_expiring-{cert.pk}"' in page
    assert f"/certificates/{cert.pk}/renew/" in page
    assert 'data-testid="count-certificates_expiring">1<' in page
    other = web_client(cast.other_unit_manager).get("/").content.decode()
    assert "李秀英" not in other


@pytest.mark.django_db
def test_a_long_list_is_counted_only_up_to_the_cap(cast, monkeypatch):
    """A province's office must not count hundreds of thousands of hazards on every page: the
    lists are counted with LIMIT cap + 1 and shown as "cap+" above it, in the section and the
    menu."""
    from hazardloop.hazards.tests.helpers import hazard
    from hazardloop.workbench import items, todo

    monkeypatch.setattr(items, "COUNT_CAP", 3)
    monkeypatch.setattr(todo, "COUNT_CAP", 3)
    for _ in range(6):
        hazard(cast)
    cache.clear()
    [office] = [g for g in workbench(cast.regulator) if g.key == "office"]
    to_order = next(s for s in office.sections if s.key == "to_order")
    assert to_order.count == 4 and to_order.shown_count == "3+"
    assert len(to_order.items) == items.LIMIT  # the first rows are still listed
    assert todo_count(cast.regulator) >= 4
    page = web_client(cast.regulator).get(reverse("workbench:home"))
    html = page.content.decode()
    assert 'data-testid="count-to_order">3+<' in html
    assert 'data-testid="nav-count-todo">3+<' in html
    counts = api_client(cast.regulator).get("/api/v1/me/todo").json()["counts"]
    assert counts["todo"] == 4  # cap + 1: "more than the cap"


@pytest.mark.django_db
def test_the_documents_with_running_clocks_are_counted_only_up_to_the_cap(cast, monkeypatch):
    """The documents' list is counted like the others: a province's whole count (the open
    hazards' join) took 0.6 s at 5M hazards."""
    from hazardloop.hazards.services import order_hazard
    from hazardloop.hazards.tests.helpers import hazard
    from hazardloop.supervision.choices import DocumentKind
    from hazardloop.supervision.services import issue_document
    from hazardloop.supervision.tests.helpers import departments
    from hazardloop.workbench import items, sections

    monkeypatch.setattr(items, "COUNT_CAP", 3)
    monkeypatch.setattr(sections, "DOCUMENT_WINDOW", 2)
    department = departments()["fire"]
    for _ in range(6):
        found = hazard(cast)
        order_hazard(found, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=9))
        issue_document(
            found,
            actor=cast.inspector,
            kind=DocumentKind.DEADLINE_ORDER,
            department=department,
        )
    [office] = [g for g in workbench(cast.regulator) if g.key == "office"]
    documents = next(s for s in office.sections if s.key == "documents")
    assert documents.count == 4 and documents.shown_count == "3+"
    assert len(documents.items) == 2  # the window's most urgent are still listed


def test_a_documents_clock_runs_while_it_is_unserved_or_its_hazard_is_open(cast):
    """Listed: an unserved document (whatever its hazard) and a served one whose hazard is still
    open; not listed: a served document whose hazard is closed. (The hazard is read only for a
    served document: sections.documents.)"""
    from hazardloop.hazards.models import Hazard
    from hazardloop.hazards.services import order_hazard
    from hazardloop.hazards.tests.helpers import hazard
    from hazardloop.supervision.choices import DocumentKind
    from hazardloop.supervision.services import issue_document, serve_document
    from hazardloop.supervision.tests.helpers import departments

    department = departments()["fire"]
    docs = {}
    for name in ("unserved_open", "unserved_closed", "served_open", "served_closed"):
        found = hazard(cast)
        order_hazard(found, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=9))
        docs[name] = issue_document(
            found, actor=cast.inspector, kind=DocumentKind.DEADLINE_ORDER, department=department
        )
        if name.startswith("served"):
            serve_document(docs[name], actor=cast.inspector)
        if name.endswith("closed"):
            Hazard.objects.filter(pk=found.pk).update(status=Status.CLOSED)
    [office] = [g for g in workbench(cast.regulator) if g.key == "office"]
    documents = next(s for s in office.sections if s.key == "documents")
    listed = {item.id for item in documents.items}
    assert listed == {docs[n].pk for n in ("unserved_open", "unserved_closed", "served_open")}
    assert documents.count == 3


def _figures(user, key: str):
    [section] = [s for g in workbench(user) for s in g.sections if s.key == key][:1]
    return {f.key: f.value for f in section.figures}, section.figures_at


def test_a_large_scopes_figures_are_kept_a_minute_and_say_when_they_were_counted(cast, settings):
    """A province's figures count hundreds of thousands of hazards: above
    WORKBENCH_FIGURES_KEEP_ABOVE they are kept FIGURES_SECONDS for the same scope, with the
    time they were counted; another scope never reads them, and a small scope is counted on
    every request."""
    from hazardloop.hazards.services import order_hazard
    from hazardloop.hazards.tests.helpers import hazard

    seed_day(cast)
    settings.WORKBENCH_FIGURES_KEEP_ABOVE = 0
    counted, at = _figures(cast.leader, "headline")
    assert counted == {"open": 4, "overdue": 1, "major": 0, "inspections": 1} and at is None
    office, at = _figures(cast.regulator, "overdue")
    assert sum(office.values()) == 1 and at is None

    late = hazard(cast)
    order_hazard(late, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=1))
    late.__class__.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    kept, at = _figures(cast.leader, "headline")
    assert kept == counted and at is not None  # kept, and says since when
    assert _figures(cast.regulator, "overdue")[0] == office
    page = web_client(cast.leader).get(reverse("workbench:home")).content.decode()
    assert 'data-testid="figures-at-headline"' in page
    api = api_client(cast.leader).get("/api/v1/me/todo").json()
    [headline] = [s for g in api["groups"] for s in g["sections"] if s["key"] == "headline"]
    assert headline["figures_at"] is not None
    # Another scope counts its own (the neighbouring county has nothing overdue).
    assert _figures(cast.neighbour_regulator, "overdue") == ({}, None)

    # A minute later (or below the threshold) the figures are counted again.
    cache.clear()
    now, at = _figures(cast.leader, "headline")
    assert now["overdue"] == 2 and now["open"] == 5
    settings.WORKBENCH_FIGURES_KEEP_ABOVE = 10_000
    cache.clear()
    _figures(cast.leader, "headline")
    late.__class__.objects.filter(pk=late.pk).update(status=Status.VERIFIED)
    assert _figures(cast.leader, "headline") == (
        {"open": 4, "overdue": 1, "major": 0, "inspections": 1},
        None,
    )


@pytest.mark.django_db
def test_the_overdue_figures_have_an_index_for_a_region_and_one_for_the_province():
    """PostgreSQL: the overdue-by-rung count reads an index alone, led by the deadline for the
    whole province (hazards/0015) and by the region code for a county (hazards/0016: 128 ms
    → 7 ms for a county at 5M hazards)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("covering indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'hazards_hazard' "
            "AND indexname IN ('hazard_overdue_rung', 'hazard_open_region_due_rung')"
        )
        found = dict(cursor.fetchall())
    assert "(due_at) INCLUDE (region_code, supervision_level)" in found["hazard_overdue_rung"]
    assert (
        "(region_code, due_at) INCLUDE (supervision_level)" in found["hazard_open_region_due_rung"]
    )
    assert all("WHERE" in definition for definition in found.values())  # open hazards only
