import io
import json

import pytest
from pypdf import PdfReader

from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version
from hazardloop.testing import api_client, make_unit, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspections(cast):
    _t, version = template_and_version()
    made = []
    for n in range(12):
        unit = cast.unit if n % 2 else make_unit(cast.unit.region_id)
        body = payload(cast, version, unit=unit, failing=n % 3 == 0)
        made.append(submit_inspection(body, actor=cast.inspector, unit=unit, version=version)[0])
    return made


def test_list_page_query_budget_and_keyset_paging(cast, inspections, django_assert_max_num_queries):
    client = web_client(cast.regulator)
    # 13: with the menu's counts (to-do once a minute per person; unread messages)
    with django_assert_max_num_queries(13):
        page = client.get("/inspections/")
    body = page.content.decode()
    assert all(f"/inspections/{i.pk}/" in body for i in inspections)
    failed = client.get("/inspections/?failed=1").content.decode()
    assert f"/inspections/{inspections[0].pk}/" in failed
    assert f"/inspections/{inspections[1].pk}/" not in failed


def test_api_list_query_budget_filters_and_cursor(cast, inspections, django_assert_max_num_queries):
    client = api_client(cast.regulator)
    with django_assert_max_num_queries(12):
        first = client.get("/api/v1/inspections?limit=5").json()
    assert len(first["items"]) == 5 and first["next"]
    second = client.get(f"/api/v1/inspections?limit=5&after={first['next']}").json()
    ids = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(ids) == 10
    by_unit = client.get(f"/api/v1/inspections?unit={cast.unit.pk}").json()["items"]
    assert {i["unit_id"] for i in by_unit} == {cast.unit.pk} and len(by_unit) == 6
    assert client.get("/api/v1/inspections?region=220103").json()["items"] == []
    assert len(client.get("/api/v1/inspections?region=220100").json()["items"]) == 12


def test_record_page_and_pdf(cast, inspections):
    inspection = inspections[0]
    client = web_client(cast.regulator)
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "安全出口上锁" in page and "王见证" in page
    assert "/evidence/photos/" in page
    pdf = client.get(f"/inspections/{inspection.pk}/record.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    data = pdf.content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")
    assert "现场检查记录" in text and inspection.unit.name in text and "王见证" in text
    assert "不合格" in text and "已登记隐患" in text
    assert data.count(b"/Subtype /Image") >= 3  # two photos and a signature


def test_unit_panel_and_form(cast, inspections, django_assert_max_num_queries):
    client = web_client(cast.inspector)
    with django_assert_max_num_queries(12):
        panel = client.get(f"/inspections/unit/{cast.unit.pk}/").content.decode()
    assert panel.count("/inspections/") >= 6
    form = client.get(f"/inspections/new/?unit={cast.unit.pk}")
    assert _boot(form)["unit"]["name"] == cast.unit.name
    public = client.get(f"/inspections/new/?u={cast.unit.public_id}")
    assert _boot(public)["unit"]["id"] == cast.unit.pk
    assert client.get("/inspections/new/?u=nonexistent").status_code == 404


def _boot(response) -> dict:
    html = response.content.decode()
    start = html.index('id="hl-boot" type="application/json">') + len(
        'id="hl-boot" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])
