from hazardloop.core.request_context import client_ip, reset_request_meta, set_request_meta


class RequestContextMiddleware:
    """Makes the client address and user agent available to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_meta(
            {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)
