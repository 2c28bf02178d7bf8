from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hazardloop.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from hazardloop.accounts.models import ApiToken, User
from hazardloop.accounts.people_forms import NewPasswordForm
from hazardloop.accounts.services import (
    change_password,
    create_api_token,
    record_login,
    record_logout,
    revoke_api_token,
)


@sensitive_post_parameters("password")
def login_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        record_login(form.user, via="web")
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = settings.LOGIN_REDIRECT_URL
        return redirect(target)
    status = 400 if form.errors else 200
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record_logout(request.user)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters("old_password", "new_password", "new_password2")
def profile(request):
    token_form = TokenForm()
    password_form = PasswordChangeForm(request.user)
    new_token = None
    if request.method == "POST" and request.POST.get("form") == "token":
        token_form = TokenForm(request.POST)
        if token_form.is_valid():
            _token, new_token = create_api_token(
                request.user, actor=request.user, name=token_form.cleaned_data["name"]
            )
    elif request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(request.user, request.POST)
        if password_form.is_valid():
            change_password(
                request.user,
                actor=request.user,
                new_password=password_form.cleaned_data["new_password"],
            )
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
    tokens = ApiToken.objects.filter(user=request.user)
    context = {
        "token_form": token_form,
        "password_form": password_form,
        "new_token": new_token,
        "tokens": tokens,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


@login_required
@never_cache
@sensitive_post_parameters("new_password", "new_password2")
def password_required(request):
    """Replace a temporary password: the middleware sends its holder here before anything."""
    if not request.user.must_change_password:
        return redirect("accounts:profile")
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_password(
            request.user, actor=request.user, new_password=form.cleaned_data["new_password"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        target = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = settings.LOGIN_REDIRECT_URL
        return redirect(target)
    status = 400 if form.errors else 200
    return render(request, "accounts/password_required.html", {"form": form}, status=status)


def _user_for_link(uidb64: str, token: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.filter(pk=int(pk), is_active=True).first()
    except (ValueError, TypeError, OverflowError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@never_cache
@sensitive_post_parameters("new_password", "new_password2")
def reset_link(request, uidb64: str, token: str):
    """A one-time link made by an account manager: choose a password, then sign in with it.
    The link dies once used (the password it was made for changed) or when it expires."""
    user = _user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/reset_link_invalid.html", status=404)
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_password(user, actor=user, new_password=form.cleaned_data["new_password"])
        if request.user.is_authenticated:
            logout(request)
        messages.success(request, _("Your password was set. Sign in with it."))
        return redirect("accounts:login")
    status = 400 if form.errors else 200
    context = {"form": form, "person": user}
    return render(request, "accounts/reset_link.html", context, status=status)
