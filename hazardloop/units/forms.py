"""Forms: the unit profile (with contacts), the risk override, the import upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.lib import phones, uscc
from hazardloop.regions.models import Department, Region, Sector
from hazardloop.units.choices import GasUse, RiskLevel
from hazardloop.units.importing.rows import UNIT_REGION_LEVELS
from hazardloop.units.messages import phone_message, uscc_message
from hazardloop.units.models import Unit

# Fields only a regulator may change: the unit's identity and its official designation.
REGULATOR_ONLY = ("uscc", "region", "sector", "is_fire_key_unit", "is_important_place")


def _phone(value: str) -> str:
    if not value:
        return ""
    try:
        return phones.validate(value)
    except phones.PhoneError as error:
        raise forms.ValidationError(phone_message(error), code=error.code) from None


def style(form) -> None:
    """Bootstrap classes on every widget, so templates can render `{{ field }}`."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class UnitForm(forms.ModelForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), label=_("Sector"))
    supervising_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("Supervising departments"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Left empty on a new unit: filled from its region and sector."),
    )

    class Meta:
        model = Unit
        fields = [
            "name",
            "uscc",
            "region",
            "sector",
            "address",
            "latitude",
            "longitude",
            "floor_area_m2",
            "floors",
            "is_high_rise",
            "is_underground",
            "business_hours",
            "is_fire_key_unit",
            "is_crowded_place",
            "is_public_gathering",
            "is_important_place",
            "gas_use",
            "lpg_cylinders",
            "lpg_stored_kg",
            "principal_name",
            "principal_phone",
            "safety_manager_name",
            "safety_manager_phone",
        ]

    def __init__(self, *args, region_scope=None, regulator: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=UNIT_REGION_LEVELS)
        if region_scope is not None and not region_scope.everything:
            condition = region_scope.q("code", None)
            regions = regions.filter(condition)
        if not regulator and self.instance.pk:
            regions = Region.objects.filter(code=self.instance.region_id)
        self.fields["region"].queryset = regions.order_by("code")
        if self.instance.pk:
            chain = [self.instance.region_id, *self.instance.region.ancestors()]
            self.fields["supervising_departments"].queryset = Department.objects.filter(
                region__in=chain
            ).order_by("region_id", "kind")
            self.initial["supervising_departments"] = list(
                self.instance.supervising_departments.all()
            )
        else:
            del self.fields["supervising_departments"]
        if not regulator:
            for name in REGULATOR_ONLY:
                self.fields[name].disabled = True
        self.fields["uscc"].help_text = _("18 characters, as on the business licence.")
        style(self)

    def validate_unique(self):
        """A duplicate USCC is reported by the service, with a pointer to the existing unit."""

    def _get_validation_exclusions(self):
        # The same for the uscc unique constraint (model validation checks constraints).
        return super()._get_validation_exclusions() | {"uscc"}

    def clean_uscc(self):
        value = self.cleaned_data.get("uscc") or ""
        try:
            return uscc.validate(value)
        except uscc.USCCError as error:
            raise forms.ValidationError(uscc_message(error), code=error.code) from None

    def clean_principal_phone(self):
        return _phone(self.cleaned_data.get("principal_phone"))

    def clean_safety_manager_phone(self):
        return _phone(self.cleaned_data.get("safety_manager_phone"))

    def clean(self):
        data = super().clean()
        gas = data.get("gas_use")
        if (
            gas
            and gas != GasUse.BOTTLED_LPG
            and (data.get("lpg_cylinders") or data.get("lpg_stored_kg"))
        ):
            self.add_error(
                "lpg_cylinders", _("LPG cylinders are given, but the gas use is not bottled LPG.")
            )
        return data

    def profile_data(self) -> dict:
        data = {}
        for name in self.Meta.fields:
            value = self.cleaned_data.get(name)
            if name in ("region", "sector"):
                data[f"{name}_id"] = value.pk
            else:
                data[name] = value if value is not None or name in NULLABLE else ""
        return data


NULLABLE = {"latitude", "longitude", "floor_area_m2", "floors"}


class ContactForm(forms.Form):
    role_title = forms.CharField(label=_("Role"), max_length=50, required=False)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm"
        self.fields["phone"].widget.input_type = "tel"

    def clean_phone(self):
        return _phone(self.cleaned_data.get("phone"))

    def clean(self):
        data = super().clean()
        filled = [bool(data.get(k)) for k in ("role_title", "name", "phone")]
        # A phone refused by clean_phone is reported once, as itself, not as a missing one.
        if any(filled) and not all(filled) and "phone" not in self.errors:
            raise forms.ValidationError(_("Give the role, the name and the phone of a contact."))
        return data


MAX_CONTACTS = 20
# One blank row; the page adds more ("add another contact", units/contacts.js) and marks
# removed ones for deletion (the DELETE box), so the server validates whatever was sent.
ContactFormSet = forms.formset_factory(
    ContactForm, extra=1, max_num=MAX_CONTACTS, validate_max=True, can_delete=True
)


def contacts_from(formset) -> list[dict]:
    """The contacts in the order given: rows that are filled in and not removed."""
    return [
        {k: f.cleaned_data[k] for k in ("role_title", "name", "phone")}
        for f in formset.forms
        if f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
    ]


class RiskOverrideForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Risk level"),
        choices=RiskLevel.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"), help_text=_(".xlsx, or .csv in UTF-8 or GB18030")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or a .csv file."))
        return upload
