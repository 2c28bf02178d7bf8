from django import template

from hazardloop.checklists.labels import rule_ref_label

register = template.Library()


@register.filter
def rule_ref(ref: str) -> str:
    """A rule reference (gb35181-2017:7.3.10) as the standard's name and element."""
    return rule_ref_label(ref)
