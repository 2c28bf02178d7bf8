"""/api/v1/users: refusals in the one error shape, every status documented, lengths limited,
pages of at most 100."""

import pytest
from django.test import Client

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.api.router import api
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db


def _post(client, body):
    return client.post("/api/v1/users", body, content_type="application/json")


def _body(username="wang", **extra):
    return {
        "username": username,
        "name": "王五",
        "phone": "13912345678",
        "memberships": [{"role": "inspector", "region_code": "220102"}],
        **extra,
    }


def test_create_read_change_and_reset(cast):
    client = api_client(cast.regulator)
    created = _post(client, _body())
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["must_change_password"] and person["temporary_password"]
    assert person["memberships"][0]["region_code"] == "220102"
    got = client.get(f"/api/v1/users/{person['id']}").json()
    assert "temporary_password" not in got and got["name"] == "王五"
    changed = client.patch(
        f"/api/v1/users/{person['id']}",
        {"memberships": [{"role": "expert", "region_code": "220102"}]},
        content_type="application/json",
    ).json()
    assert [(m["role"], m["is_active"]) for m in changed["memberships"]] == [
        ("expert", True),
        ("inspector", False),
    ]
    link = client.post(
        f"/api/v1/users/{person['id']}/password-reset",
        {"method": "link"},
        content_type="application/json",
    ).json()
    assert link["link"].startswith("http://testserver/account/reset/")
    assert Client().get(link["link"]).status_code == 200


def test_a_chosen_password_must_pass_and_is_never_returned(cast):
    client = api_client(cast.regulator)
    weak = _post(client, _body(password="hazardloop-demo"))
    assert weak.status_code == 422 and weak.json()["code"] == "invalid"
    assert weak.json()["errors"]
    good = _post(client, _body(password="a-long-and-private-phrase"))
    assert good.status_code == 201 and good.json()["temporary_password"] is None
    assert User.objects.get(username="wang").must_change_password


@pytest.mark.parametrize(
    ("membership", "status", "code"),
    [
        ({"role": "inspector", "region_code": "220103"}, 422, "outside_scope"),
        ({"role": "inspector", "region_code": "999999"}, 422, "outside_scope"),
        ({"role": "admin", "region_code": "220102"}, 403, "role_above_yours"),
        ({"role": "unit_manager", "region_code": "220102"}, 422, "invalid"),
        ({"role": "no_such_role", "region_code": "220102"}, 422, "invalid"),
    ],
)
def test_refusals_in_the_error_shape(cast, membership, status, code):
    response = _post(api_client(cast.regulator), _body(memberships=[membership]))
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == code
    assert not User.objects.filter(username="wang").exists()


def test_a_taken_username_and_over_long_fields(cast):
    client = api_client(cast.regulator)
    assert _post(client, _body("t-insp")).json()["code"] == "username_taken"
    assert _post(client, _body("T-INSP")).status_code == 409
    assert _post(client, _body("x" * 151)).status_code == 422
    assert _post(client, _body(name="名" * 101)).status_code == 422
    assert _post(client, _body(memberships=[])).status_code == 422
    assert client.get("/api/v1/users?q=" + "x" * 101).status_code == 422


def test_a_unit_manager_adds_staff_of_their_own_unit_only(cast):
    client = api_client(cast.unit_manager)
    mine = {"role": "unit_safety_officer", "unit_id": cast.unit.pk}
    assert _post(client, _body("s1", memberships=[mine])).status_code == 201
    theirs = {"role": "unit_safety_officer", "unit_id": cast.other_unit.pk}
    assert _post(client, _body("s2", memberships=[theirs])).json()["code"] == "outside_scope"
    office = {"role": "duty_officer", "region_code": "220102"}
    assert _post(client, _body("s3", memberships=[office])).status_code == 422


def test_the_list_is_paged_at_most_100_and_filtered(cast, django_assert_max_num_queries):
    users = User.objects.bulk_create(
        [User(username=f"bulk{i:03}", display_name=f"批量{i}") for i in range(105)]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, role=Role.UNIT_SAFETY_OFFICER, unit=cast.unit, region_id="220102")
            for u in users
        ]
    )
    client = api_client(cast.regulator)
    with django_assert_max_num_queries(12):
        page = client.get("/api/v1/users?limit=500").json()
    assert page["count"] >= 110 and len(page["items"]) == 100
    only = client.get("/api/v1/users?q=bulk007").json()
    assert [p["username"] for p in only["items"]] == ["bulk007"]
    inspectors = client.get("/api/v1/users?role=inspector").json()["items"]
    assert [p["username"] for p in inspectors] == ["t-insp"]
    User.objects.filter(username="bulk001").update(is_active=False)
    inactive = client.get("/api/v1/users?active=false").json()["items"]
    assert [p["username"] for p in inactive] == ["bulk001"]


def test_session_api_calls_wait_for_the_new_password(cast):
    cast.inspector.must_change_password = True
    cast.inspector.save()
    client = Client()
    client.force_login(cast.inspector)
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "t-insp", "password": "correct-horse-battery"},
        content_type="application/json",
    )
    assert token.status_code == 403 and token.json()["code"] == "password_change_required"


def test_every_status_is_documented():
    paths = api.get_openapi_schema()["paths"]
    expected = {
        ("get", "/api/v1/users"): {"200", "401", "403", "422"},
        ("post", "/api/v1/users"): {"201", "401", "403", "409", "422"},
        ("get", "/api/v1/users/{user_id}"): {"200", "401", "403", "404"},
        ("patch", "/api/v1/users/{user_id}"): {"200", "401", "403", "404", "409", "422"},
        ("post", "/api/v1/users/{user_id}/password-reset"): {
            "200",
            "401",
            "403",
            "404",
            "409",
            "422",
        },
    }
    for (method, path), statuses in expected.items():
        assert statuses <= {str(s) for s in paths[path][method]["responses"]}, path


def test_every_list_has_a_maximum_page_size():
    from hazardloop.core.api import Pagination

    assert Pagination().max_limit == 500
    assert Pagination(max_limit=100).max_limit == 100
    page = Pagination().paginate_queryset(
        list(range(800)), Pagination.Input(limit=10_000, offset=0), request=None
    )
    assert len(page["items"]) == 500 and page["count"] == 800


def test_a_department_role_names_a_department_of_the_scope(cast):
    from hazardloop.regions.choices import DepartmentKind
    from hazardloop.testing import make_department

    fire = make_department("220102", DepartmentKind.FIRE)
    elsewhere = make_department("220103", DepartmentKind.FIRE)
    client = api_client(cast.regulator)
    ok = _post(client, _body("d1", memberships=[{"role": "inspector", "department_id": fire.pk}]))
    assert ok.status_code == 201
    assert ok.json()["memberships"][0]["department_id"] == fire.pk
    assert ok.json()["memberships"][0]["region_code"] == "220102"
    other = {"role": "inspector", "department_id": elsewhere.pk}
    assert _post(client, _body("d2", memberships=[other])).json()["code"] == "outside_scope"
