import pytest

from hazardloop.accounts.models import ApiToken
from hazardloop.audit.models import AuditEvent
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def user(reference_data):
    return make_user("bob", "regulator", region="220100", password=PASSWORD)


def obtain(client, username="bob", password=PASSWORD):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_token_round_trip(client, user):
    response = obtain(client)
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("hl_")
    stored = ApiToken.objects.get(user=user)
    assert token not in (stored.digest, stored.hint) and stored.hint == token[:10]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "bob" and me.json()["roles"] == ["regulator"]
    revoked = client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 204
    again = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
    assert again.json()["code"] == "not_authenticated"
    assert AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_wrong_password_gives_401_with_the_error_shape(client, user):
    response = obtain(client, password="nope-nope-nope")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "用户名或密码错误。",
        "code": "invalid_credentials",
        "errors": [],
    }


def test_lockout_applies_to_the_api_and_spares_working_tokens(client, user):
    token = obtain(client).json()["token"]
    for _ in range(5):
        obtain(client, password="nope-nope-nope")
    response = obtain(client)
    assert response.status_code == 423 and response.json()["code"] == "account_locked"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_missing_fields_are_listed(client, reference_data):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["field"] for e in body["errors"]] == ["password"]


def test_garbage_token_is_401(client, reference_data):
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer hl_nonsense"})
    assert response.status_code == 401


def test_token_of_a_deactivated_user_stops_working(client, user):
    token = obtain(client).json()["token"]
    user.is_active = False
    user.save()
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_session_works_for_the_api_and_writes_need_csrf(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/auth/me").status_code == 200
    assert client.delete("/api/v1/auth/token").status_code in (401, 403)


def test_tokens_page_creates_and_revokes(client, user):
    client.force_login(user)
    page = client.post("/account/", {"form": "token", "name": "phone"}).content.decode()
    token = ApiToken.objects.get(user=user, name="phone")
    assert token.hint in page
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_openapi_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"] and "/api/v1/regions" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_a_bad_token_on_a_write_is_401_not_a_csrf_403(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for token in ("hl_nonsense", "not-even-ours"):
        response = client.post(
            "/api/v1/hazards",
            {"unit_id": 1, "description": "x"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401, token
        assert response.json()["code"] == "not_authenticated"
