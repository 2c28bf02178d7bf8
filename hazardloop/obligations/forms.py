"""The unit's opening hours: one daily interval and the weekdays it is closed (phone first)."""

from django import forms
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", attrs={"class": "form-control form-control-lg"}, **kwargs)


class OpeningHoursForm(forms.Form):
    all_day = forms.BooleanField(label=_("Open around the clock"), required=False)
    opens = forms.TimeField(
        label=_("Opens at"), required=False, widget=TimeInput(),
        error_messages={"invalid": _("Enter a time such as 10:00.")},
    )  # fmt: skip
    closes = forms.TimeField(
        label=_("Closes at"), required=False, widget=TimeInput(),
        help_text=_("A closing time before the opening time means the next day (e.g. 02:00)."),
        error_messages={"invalid": _("Enter a time such as 22:00.")},
    )  # fmt: skip
    closed_days = forms.MultipleChoiceField(
        label=_("Closed on"), required=False, choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if len(data.get("closed_days") or []) == 7:
            self.add_error("closed_days", _("A unit cannot be closed every day of the week."))
        if data.get("all_day"):
            return data
        opens, closes = data.get("opens"), data.get("closes")
        if opens is None:
            self.add_error("opens", _("Enter when the unit opens."))
        if closes is None:
            self.add_error("closes", _("Enter when the unit closes."))
        if opens is not None and closes is not None and opens == closes:
            self.add_error(
                "closes",
                _("Opening and closing at the same time: tick “Open around the clock” instead."),
            )
        return data
