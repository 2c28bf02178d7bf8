"""/api/v1/units: filters, create, patch, import; the error shape; the query budget."""

import pytest

from hazardloop.testing import IMMEDIATE_TASKS, api_client, make_unit
from hazardloop.units.models import Unit, UnitJob
from hazardloop.units.tests.helpers import HEADER, code, csv_file, xlsx_file

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


def _import(client, fh, **data):
    return client.post("/api/v1/units/import", {"file": fh, **data})


def test_import_is_a_background_job_with_a_status_url(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_client(cast.regulator)
    c = code()
    fh = xlsx_file([HEADER[:4], ["接口导入饭店", c, "南关区", "餐饮"]])
    response = _import(client, fh)
    # the web worker only stores the file and queues the job: nothing is read or written yet
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["state"], body["dry_run"], body["counts"]["created"]) == ("queued", True, 0)
    assert body["status_url"] == f"/api/v1/units/imports/{body['id']}"
    assert client.get(body["status_url"]).json()["state"] == "queued"
    from hazardloop.units.jobs import run_job_once

    run_job_once(body["id"])
    status = client.get(body["status_url"]).json()
    assert status["state"] == "checked" and status["counts"]["created"] == 1
    assert status["progress"]["percent"] == 100 and status["errors"] == []
    assert [col["field"] for col in status["columns"]] == ["name", "uscc", "region", "sector"]
    assert not Unit.objects.filter(uscc=c).exists()


def test_import_dry_run_then_commit(cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    client = api_client(cast.regulator)
    c = code()
    fh = xlsx_file([HEADER[:4], ["接口导入饭店", c, "南关区", "餐饮"]])
    body = client.get(_import(client, fh, dry_run="true").json()["status_url"]).json()
    assert (body["state"], body["counts"]["created"], body["errors"]) == ("checked", 1, [])
    assert not Unit.objects.filter(uscc=c).exists()
    fh.seek(0)
    body = client.get(_import(client, fh, dry_run="false").json()["status_url"]).json()
    assert body["state"] == "committed" and Unit.objects.filter(uscc=c).exists()
    bad = xlsx_file([HEADER[:4], ["坏", "123", "南关区", "餐饮"]])
    body = client.get(_import(client, bad, dry_run="false").json()["status_url"]).json()
    assert body["state"] == "failed"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "统一社会信用代码")]


def test_a_checked_dry_run_is_committed_without_a_new_upload(cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    client = api_client(cast.regulator)
    c = code()
    job = _import(client, xlsx_file([HEADER[:4], ["确认饭店", c, "南关区", "餐饮"]])).json()
    response = client.post(f"/api/v1/units/imports/{job['id']}/commit")
    assert response.status_code == 202 and response.json()["dry_run"] is False
    body = client.get(job["status_url"]).json()
    assert body["state"] == "committed" and body["counts"]["created"] == 1
    assert Unit.objects.filter(uscc=c).exists()
    again = client.post(f"/api/v1/units/imports/{job['id']}/commit")
    assert again.status_code == 409 and again.json()["code"] == "not_committable"
    bad = _import(client, xlsx_file([HEADER[:4], ["坏", "123", "南关区", "餐饮"]])).json()
    refused = client.post(f"/api/v1/units/imports/{bad['id']}/commit")
    assert refused.status_code == 409
    assert client.get(bad["status_url"]).json()["state"] == "checked"
    other = api_client(cast.city_regulator).post(f"/api/v1/units/imports/{bad['id']}/commit")
    assert other.status_code == 404


def test_import_with_a_mapping_and_unknown_columns(cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    client = api_client(cast.regulator)
    rows = [
        ["名称", "代码", "区县", "经营项目", "备注"],
        ["映射饭店", code(), "南关区", "餐饮", "x"],
    ]
    body = client.get(_import(client, xlsx_file(rows)).json()["status_url"]).json()
    assert body["missing_fields"] == ["uscc", "sector"]
    assert body["unknown_columns"] == ["代码", "经营项目", "备注"]
    mapping = '{"代码": "uscc", "经营项目": "sector", "备注": ""}'
    body = client.get(_import(client, xlsx_file(rows), mapping=mapping).json()["status_url"]).json()
    assert body["state"] == "checked" and body["errors"] == [] and body["unknown_columns"] == []
    assert body["counts"]["created"] == 1


@pytest.mark.parametrize(
    "mapping",
    ["[1, 2]", "not json", '{"代码": "colour"}', '{"a": "uscc", "b": "uscc"}'],
)
def test_import_refuses_a_bad_mapping(cast, mapping):
    client = api_client(cast.regulator)
    response = _import(client, xlsx_file([HEADER[:4]]), mapping=mapping)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "mapping"
    assert not UnitJob.objects.exists()


def test_import_limits_and_refusals(cast, settings):
    client = api_client(cast.regulator)
    settings.IMPORT_MAX_BYTES = 100
    big = _import(client, xlsx_file([HEADER[:4], ["饭店", code(), "南关区", "餐饮"]]))
    assert big.status_code == 413 and big.json()["code"] == "file_too_large"
    other = _import(client, csv_file([["x"]], name="units.txt"))
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "file"
    refused = _import(api_client(cast.unit_manager), csv_file([["x"]]))
    assert refused.status_code == 403
    assert not UnitJob.objects.exists()


def test_import_status_is_its_creators_alone(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = _import(api_client(cast.regulator), csv_file([HEADER[:4]])).json()
    assert api_client(cast.regulator).get(body["status_url"]).status_code == 200
    for user in (cast.city_regulator, cast.admin):
        response = api_client(user).get(body["status_url"])
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    export = UnitJob.objects.create(kind="export", created_by=cast.regulator)
    assert api_client(cast.regulator).get(f"/api/v1/units/imports/{export.pk}").status_code == 404


def test_import_status_codes_are_documented(cast):
    paths = api_client(cast.regulator).get("/api/v1/openapi.json").json()["paths"]
    post = paths["/api/v1/units/import"]["post"]["responses"]
    get = paths["/api/v1/units/imports/{job_id}"]["get"]["responses"]
    assert set(post) >= {"202", "401", "403", "413", "422"}
    assert set(get) >= {"200", "401", "404"}
    commit = paths["/api/v1/units/imports/{job_id}/commit"]["post"]["responses"]
    assert set(commit) >= {"202", "401", "403", "404", "409"}
