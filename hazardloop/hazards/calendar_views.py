"""Pages for holiday calendars and deadline policies (who may: hazards/calendars.py).

/deadlines/                      the years loaded, the ones missing, the deadline policies
/deadlines/calendars/<year>/     one year's calendar: read, or edit at province level
/deadlines/calendars/upload/     a calendar file (the shipped JSON format), province level
/deadlines/policies/new/         a deadline policy, province level
/deadlines/policies/<pk>/        a deadline policy: read, or edit / delete at province level
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from hazardloop.core.errors import page_errors
from hazardloop.hazards import calendars
from hazardloop.hazards.calendars import CalendarInvalid
from hazardloop.hazards.choices import Category, Grade
from hazardloop.hazards.models import DeadlinePolicy, HolidayYear


class _Bootstrap:
    """Bootstrap classes on every widget."""

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class YearForm(_Bootstrap, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Notice"),
        max_length=200,
        help_text=gettext_lazy("The State Council's holiday notice for the year."),
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    holidays = forms.CharField(
        label=gettext_lazy("Holidays"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One date or range per line: 2027-01-01 or 2027-02-05/2027-02-13."),
    )
    workdays = forms.CharField(
        label=gettext_lazy("Make-up working days"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("Saturdays or Sundays that are working days, one per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class UploadForm(_Bootstrap, forms.Form):
    file = forms.FileField(label=gettext_lazy("Calendar file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"
        self.style()


class PolicyForm(_Bootstrap, forms.Form):
    region_prefix = forms.ChoiceField(label=gettext_lazy("Region"))
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), choices=Grade.choices)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("Every category")), *Category.choices],
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days"), min_value=1, max_value=calendars.MAX_POLICY_DAYS
    )
    working_days = forms.BooleanField(label=gettext_lazy("Working days"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_prefix"].choices = [
            (r.prefix, r.name) for r in calendars.region_choices()
        ]
        self.style()


def _form_errors(form) -> list[str]:
    return [
        f"{form.fields[f].label}: {e}" if f in form.fields else e
        for f, errs in form.errors.items()
        for e in errs
    ]


@login_required
def overview(request):
    calendars.require_read(request.user)
    if "year" in request.GET:
        # The "enter or change a year" box.
        try:
            year = int(request.GET["year"])
        except ValueError:
            year = 0
        if calendars.FIRST_YEAR <= year <= calendars.LAST_YEAR:
            return redirect("hazards:calendar_year", year=year)
        messages.error(
            request,
            _("The year must be between %(first)s and %(last)s.")
            % {"first": calendars.FIRST_YEAR, "last": calendars.LAST_YEAR},
        )
    data = calendars.years_overview()
    region_names = {r.prefix: r.name for r in calendars.region_choices()}
    rows = [
        {"policy": p, "region": region_names.get(p.region_prefix, "")} for p in calendars.policies()
    ]
    return render(
        request,
        "hazards/calendars.html",
        {
            **data,
            "may_edit": calendars.may_edit(request.user),
            "policies": rows,
            "upload_form": UploadForm(),
            "next_year": data["today"].year + 1,
        },
    )


def _year_or_none(year: int) -> HolidayYear | None:
    if not calendars.FIRST_YEAR <= year <= calendars.LAST_YEAR:
        raise Http404(_("Not found."))
    return HolidayYear.objects.filter(year=year).first()


@login_required
@require_http_methods(["GET", "POST"])
def year_edit(request, year: int):
    if request.method == "POST":
        calendars.require_edit(request.user)
    else:
        calendars.require_read(request.user)
    row = _year_or_none(year)
    may_edit = calendars.may_edit(request.user)
    if row is None and not may_edit:
        raise Http404(_("Not found."))
    errors: list[str] = []
    if request.method == "POST":
        form = YearForm(request.POST)
        if form.is_valid():
            document = calendars.document_from_lines(year, **form.cleaned_data)
            try:
                _row, created, refreshed = calendars.save_year(document, actor=request.user)
            except CalendarInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, _saved_message(year, created, refreshed))
                return redirect("hazards:calendars")
        else:
            errors = _form_errors(form)
    else:
        initial = (
            {"name": row.name, "source": row.source, **calendars.year_lines(row)} if row else {}
        )
        form = YearForm(initial=initial)
    return render(
        request,
        "hazards/calendar_year.html",
        {"year": year, "row": row, "form": form, "may_edit": may_edit, "errors": errors},
        status=422 if errors else 200,
    )


def _saved_message(year: int, created: bool, refreshed: int) -> str:
    if created:
        text = _("The holiday calendar for %(year)s is loaded.") % {"year": year}
    else:
        text = _("The holiday calendar for %(year)s is replaced.") % {"year": year}
    if refreshed:
        text += " " + _("%(n)s estimated time limits were computed again.") % {"n": refreshed}
    return text


@login_required
@require_POST
def year_upload(request):
    calendars.require_edit(request.user)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a calendar file."))
        return redirect("hazards:calendars")
    with page_errors(request):
        document = calendars.read_upload(form.cleaned_data["file"].read())
        row, created, refreshed = calendars.save_year(document, actor=request.user)
        messages.success(request, _saved_message(row.year, created, refreshed))
    return redirect("hazards:calendars")


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request):
    calendars.require_edit(request.user)
    return _policy_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request, pk: int):
    calendars.require_read(request.user)
    policy = DeadlinePolicy.objects.filter(pk=pk).first()
    if policy is None:
        raise Http404(_("Not found."))
    return _policy_page(request, policy)


def _policy_page(request, policy):
    may_edit = calendars.may_edit(request.user)
    errors: list[str] = []
    if request.method == "POST":
        calendars.require_edit(request.user)
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                calendars.save_policy(form.cleaned_data, actor=request.user, policy=policy)
            except CalendarInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, _("The deadline policy is saved."))
                return redirect("hazards:calendars")
        else:
            errors = _form_errors(form)
    else:
        initial = {}
        if policy is not None:
            initial = {
                f: getattr(policy, f)
                for f in ("region_prefix", "grade", "category", "days", "working_days", "note")
            }
        form = PolicyForm(initial=initial)
    return render(
        request,
        "hazards/deadline_policy.html",
        {"policy": policy, "form": form, "may_edit": may_edit, "errors": errors},
        status=422 if errors else 200,
    )


@login_required
@require_POST
def policy_delete(request, pk: int):
    calendars.require_read(request.user)
    policy = DeadlinePolicy.objects.filter(pk=pk).first()
    if policy is None:
        raise Http404(_("Not found."))
    calendars.delete_policy(policy, actor=request.user)
    messages.success(request, _("The deadline policy is deleted."))
    return redirect("hazards:calendars")
