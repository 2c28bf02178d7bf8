from django import template

from hazardloop.hazards.choices import GRADE_BADGE, STATUS_BADGE, SUPERVISION_BADGE

register = template.Library()


@register.inclusion_tag("hazards/partials/_badges.html")
def hazard_badges(hazard, now):
    return {
        "hazard": hazard,
        "grade_badge": GRADE_BADGE.get(hazard.grade, "secondary"),
        "status_badge": STATUS_BADGE.get(hazard.status, "secondary"),
        "supervision_badge": SUPERVISION_BADGE.get(hazard.supervision_level, "secondary"),
        "overdue": hazard.is_overdue(now),
    }
