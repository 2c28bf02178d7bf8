"""Recording a hazard by hand: source by role, computed grade with its reason, photos, scope,
bad input, the links from the ledger and the unit panel."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hazardloop.audit.models import AuditEvent
from hazardloop.evidence.models import Photo
from hazardloop.hazards.models import Hazard, HazardPhoto
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.testing import make_unit, web_client


def _jpeg(colour=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "JPEG")
    return SimpleUploadedFile("h.jpg", buf.getvalue(), content_type="image/jpeg")


def _post(client, unit, **fields):
    data = {
        "description": "安全出口被杂物堵塞",
        "category": "evacuation",
        "default_grade": "general",
    }
    data.update(fields)
    return client.post(f"/hazards/units/{unit.pk}/new/", data)


@pytest.mark.django_db
def test_an_inspector_records_a_manual_hazard_with_photos_and_a_computed_grade(cast):
    ensure_rules()
    client = web_client(cast.inspector)
    events = AuditEvent.objects.count()
    response = _post(
        client,
        cast.unit,
        title="疏散通道上锁",
        rule_refs="gb35181:6.8",  # the cast's restaurant is a crowded place
        found_at="2022-10-08T10:00",
        photos=[_jpeg(), _jpeg((10, 200, 10))],
    )
    hazard = Hazard.objects.get(title="疏散通道上锁")
    assert response.status_code == 302 and response.url == f"/hazards/{hazard.pk}/"
    assert hazard.source == "manual" and hazard.found_by == cast.inspector
    assert hazard.grade == "major" and hazard.grade_rule_set == "GB35181-2017"
    assert HazardPhoto.objects.filter(hazard=hazard, role="before").count() == 2
    assert AuditEvent.objects.filter(action="hazard.create").count() >= 1
    assert AuditEvent.objects.count() > events
    page = client.get(response.url).content.decode()
    assert "GB 35181-2017 6.8" in page  # the reason, on the hazard page and in the message


@pytest.mark.django_db
def test_a_unit_manager_self_reports_at_their_own_unit(cast):
    client = web_client(cast.unit_manager)
    # The chooser goes straight to the user's own unit.
    response = client.get("/hazards/new/")
    assert response.status_code == 302 and response.url == f"/hazards/units/{cast.unit.pk}/new/"
    assert _post(client, cast.unit).status_code == 302
    assert Hazard.objects.get(unit=cast.unit).source == "self_inspection"
    assert _post(client, cast.other_unit).status_code == 404


@pytest.mark.django_db
def test_the_preview_shows_the_grade_and_its_reason_before_saving(cast):
    ensure_rules()
    client = web_client(cast.inspector)
    url = f"/hazards/units/{cast.unit.pk}/new/?preview=1"
    page = client.get(url + "&rule_refs=gb35181:6.8&found_at=2022-10-08T10:00").content.decode()
    assert 'data-testid="preview-grade"' in page and "GB 35181-2017 6.8" in page
    # 6.5 names entertainment places, shops and underground crowded places: not a restaurant,
    # in the preview as when saved (hazards.applicability)
    page = client.get(url + "&rule_refs=gb35181:6.5&found_at=2022-10-08T10:00").content.decode()
    assert "GB 35181-2017 6.5" not in page
    page = client.get(url + "&rule_refs=nonsense").content.decode()
    assert 'data-testid="preview-errors"' in page and "nonsense" in page
    assert not Hazard.objects.exists()


@pytest.mark.django_db
def test_bad_input_changes_nothing(cast):
    client = web_client(cast.inspector)
    before = (Hazard.objects.count(), Photo.objects.count(), AuditEvent.objects.count())
    response = _post(client, cast.unit, description="   ", photos=[_jpeg()])
    assert response.status_code == 400
    response = _post(client, cast.unit, rule_refs="6.5")
    assert response.status_code == 400 and "rule_refs" in response.context["form"].errors
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = _post(client, cast.unit, photos=[_jpeg(), bad])
    assert response.status_code == 400 and 'data-testid="form-errors"' in response.content.decode()
    response = _post(client, cast.unit, found_at="2099-01-01T10:00")
    assert response.status_code == 400
    assert (Hazard.objects.count(), Photo.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_the_unit_search_only_lists_units_in_scope(cast, django_assert_max_num_queries):
    mine = make_unit(name="南关区寻找饺子馆")
    far = make_unit(region_code=cast.neighbour_unit.region_id, name="邻区寻找饺子馆")
    client = web_client(cast.inspector)
    with django_assert_max_num_queries(9):  # with the menu's to-do and unread counts
        page = client.get("/hazards/new/?q=寻找饺子").content.decode()
    assert f"/hazards/units/{mine.pk}/new/" in page and f"/hazards/units/{far.pk}/new/" not in page
    # two characters: the short search of the units list (search_pairs), the same scope
    page = client.get("/hazards/new/?q=寻找").content.decode()
    assert f"/hazards/units/{mine.pk}/new/" in page and f"/hazards/units/{far.pk}/new/" not in page
    across = client.get("/hazards/new/?q=馆寻").content.decode()  # not across name and address
    assert f"/hazards/units/{mine.pk}/new/" not in across


@pytest.mark.django_db
def test_the_ledger_and_the_unit_panel_link_to_recording_and_listed_hazards(cast):
    page = web_client(cast.inspector).get("/hazards/").content.decode()
    assert 'href="/hazards/new/"' in page and 'href="/listed/"' in page
    page = web_client(cast.regulator).get("/hazards/").content.decode()
    assert 'href="/listed/"' in page
    page = web_client(cast.leader).get("/hazards/").content.decode()
    assert 'data-testid="record-link"' not in page
    panel = web_client(cast.unit_manager).get(f"/hazards/units/{cast.unit.pk}/panel/")
    assert f'href="/hazards/units/{cast.unit.pk}/new/"' in panel.content.decode()
    panel = web_client(cast.leader).get(f"/hazards/units/{cast.unit.pk}/panel/")
    assert "/new/" not in panel.content.decode()
