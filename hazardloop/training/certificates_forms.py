"""Phone-first forms for a unit's certificates and its fire-control-room roster."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.training.certificates import current_staff
from hazardloop.training.choices import CertificateKind
from hazardloop.training.control_room_choices import ShiftKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_post_display()}"


class CertificateForm(forms.Form):
    holder = StaffChoice(label=_("Holder"), queryset=None)
    kind = forms.ChoiceField(label=_("Certificate"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("Certificate number"), max_length=50)
    issuer = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Valid until"), widget=DateInput())

    def __init__(self, *args, unit, renew_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = current_staff(unit, timezone.localdate())
        self.fields["holder"].empty_label = _("Choose a person")
        if renew_of is not None:
            # A renewal keeps its holder and kind; the person may have left meanwhile.
            self.fields["holder"].queryset = current_staff(unit)
            for name in ("holder", "kind"):
                self.fields[name].disabled = True
        _style(self)

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and issued > expires:
            self.add_error("expires_on", _("A certificate cannot expire before it was issued."))
        return data


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_post_display()}"


class ShiftForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    shift = forms.ChoiceField(label=_("Shift"), choices=ShiftKind.choices)
    people = PeopleChoice(
        label=_("People on duty"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the people on duty.")},
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = current_staff(unit, timezone.localdate())
        _style(self)
