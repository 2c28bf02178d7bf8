from django import template

from hazardloop.reports import audit_labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return audit_labels.action_label(code)


@register.filter
def object_type_label(object_type: str) -> str:
    return audit_labels.object_type_label(object_type)


@register.filter
def audit_message(message: str) -> str:
    return audit_labels.message_text(message)
