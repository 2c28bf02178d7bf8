"""Forms of the people pages. Places are chosen from pickers of what is in the user's scope
(regions and departments as a list, units by search), never typed as ids."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.accounts.choices import UNIT_ROLES, Role
from hazardloop.accounts.people import grant_departments, grant_regions, grantable_roles
from hazardloop.accounts.people_services import NAME_MAX, PHONE_MAX, USERNAME_MAX


def _styled(form: forms.Form) -> None:
    """Bootstrap classes on every widget (the templates render fields as they are)."""
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *Role.choices]
        self.fields["region"].choices = [("", _("All regions"))] + [
            (r.code, r.option_label) for r in grant_regions(user)
        ]
        _styled(self)


class GrantForm(forms.Form):
    """One role at one place: a region or department (department roles) or a unit."""

    role = forms.ChoiceField(label=_("Role"))
    place = forms.ChoiceField(
        label=_("Region or department"),
        required=False,
        help_text=_("For office roles: where the role holds (that region and everything below)."),
    )
    unit = forms.IntegerField(label=_("Unit"), required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = grantable_roles(user)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        regions = list(grant_regions(user))
        departments = {}
        for d in grant_departments(user):
            departments.setdefault(d.region_id, []).append(d)
        choices = [("", "—")]
        for region in regions:
            choices.append((f"r:{region.code}", region.option_label))
            for d in departments.get(region.code, []):
                choices.append((f"d:{d.pk}", f"\u3000\u3000{d.name}"))
        self.fields["place"].choices = choices
        self.offers_units = any(r in UNIT_ROLES for r in roles)
        self.offers_places = len(choices) > 1
        _styled(self)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        if role in UNIT_ROLES:
            if not data.get("unit"):
                self.add_error("unit", _("Choose the unit."))
        elif not data.get("place"):
            self.add_error("place", _("Choose the region or department."))
        return data

    def place_kwargs(self) -> dict:
        data = self.cleaned_data
        if data["role"] in UNIT_ROLES:
            return {"unit_id": data["unit"]}
        kind, _sep, value = data["place"].partition(":")
        if kind == "d":
            return {"department_id": int(value)}
        return {"region_code": value}


class PersonForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX,
        help_text=_("Used to sign in: letters, digits and @ . + - _, e.g. a phone number."),
    )
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"), max_length=NAME_MAX, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=PHONE_MAX, required=False)
    setting = forms.ChoiceField(
        label=_("Password"),
        choices=[
            ("temporary", _("Make a temporary password (shown once)")),
            ("set", _("Set one now")),
        ],
        initial="temporary",
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password to set"),
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput,
        help_text=_("The person must change it at the first sign-in either way."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("setting") == "set":
            if not data.get("password"):
                self.add_error("password", _("Give the password, or make a temporary one."))
            else:
                try:
                    password_validation.validate_password(data["password"])
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return data


class PersonEditForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"), max_length=NAME_MAX, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=PHONE_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ResetForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("temporary", _("A temporary password, to be changed at the next sign-in")),
            ("link", _("A one-time link for the person to choose a password")),
        ],
        initial="temporary",
        widget=forms.RadioSelect,
    )


class NewPasswordForm(forms.Form):
    """Choose a new password (after a temporary one, or from a one-time link)."""

    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password2")
        if new and again and new != again:
            self.add_error("new_password2", _("The two new passwords differ."))
        elif new:
            if self.user.check_password(new):
                self.add_error("new_password", _("Choose a password different from the old one."))
                return data
            try:
                password_validation.validate_password(new, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
