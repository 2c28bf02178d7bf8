from django import template

from hazardloop.hazards.pages import badges

register = template.Library()


@register.inclusion_tag("hazards/partials/_badges.html")
def hazard_badges(hazard, now):
    return {"badges": badges(hazard, now)}
