"""API authentication: a bearer token, or the browser's session (with its CSRF check)."""

from ninja.security import HttpBearer, django_auth

from hazardloop.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


api_auth = [TokenAuth(), django_auth]
