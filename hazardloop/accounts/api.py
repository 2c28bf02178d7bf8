"""POST /auth/token (sign in), DELETE /auth/token (revoke the token in use), GET /auth/me."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from hazardloop.accounts.access import roles_of
from hazardloop.accounts.services import (
    LoginRefused,
    authenticate_user,
    create_api_token,
    record_login,
    revoke_api_token,
)
from hazardloop.core.api import ApiError, Error, Text

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Text(150)
    password: Text(256)
    name: Text(100) = ""


class TokenOut(Schema):
    token: str


class MyMembershipOut(Schema):
    role: str
    region: str
    department: str | None = None
    unit_id: int | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    memberships: list[MyMembershipOut]


@router.post("/token", auth=None, response={200: TokenOut, 401: Error, 423: Error, 429: Error})
def obtain_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token."""
    try:
        user = authenticate_user(payload.username, payload.password)
    except LoginRefused as refusal:
        status = {"account_locked": 423, "throttled": 429}.get(refusal.code, 401)
        raise ApiError(status, refusal.code, str(refusal)) from None
    if user.must_change_password:
        raise ApiError(
            403,
            "password_change_required",
            _("Choose a new password first: sign in on the web to replace the temporary one."),
        )
    record_login(user, via="api")
    _token, raw = create_api_token(user, actor=user, name=payload.name or "api")
    return {"token": raw}


@router.delete("/token", response={204: None, 400: Error})
def revoke_token(request):
    """Revoke the bearer token this request was made with."""
    token = getattr(request.user, "_hl_token", None)
    if token is None:
        raise ApiError(400, "no_token", _("This request was not made with an API token."))
    revoke_api_token(token, actor=request.user)
    return 204, None


@router.get("/me", response=MeOut)
def me(request):
    """Who the token or session belongs to, and their memberships."""
    from hazardloop.accounts.access import memberships_of

    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": str(user),
        "roles": sorted(roles_of(user)),
        "memberships": [
            {
                "role": m.role,
                "region": m.region_id,
                "department": m.department.name if m.department else None,
                "unit_id": m.unit_id,
            }
            for m in memberships_of(user)
        ],
    }
