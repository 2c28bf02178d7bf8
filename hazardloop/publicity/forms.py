from django import forms
from django.utils.translation import gettext_lazy as _

from hazardloop.publicity.choices import ActivityKind
from hazardloop.publicity.models import MAX_REACH, TEXT_MAX, TITLE_MAX


class ActivityForm(forms.Form):
    """A publicity activity (the photos and the document are read from request.FILES)."""

    place = forms.ChoiceField(label=_("Held by"))
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    held_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reach = forms.IntegerField(
        label=_("People reached"), min_value=0, max_value=MAX_REACH,
        help_text=_("Attendees, readers or viewers, as counted or estimated."),
    )  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description (optional)"), max_length=TEXT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, places=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = list(places)
        self.fields["campaign"].choices = [("", _("No campaign")), *campaigns]
