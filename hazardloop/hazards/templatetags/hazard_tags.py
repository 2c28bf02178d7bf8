from django import template

from hazardloop.hazards import timeline
from hazardloop.hazards.pages import badges

register = template.Library()


@register.inclusion_tag("hazards/partials/_badges.html")
def hazard_badges(hazard, now):
    return {"badges": badges(hazard, now)}


@register.filter
def event_note(event) -> str:
    """The translated note of a timeline event (hazards/timeline.py): codes never reach the page."""
    return timeline.event_note(event)
