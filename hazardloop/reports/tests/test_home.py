import pytest

pytestmark = pytest.mark.django_db


def test_audit_page_searches(client, cast):
    from django.test import Client

    Client().post("/login/", {"username": "t-reg", "password": "wrong-password-1"})
    client.force_login(cast.admin)
    found = client.get("/audit/?action=login.failed").context["events"]
    assert [e.action for e in found] == ["login.failed"] and found[0].actor_label == "t-reg"
    assert not client.get("/audit/?action=login.failed&actor=nobody").context["events"]
    bad = client.get("/audit/?from=yesterday")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()


def test_audit_list_links_to_an_events_before_and_after_without_printing_them(client, cast):
    from hazardloop.audit.services import record_event

    big = {
        "rows": [{"name": f"单位{i}", "address": "长春市南关区人民大街" * 5} for i in range(2000)]
    }
    event = record_event("unit.import_rows", actor=cast.regulator, obj=cast.unit, after=big)
    quiet = record_event("unit.viewed", actor=cast.regulator, obj=cast.unit)
    client.force_login(cast.admin)
    listing = client.get("/audit/?action=unit.")
    html = listing.content.decode()
    assert "单位1999" not in html and len(html) < 100_000  # the 300 kB stay in the table
    assert f'href="/audit/{event.seq}/" data-testid="event-details"' in html
    assert f'href="/audit/{quiet.seq}/" data-testid="event-details"' not in html
    page = client.get(f"/audit/{event.seq}/").content.decode()
    assert "单位1999" in page and "unit.import_rows" in page
    assert client.get("/audit/999999/").status_code == 404
