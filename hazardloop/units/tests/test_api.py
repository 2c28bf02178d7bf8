"""/api/v1/units: filters, create, patch, import; the error shape; the query budget."""

import pytest

from hazardloop.testing import api_client, make_unit
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import HEADER, code, xlsx_file

pytestmark = pytest.mark.django_db


def test_list_has_items_and_count_and_the_page_filters(cast):
    make_unit("220102", name="管道气饭店", gas_use="pipeline")
    make_unit("220103", name="宽城饭店", gas_use="pipeline")
    client = api_client(cast.city_regulator)
    body = client.get("/api/v1/units?gas=pipeline&sort=name").json()
    assert body["count"] == 2 and {u["name"] for u in body["items"]} == {"管道气饭店", "宽城饭店"}
    body = client.get("/api/v1/units?gas=pipeline&region=220103").json()
    assert [u["name"] for u in body["items"]] == ["宽城饭店"]
    body = client.get("/api/v1/units?q=管道气").json()
    assert body["count"] == 1
    bad = client.get("/api/v1/units?risk=purple")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_list_query_budget(cast, django_assert_max_num_queries):
    for i in range(40):
        make_unit("220102", name=f"接口饭店{i}")
    client = api_client(cast.regulator)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/units?limit=100").json()
    assert body["count"] >= 40


def test_create_and_duplicate(cast):
    client = api_client(cast.regulator)
    payload = {
        "name": "接口饭店",
        "uscc": code(),
        "region": "220102",
        "sector": "catering",
        "gas_use": "bottled_lpg",
        "lpg_cylinders": 2,
        "lpg_stored_kg": 30,
        "principal_phone": "+86 13812345678",
        "contacts": [{"role_title": "厨师长", "name": "李", "phone": "0431-88886666"}],
    }
    response = client.post("/api/v1/units", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["principal_phone"] == "13812345678" and body["contacts"][0]["name"] == "李"
    again = client.post("/api/v1/units", payload, content_type="application/json")
    assert again.status_code == 409 and str(body["id"]) in again.json()["detail"]


def test_create_refuses_bad_codes_with_a_reason(cast):
    payload = {"name": "x", "uscc": "91350100M000100Y44", "region": "220102", "sector": "catering"}
    response = api_client(cast.regulator).post(
        "/api/v1/units", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "uscc"
    assert not Unit.objects.filter(name="x").exists()


def test_patch_by_the_unit_manager(cast):
    client = api_client(cast.unit_manager)
    url = f"/api/v1/units/{cast.unit.pk}"
    ok = client.patch(url, {"address": "人民大街8号"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["address"] == "人民大街8号"
    refused = client.patch(url, {"region": "220103"}, content_type="application/json")
    assert refused.status_code == 403
    assert Unit.objects.get(pk=cast.unit.pk).region_id == "220102"


def test_import_dry_run_then_commit(cast):
    client = api_client(cast.regulator)
    c = code()
    fh = xlsx_file([HEADER[:4], ["接口导入饭店", c, "南关区", "餐饮"]])
    body = client.post("/api/v1/units/import", {"file": fh, "dry_run": "true"}).json()
    assert (body["created"], body["updated"], body["errors"]) == (1, 0, [])
    assert not Unit.objects.filter(uscc=c).exists()
    fh.seek(0)
    body = client.post("/api/v1/units/import", {"file": fh, "dry_run": "false"}).json()
    assert body["committed"] and Unit.objects.filter(uscc=c).exists()
    bad = xlsx_file([HEADER[:4], ["坏", "123", "南关区", "餐饮"]])
    body = client.post("/api/v1/units/import", {"file": bad, "dry_run": "false"}).json()
    assert body["errors"] == [
        {"row": 2, "column": "统一社会信用代码", "message": body["errors"][0]["message"]}
    ]
    assert not body["committed"]
