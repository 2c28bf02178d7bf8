"""API authentication: a bearer token, or the browser's session (with its CSRF check)."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from hazardloop.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            # A request that presents a bearer token is a token request: a bad, expired or
            # revoked one is 401, never a fall back to the session (whose CSRF check says 403).
            raise AuthenticationError()
        request.user = user
        return user


api_auth = [TokenAuth(), django_auth]
