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


# Everything the pages load comes from this server (static_vendor/ holds the front-end packages),
# so the policy names no other origin and allows neither inline code nor eval: an injected
# <script>, style= or on*= attribute does nothing. Alpine runs its CSP build; charts draw on
# canvases (img-src data:/blob: for exported images and photo thumbnails).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Sets `Content-Security-Policy` on every response, in every mode (see docs/operations.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
