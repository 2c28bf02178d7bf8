"""The ledger, the hazard page, the export, the API and the inbox: content, filters, query
budgets and error handling."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hazardloop.hazards import services
from hazardloop.hazards.jobs import notify_deadlines_once
from hazardloop.hazards.tests.helpers import hazard, photo
from hazardloop.notifications.models import Notification
from hazardloop.testing import IMMEDIATE_TASKS, api_client, make_unit, web_client


@pytest.mark.django_db
def test_ledger_filters_and_query_budget(cast, django_assert_max_num_queries):
    for _ in range(5):
        hazard(cast)
    major = hazard(cast, default_grade="major", title="重大隐患样例")
    hazard(cast, unit=cast.neighbour_unit, title="邻区隐患")
    client = web_client(cast.regulator)
    # 15: the menu's to-do count (once a minute per person) counts accident reports waiting
    # and accountability proposals too.
    with django_assert_max_num_queries(15):
        page = client.get("/hazards/").content.decode()
    assert "重大隐患样例" in page and "邻区隐患" not in page
    page = client.get("/hazards/?grade=major").content.decode()
    assert f"/hazards/{major.pk}/" in page and len(re.findall(r'href="/hazards/\d+/"', page)) < 6
    assert client.get("/hazards/?region=999999").status_code == 200


@pytest.mark.django_db
def test_ledger_keyset_pages(cast):
    made = [hazard(cast, title=f"隐患{i}") for i in range(55)]
    client = web_client(cast.regulator)
    first = client.get("/hazards/")
    cursor = first.context["next_cursor"]
    assert cursor and len(first.context["rows"]) == 50
    second = client.get(f"/hazards/?after={cursor}")
    ids = [h["pk"] for h in first.context["rows"]] + [h["pk"] for h in second.context["rows"]]
    assert sorted(ids) == sorted(h.pk for h in made) and second.context["next_cursor"] is None


@pytest.mark.django_db
def test_overdue_is_derived(cast):
    h = hazard(cast)
    services.order_hazard(h, actor=cast.inspector, due_at=timezone.now() + dt.timedelta(days=1))
    from hazardloop.hazards.models import Hazard

    later = timezone.now() + dt.timedelta(days=2)
    assert list(Hazard.objects.overdue(later)) == [h]
    assert not Hazard.objects.overdue(timezone.now()).exists()


def exported(client, query: str = ""):
    """Ask for an export as the page does, let the worker write it, download the file."""
    from hazardloop.hazards.exports import run_export_once
    from hazardloop.hazards.models import HazardExport

    response = client.post(f"/hazards/export/?{query}")
    job = HazardExport.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/hazards/exports/{job.pk}/"
    assert run_export_once(job.pk) == "done"
    download = client.get(f"/hazards/exports/{job.pk}/download/")
    assert download.status_code == 200
    job.refresh_from_db()
    return b"".join(download.streaming_content), job


@pytest.mark.django_db
def test_export_is_scoped_and_written_by_the_worker(cast):
    hazard(cast, title="本区隐患")
    hazard(cast, unit=cast.neighbour_unit, title="邻区隐患")
    client = web_client(cast.inspector)
    data, job = exported(client)
    book = load_workbook(io.BytesIO(data))
    titles = [row[3] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["本区隐患"] and job.rows == 1
    page = client.get(f"/hazards/exports/{job.pk}/").content.decode()
    assert "export-download" in page
    # another user: the export does not exist for them
    assert web_client(cast.regulator).get(f"/hazards/exports/{job.pk}/").status_code == 404
    assert web_client(cast.regulator).get(f"/hazards/exports/{job.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_export_follows_the_filters_and_refuses_a_bad_one(cast):
    hazard(cast, title="一般隐患")
    hazard(cast, title="重大隐患", default_grade="major")
    client = web_client(cast.inspector)
    data, _job = exported(client, "grade=major")
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == ["重大隐患"]
    from hazardloop.hazards.models import HazardExport

    before = HazardExport.objects.count()
    response = client.post("/hazards/export/?region=999999", follow=True)
    assert HazardExport.objects.count() == before
    assert "地区" in response.content.decode() or "region" in response.content.decode().lower()


@pytest.mark.django_db
def test_an_export_is_never_written_twice_and_its_file_is_forgotten(cast, settings):
    from hazardloop.hazards.exports import delete_old_export_files_once, run_export_once

    hazard(cast)
    client = web_client(cast.inspector)
    _data, job = exported(client)
    assert run_export_once(job.pk) == "done"  # claimed once: a second run writes nothing
    settings.HAZARD_EXPORT_FILE_DAYS = 7
    later = timezone.now() + dt.timedelta(days=8)
    assert delete_old_export_files_once(later) == 1
    assert delete_old_export_files_once(later) == 0
    assert client.get(f"/hazards/exports/{job.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_hazard_page_and_action_errors(cast):
    h = hazard(cast, photo_ids=[photo(cast.inspector, cast.unit).pk])
    client = web_client(cast.inspector)
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert "checklist default" in page or "一般" in page
    # A stale version: nothing changes, the user is told.
    response = client.post(
        f"/hazards/{h.pk}/order/", {"version": h.version + 5, "due_at": "2099-01-01"}, follow=True
    )
    assert "已被他人修改" in response.content.decode()
    h.refresh_from_db()
    assert h.status == "found"
    # A deadline in the past: refused with a clear message.
    response = client.post(
        f"/hazards/{h.pk}/order/", {"version": h.version, "due_at": "2001-01-01"}, follow=True
    )
    assert "整改期限必须晚于现在" in response.content.decode()
    client.post(f"/hazards/{h.pk}/order/", {"version": h.version, "due_at": "2099-01-01"})
    h.refresh_from_db()
    assert h.status == "ordered"


@pytest.mark.django_db
def test_api_list_detail_create_and_transitions(cast, django_assert_max_num_queries):
    for _ in range(5):
        hazard(cast)
    client = api_client(cast.inspector)
    # The token (and its once-a-minute touch), the memberships, the page: 4 (no menu counts
    # on the API; the budget was 15).
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/hazards?limit=3").json()
    assert len(body["items"]) == 3 and body["next"]
    created = client.post(
        "/api/v1/hazards",
        # 6.8 at the cast's restaurant, a crowded place (gongmao refs apply to 工贸 units only),
        # found while GB 35181-2017 was in force
        {
            "unit_id": cast.unit.pk,
            "description": "大堂存放汽油",
            "rule_refs": ["gb35181:6.8"],
            "found_at": "2022-10-08T10:00:00+08:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["grade"] == "major" and data["status"] == "found" and data["events"]
    hid = data["id"]
    bad = client.post(
        f"/api/v1/hazards/{hid}/transitions", {"action": "fly"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_action"
    wrong_state = client.post(
        f"/api/v1/hazards/{hid}/transitions", {"action": "close"}, content_type="application/json"
    )
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "not_allowed_now"
    stale = client.post(
        f"/api/v1/hazards/{hid}/transitions",
        {"action": "order", "version": 99},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "changed"
    ok = client.post(
        f"/api/v1/hazards/{hid}/transitions",
        {"action": "order", "due_at": "2099-06-01T18:00:00+08:00"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "ordered"
    unit = api_client(cast.unit_manager)
    plan = unit.post(
        f"/api/v1/hazards/{hid}/transitions",
        {"action": "start"},
        content_type="application/json",
    )
    assert plan.status_code == 409 and "六项" in plan.json()["detail"]


@pytest.mark.django_db
def test_notifications_once_and_inbox(
    cast, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.TASKS = IMMEDIATE_TASKS  # the e-mail task runs at once
    cast.unit_manager.email = "unit@example.com"
    cast.unit_manager.save()
    h = hazard(cast)
    due = timezone.now() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_hazard(h, actor=cast.inspector, due_at=due)
        notify_deadlines_once(timezone.now())
        notify_deadlines_once(timezone.now())
        notify_deadlines_once(due + dt.timedelta(hours=1))
        notify_deadlines_once(due + dt.timedelta(hours=2))
    keys = sorted(
        Notification.objects.filter(recipient=cast.unit_manager).values_list("key", flat=True)
    )
    assert [k.split(":")[2] for k in keys] == ["due_soon", "ordered", "overdue"]
    assert len(mailoutbox) == 3
    page = web_client(cast.unit_manager).get("/inbox/").content.decode()
    assert h.title in page
    assert not web_client(cast.other_unit_manager).get("/inbox/").content.decode().count(h.title)
    web_client(cast.unit_manager).post("/inbox/read/")
    assert not Notification.objects.filter(recipient=cast.unit_manager, read_at=None).exists()


@pytest.mark.django_db
def test_unit_panel_lists_open_hazards_only(cast):
    open_one = hazard(cast, title="未整改隐患")
    after = photo(cast.inspector, cast.unit)
    hazard(cast, title="已销号隐患", fixed_on_spot=True, after_photo_ids=[after.pk])
    page = web_client(cast.unit_manager).get(f"/hazards/units/{cast.unit.pk}/panel/")
    text = page.content.decode()
    assert open_one.title in text and "已销号隐患" not in text
    other = make_unit()
    assert web_client(cast.unit_manager).get(f"/hazards/units/{other.pk}/panel/").status_code == 404


@pytest.mark.django_db
def test_ledger_names_places_and_offers_regions_not_codes(cast):
    hazard(cast, title="本区隐患")
    page = web_client(cast.city_regulator).get("/hazards/")
    html = page.content.decode()
    assert page.context["rows"][0]["region"] == "南关区"
    assert 'data-testid="region-filter"' in html
    assert '<option value="220102">　南关区</option>' in html
    assert '<option value="220200"' not in html  # another city is not offered
    chosen = web_client(cast.city_regulator).get("/hazards/?region=220102").content.decode()
    assert '<option value="220102" selected>' in chosen


@pytest.mark.django_db
def test_the_hazard_page_links_its_inspection_instead_of_printing_a_reference(cast):
    h = hazard(cast, source_ref="inspection:41/item:R19A")
    html = web_client(cast.regulator).get(f"/hazards/{h.pk}/").content.decode()
    assert "inspection:41" not in html
    assert 'href="/inspections/41/"' in html and "R19A" in html
    other = hazard(cast, source_ref="demo:3")
    assert "demo:3" not in web_client(cast.regulator).get(f"/hazards/{other.pk}/").content.decode()


@pytest.mark.django_db
def test_a_failed_export_says_so_and_offers_no_file(cast, monkeypatch):
    from hazardloop.hazards import exports
    from hazardloop.hazards.models import HazardExport

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_ledger", broken)
    hazard(cast)
    client = web_client(cast.inspector)
    client.post("/hazards/export/")
    job = HazardExport.objects.get()
    assert exports.run_export_once(job.pk) == "failed"
    page = client.get(f"/hazards/exports/{job.pk}/").content.decode()
    assert "导出文件生成失败" in page and "export-download" not in page
    assert client.get(f"/hazards/exports/{job.pk}/download/").status_code == 404
