"""Sessions that end after `SESSION_COOKIE_AGE` idle seconds without a database write on every
request: Django's `SESSION_SAVE_EVERY_REQUEST` rewrites the session row (an UPDATE and a
COMMIT) on every request to push the expiry forward; here the expiry is pushed forward at most
once per `SESSION_RENEW_SECONDS` (default 60), so an idle session ends between
`SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS` and `SESSION_COOKIE_AGE` after the last request.
A session changed by the request is saved as always."""

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils import timezone

RENEWED = "_renewed"


class RenewingSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        # `session_key` does not load the session: a request without one has nothing to renew.
        if session is None or not (session.modified or session.session_key):
            return super().process_response(request, response)
        if not session.is_empty():
            now = int(timezone.now().timestamp())
            every = getattr(settings, "SESSION_RENEW_SECONDS", 60)
            if session.modified or now - session.get(RENEWED, 0) >= every:
                session[RENEWED] = now  # marks it modified: the parent saves it
        return super().process_response(request, response)
