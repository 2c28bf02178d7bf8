"""What an estimated legal clock says on a page: which years' holiday calendars are missing."""

from django import template
from django.utils import timezone

from hazardloop.hazards.deadlines import calendar_note, missing_years

register = template.Library()


@register.simple_tag
def clock_calendar_note(hazard) -> str:
    """The note of the hazard's estimated clock ("" when it is exact); one query if estimated."""
    if not getattr(hazard, "clock_estimated", False):
        return ""
    return calendar_note(missing_years(hazard))


@register.inclusion_tag("hazards/partials/_calendar_warning.html", takes_context=True)
def calendar_warning(context):
    """For those who may enter calendars (the province level): this year's or, from
    1 November, next year's holiday calendar is missing. One small query for them, none for
    anyone else."""
    from hazardloop.hazards.calendars import may_edit
    from hazardloop.hazards.deadlines import LOCAL, missing_calendar_years

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_edit(user):
        return {"missing": []}
    return {"missing": missing_calendar_years(timezone.localtime(timezone.now(), LOCAL).date())}
