from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from hazardloop.accounts.services import LoginRefused, authenticate_user


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.user = authenticate_user(data["username"], data["password"])
        except LoginRefused as refusal:
            raise forms.ValidationError(str(refusal), code=refusal.code) from None
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, required=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, strip=False
    )
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is not right."), code="wrong")
        return value

    def clean(self):
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password2")
        if new and again and new != again:
            self.add_error("new_password2", _("The two new passwords differ."))
        elif new:
            try:
                password_validation.validate_password(new, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return data
