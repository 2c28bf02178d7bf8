from django import template

from hazardloop.supervision.queries import panel_context

register = template.Library()


@register.inclusion_tag("supervision/partials/_documents_panel.html", takes_context=True)
def hazard_documents_panel(context, hazard):
    """The documents of `hazard` with their clocks, as the hazard page shows them."""
    return panel_context(context["request"].user, hazard)
