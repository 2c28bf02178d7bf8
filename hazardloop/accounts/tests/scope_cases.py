from hazardloop.accounts.services import create_api_token
from hazardloop.testing import ALLOW, HIDE, LOGIN, ScopeCase

EVERYONE = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "regulator": ALLOW,
    "neighbour_inspector": ALLOW,
    "duty_officer": ALLOW,
    "unit_manager": ALLOW,
}


def _unit_manager_token(cast):
    return create_api_token(cast.unit_manager, actor=cast.unit_manager)[0]


CASES = [
    ScopeCase("profile page", "accounts:profile", lambda c, o: "/account/", EVERYONE),
    ScopeCase(
        "revoke own token",
        "accounts:revoke_token",
        lambda c, o: f"/account/tokens/{o.pk}/revoke/",
        # The token is the unit manager's: to anyone else, even an admin, it does not exist.
        {"anonymous": LOGIN, "unit_manager": ALLOW, "admin": HIDE, "regulator": HIDE},
        make=_unit_manager_token,
        method="post",
    ),
    ScopeCase(
        "API: who am I", "GET /api/v1/auth/me", lambda c, o: "/api/v1/auth/me", EVERYONE, api=True
    ),
    ScopeCase(
        "API: revoke token",
        "DELETE /api/v1/auth/token",
        lambda c, o: "/api/v1/auth/token",
        EVERYONE,
        method="delete",
        api=True,
    ),
]
