from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hazardloop.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from hazardloop.accounts.models import ApiToken
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
        return redirect("reports:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        record_login(form.user, via="web")
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "reports:home"
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
