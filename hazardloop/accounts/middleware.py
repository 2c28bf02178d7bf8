"""Someone signed in with a password another person chose (a temporary one) goes to the
change page before anything else; API calls made with the session are refused until then."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hazardloop.core.api import error_body

# What such a user may still reach: the change page itself, signing out, the language switch and
# the files the pages load.
_OPEN = ("/account/password/", "/logout/", "/i18n/", "/jsi18n/", "/static/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_OPEN)
        ):
            if request.path.startswith("/api/"):
                body = error_body(
                    _(
                        "Choose a new password first: sign in on the web to replace the "
                        "temporary one."
                    ),
                    "password_change_required",
                )
                return JsonResponse(body, status=403)
            target = reverse("accounts:password_required")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
