from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.training.choices import Post, TrainingItem

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class Styled(forms.Form):
    """Bootstrap classes on every widget (checkbox lists are styled in the template)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class StaffForm(Styled):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices, initial=Post.STAFF)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=20, required=False)
    hired_on = forms.DateField(label=_("Started on"), required=False, widget=DATE)


class TrainingForm(Styled):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    items = forms.MultipleChoiceField(
        label=_("Content (61号令 Art. 36)"), choices=TrainingItem.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    trainer = forms.CharField(label=_("Trainer"), max_length=100)
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=24 * 60, initial=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    pre_job = forms.BooleanField(label=_("Pre-job training for new staff"), required=False)
    staff = forms.MultipleChoiceField(
        label=_("Attendees"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = staff_choices


class PracticalForm(Styled):
    trainer = forms.CharField(label=_("Checked by"), max_length=100)
    extinguisher = forms.BooleanField(label=_("Uses an extinguisher"), required=False)
    exits = forms.BooleanField(label=_("Knows the exits and escape routes"), required=False)
    reports_119 = forms.BooleanField(label=_("Reports a fire to 119"), required=False)


class ImportForm(Styled):
    file = forms.FileField(label=_("Staff list (.xlsx)"))


class QuestionForm(Styled):
    text_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300)
    text_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    answer = forms.TypedChoiceField(
        label=_("Right answer"), coerce=int, choices=[(i, str(i + 1)) for i in range(4)]
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(4):
            self.fields[f"option{i}_zh"] = forms.CharField(
                label=_("Answer %(n)s (Chinese)") % {"n": i + 1}, max_length=200,
                required=False,
            )  # fmt: skip
            self.fields[f"option{i}_en"] = forms.CharField(
                label=_("Answer %(n)s (English)") % {"n": i + 1}, max_length=200,
                required=False,
            )  # fmt: skip
            for key in (f"option{i}_zh", f"option{i}_en"):
                self.fields[key].widget.attrs["class"] = "form-control"

    def options(self) -> list[tuple[str, str]]:
        d = self.cleaned_data
        return [(d.get(f"option{i}_zh", ""), d.get(f"option{i}_en", "")) for i in range(4)]
