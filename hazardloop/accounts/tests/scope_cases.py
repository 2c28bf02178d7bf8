from hazardloop.accounts.services import create_api_token
from hazardloop.testing import ALLOW, HIDE, ScopeCase, everyone

EVERYONE = everyone(ALLOW)
# The token is the unit manager's: to anyone else, even an admin, it does not exist.
OWN_TOKEN = {**everyone(HIDE), "unit_manager": ALLOW}


def _unit_manager_token(cast):
    return create_api_token(cast.unit_manager, actor=cast.unit_manager)[0]


def _shows_own_name(response, cast, obj) -> bool:
    return response.wsgi_request.user.get_username() in response.content.decode()


CASES = [
    ScopeCase(
        "profile page",
        "accounts:profile",
        lambda c, o: "/account/",
        EVERYONE,
        check=_shows_own_name,
    ),
    ScopeCase(
        "revoke own token",
        "accounts:revoke_token",
        lambda c, o: f"/account/tokens/{o.pk}/revoke/",
        OWN_TOKEN,
        make=_unit_manager_token,
        method="post",
        redirect=lambda c, o: "/account/",
    ),
    ScopeCase(
        "API: who am I",
        "GET /api/v1/auth/me",
        lambda c, o: "/api/v1/auth/me",
        EVERYONE,
        api=True,
        check=_shows_own_name,
    ),
    ScopeCase(
        "API: revoke token",
        "DELETE /api/v1/auth/token",
        lambda c, o: "/api/v1/auth/token",
        EVERYONE,
        method="delete",
        api=True,
        check=lambda r, c, o: r.status_code == 204,
    ),
]
