"""What an estimated legal clock says on a page: which years' holiday calendars are missing."""

from django import template

from hazardloop.hazards.deadlines import calendar_note, missing_years

register = template.Library()


@register.simple_tag
def clock_calendar_note(hazard) -> str:
    """The note of the hazard's estimated clock ("" when it is exact); one query if estimated."""
    if not getattr(hazard, "clock_estimated", False):
        return ""
    return calendar_note(missing_years(hazard))
