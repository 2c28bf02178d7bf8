"""The unit portal: the manager's workbench shows today's due patrol with one tap to do it;
the duties page; the patrol page records a self-found hazard."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hazardloop.checklists.services import load_builtin_templates
from hazardloop.hazards.models import Hazard
from hazardloop.obligations.tests.helpers import at
from hazardloop.testing import build_cast, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def cast():
    c = build_cast()
    load_builtin_templates()
    c.unit.is_public_gathering = True
    c.unit.business_hours = "10:00-22:00"
    c.unit.save()
    return c


def _jpeg():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile("exit.jpg", buf.getvalue(), content_type="image/jpeg")


def test_workbench_shows_the_due_patrol_with_one_tap(cast):
    with time_machine.travel(at(2026, 3, 2, 11), tick=False):
        page = web_client(cast.unit_manager).get("/").content.decode()
    assert 'data-testid="section-duties_today"' in page
    assert f"/duties/unit/{cast.unit.pk}/patrol/" in page


def test_patrol_page_fail_exit_with_photo_raises_hazard(cast):
    client = web_client(cast.unit_manager)
    url = f"/duties/unit/{cast.unit.pk}/patrol/"
    assert client.get(url).status_code == 200
    # A problem without a photo: refused, nothing recorded, the note kept.
    r = client.post(url, {"r_P02": "fail", "n_P02": "后门被纸箱堵住"})
    assert r.status_code == 422 and "后门被纸箱堵住" in r.content.decode()
    assert not Hazard.objects.exists()
    r = client.post(url, {"r_P02": "fail", "n_P02": "后门被纸箱堵住", "p_P02": _jpeg()})
    assert r.status_code == 302
    h = Hazard.objects.get()
    assert h.source == "self_inspection" and "后门被纸箱堵住" in h.description
    duties = client.get(f"/duties/unit/{cast.unit.pk}/").content.decode()
    assert 'data-testid="duty-rows"' in duties


def test_the_unit_sets_its_own_deadline_for_a_general_self_found_hazard(cast):
    client = web_client(cast.unit_manager)
    url = f"/duties/unit/{cast.unit.pk}/patrol/"
    client.post(url, {"r_P02": "fail", "p_P02": _jpeg()})
    h = Hazard.objects.get()
    assert h.grade == "general" and h.status == "found"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/hazards/{h.pk}/" in page
    assert "Set your own deadline" in page or "自行确定整改期限" in page
