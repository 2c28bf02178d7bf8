"""Which checklist templates a user may use and which they may manage.

Built-in templates (region "") are for everyone signed in with a role. A region's adapted copy is
for users working in that region, above it, or below it (a county uses its city's copy).
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hazardloop.accounts.access import memberships_of, scope_for
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.regions import codes as region_codes


def _ancestor_codes(code_or_prefix: str) -> set[str]:
    return set(region_codes.ancestor_codes(code_or_prefix)) if code_or_prefix else set()


def usable_q(user) -> Q:
    if getattr(user, "is_superuser", False):
        return Q()
    codes: set[str] = set()
    for membership in memberships_of(user):
        region = membership.region_id or ""
        codes.add(region)
        codes |= _ancestor_codes(membership.region.prefix if membership.region else region)
    scope = scope_for(user, "inspection.view")
    return Q(region_code="") | Q(region_code__in=codes) | scope.q("region_code", None)


def usable_templates(user) -> QuerySet:
    if not memberships_of(user) and not getattr(user, "is_superuser", False):
        return ChecklistTemplate.objects.none()
    return ChecklistTemplate.objects.filter(usable_q(user))


def get_usable_template_or_404(user, pk: int) -> ChecklistTemplate:
    """A template the user may use; a regional copy elsewhere looks missing (404)."""
    return get_object_or_404(usable_templates(user), pk=pk)


def can_manage(user, template: ChecklistTemplate) -> bool:
    """Built-in templates are edited only by administrators (through the data files or xlsx);
    a region's copy by those who hold checklist.manage over that whole region."""
    scope = scope_for(user, "checklist.manage")
    if not template.region_code:
        return scope.everything
    return scope.covers_region(template.region_code)
